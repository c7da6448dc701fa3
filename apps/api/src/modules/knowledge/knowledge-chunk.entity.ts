import { type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../platform/tenant.js';
import { Faq } from './faq.entity.js';
import { TenantEntity } from '../workspaces/index.js';

/**
 * A retrievable piece of a published FAQ with its embedding. The embedding is
 * kept as `real[]` everywhere; where the server has pgvector, a migration adds
 * a `vector` copy with an HNSW index. Full-text search uses a generated
 * tsvector with a GIN index.
 */
@Entity()
@TenantScoped()
@Index({ properties: ['faq'] })
@Index({ name: 'knowledge_chunk_tsv_index', expression: 'create index "knowledge_chunk_tsv_index" on "knowledge_chunk" using gin ("tsv")' })
export class KnowledgeChunk extends TenantEntity {
  @ManyToOne(() => Faq, { ref: true, deleteRule: 'cascade' })
  faq!: Ref<Faq>;

  @Property({ type: 'integer' })
  ordinal!: number;

  @Property({ type: 'text' })
  text!: string;

  /** Written and read with SQL (an array of reals), never hydrated by the ORM. */
  @Property({ columnType: 'real[]', type: 'unknown', lazy: true, hidden: true })
  embedding!: number[];

  @Property({ length: 60 })
  embeddingModel!: string;

  /** Full-text index of the chunk, maintained by PostgreSQL. */
  @Property({ columnType: 'tsvector', generated: `(to_tsvector('english', "text")) stored`, lazy: true, hidden: true, nullable: true })
  tsv?: string;
}
