import { type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { FaqCategory } from './faq-category.entity.js';
import { MutableTenantEntity } from '../workspaces/index.js';

export enum FaqStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(FaqStatus, { name: 'FaqStatus', description: 'Only PUBLISHED entries are used to answer customers.' });

export enum EmbeddingStatus {
  PENDING = 'PENDING',
  READY = 'READY',
  FAILED = 'FAILED',
}
registerEnumType(EmbeddingStatus, {
  name: 'EmbeddingStatus',
  description: 'Whether the entry is searchable yet: its chunks and embeddings are built by a background job.',
});

@ObjectType({ description: 'A knowledge-base entry: a question and its answer.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'createdAt', 'id'] })
@Index({ name: 'faq_search_vector_index', expression: 'create index "faq_search_vector_index" on "faq" using gin ("search_vector")' })
export class Faq extends MutableTenantEntity<'tags' | 'alternateQuestions' | 'status' | 'embeddingStatus'> {
  @ManyToOne(() => FaqCategory, { ref: true, nullable: true, deleteRule: 'set null' })
  category?: Ref<FaqCategory> | null;

  @Field()
  @Property({ length: 500 })
  question!: string;

  @Field()
  @Property({ type: 'text' })
  answer!: string;

  @Field(() => [String], {
    description: 'Other ways customers ask this question. Searched like the question itself; never shown to customers.',
  })
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  alternateQuestions: string[] = [];

  @Field(() => [String])
  @Property({ type: 'text[]' })
  tags: string[] = [];

  @Field(() => FaqStatus)
  @Enum(() => FaqStatus)
  status: FaqStatus = FaqStatus.DRAFT;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  publishedAt?: Date | null;

  @Field(() => EmbeddingStatus)
  @Enum(() => EmbeddingStatus)
  embeddingStatus: EmbeddingStatus = EmbeddingStatus.PENDING;

  @Field(() => String, { nullable: true, description: 'Why the last embedding attempt failed.' })
  @Property({ type: 'text', nullable: true })
  embeddingError?: string | null;

  /** Full-text index over question, answer and tags, maintained by PostgreSQL. */
  @Property({
    columnType: 'tsvector',
    generated: `(setweight(to_tsvector('english', coalesce("question", '')), 'A') || setweight(to_tsvector('english', coalesce("answer", '')), 'B')) stored`,
    lazy: true,
    hidden: true,
    nullable: true,
  })
  searchVector?: string;
}
