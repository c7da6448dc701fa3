// Queue names and typed job definitions. Each job exports its definition;
// jobs are enqueued only through a JobRunner and registered explicitly.
import type { AiProviders } from './ai.js';
import type { Config } from './config.js';
import type { Orm } from './database.js';
import type { Logger } from './logger.js';
import type { PubSub } from './pubsub.js';

export const QUEUES = { maintenance: 'maintenance', knowledge: 'knowledge', ai: 'ai' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobContext {
  orm: Orm;
  logger: Logger;
  pubSub: PubSub;
  config: Config;
  ai: AiProviders;
  jobs: JobRunner;
  /** How many times this job has been tried before (0 on the first run). */
  attempt: number;
  /** True on the last attempt: a handler may degrade gracefully instead of failing. */
  lastAttempt: boolean;
}

export interface JobDefinition<Data> {
  name: string;
  queue: QueueName;
  /** Attempts before the job is recorded as failed (default 4). */
  attempts?: number;
  handle(data: Data, ctx: JobContext): Promise<unknown>;
}

export interface EnqueueOptions {
  /** Idempotency: a job with the same id that is still pending is not added twice. */
  jobId?: string;
  delayMs?: number;
}

export interface JobRunner {
  readonly mode: 'bullmq' | 'in-process';
  enqueue<D>(job: JobDefinition<D>, data: D, opts?: EnqueueOptions): Promise<void>;
  /** Resolves when no in-process job is pending or running (tests and shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 4;
export const BACKOFF_BASE_MS = 500;
