import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A job to enqueue, written in the same transaction as the change that calls
 * for it and deleted once the queue has it (see outbox.ts). Not tenant-scoped:
 * only the dispatcher reads it.
 */
@Entity({ tableName: 'job_outbox' })
@Index({ properties: ['nextAttemptAt'] })
export class OutboxEntry {
  [OptionalProps]?: 'id' | 'createdAt' | 'nextAttemptAt' | 'attempts' | 'lastError' | 'jobId' | 'delayMs';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ length: 60 })
  job!: string;

  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Property({ type: 'string', length: 200, nullable: true })
  jobId?: string | null;

  @Property({ type: 'integer', nullable: true })
  delayMs?: number | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;
}
