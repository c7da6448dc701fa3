// Queue names and typed job definitions. Each job exports its definition;
// jobs are enqueued only through a JobRunner and registered explicitly.
import type { AiProviders } from './ai.js';
import type { Config } from './config.js';
import type { Orm } from './database.js';
import type { Logger } from './logger.js';
import type { PubSub } from './pubsub.js';

export const QUEUES = { maintenance: 'maintenance', knowledge: 'knowledge', ai: 'ai', webhooks: 'webhooks' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Who is online in a workspace, with their chosen status: what routing reads (the presence module's stores implement it). */
export interface PresenceReader {
  list(workspaceId: string): Promise<Map<string, 'ONLINE' | 'AWAY' | 'OFFLINE'>>;
}

export interface JobContext {
  orm: Orm;
  logger: Logger;
  pubSub: PubSub;
  config: Config;
  ai: AiProviders;
  jobs: JobRunner;
  /**
   * Who is online (handoffs assign online agents): in memory in the embedded
   * mode, in Redis otherwise. Scripts that run jobs without an API node leave
   * it out: nobody counts as online, handoffs wait in their team inbox.
   */
  presence?: PresenceReader;
  /** How many times this job has been tried before (0 on the first run). */
  attempt: number;
  /** True on the last attempt: a handler may degrade gracefully instead of failing. */
  lastAttempt: boolean;
}

export interface JobDefinition<Data> {
  name: string;
  queue: QueueName;
  /** Attempts before the job is recorded as failed (default DEFAULT_ATTEMPTS). */
  attempts?: number;
  /**
   * `custom`: the handler decides each retry's delay by throwing RetryLater
   * (other errors fall back to the exponential default).
   */
  backoff?: 'custom';
  handle(data: Data, ctx: JobContext): Promise<unknown>;
  /**
   * Runs once the job has failed for good (exhausted retries, or stalled
   * past the limit because it kept killing its worker), after the failure is
   * recorded. Retried until it succeeds, so it must be idempotent.
   */
  onFailed?(data: Data, ctx: Omit<JobContext, 'attempt' | 'lastAttempt'>, error: string): Promise<unknown>;
}

export interface EnqueueOptions {
  /** Idempotency: a job with the same id that is still pending is not added twice. */
  jobId?: string;
  delayMs?: number;
  /**
   * Re-drive: a finished (completed or failed) job with the same id is
   * replaced instead of blocking the add; a waiting, delayed or active one is
   * left to finish.
   */
  redrive?: boolean;
}

export interface JobRunner {
  readonly mode: 'bullmq' | 'in-process';
  enqueue<D>(job: JobDefinition<D>, data: D, opts?: EnqueueOptions): Promise<void>;
  /** Resolves when no job is pending or running: in process, none in flight; on BullMQ, none waiting or active in the deployment's queues (tests and shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Eight attempts with exponential backoff from JOB_RETRY_BASE_MS (1 s):
 * retries at 1, 2, 4 … 64 s, 127 s in all, so a job outlasts a minute of
 * database or model-server downtime before it is recorded as failed.
 */
export const DEFAULT_ATTEMPTS = 8;
/**
 * A job whose worker dies under it (lock lost) goes back to the queue; after
 * a third such stall it fails as stalled. Two stalls are tolerated so a
 * rolling deploy plus a crash does not fail a customer's answer; more would
 * let a job that crashes workers (out of memory, say) take down a third and
 * fourth one. Handlers are idempotent, so re-running a stalled job is safe.
 */
export const MAX_STALLED_COUNT = 2;

/** Thrown by a handler with `backoff: 'custom'`: retry this job after `delayMs`. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** The delay before the next attempt: a RetryLater's own, or the exponential default from `baseMs`. */
export function retryDelay(err: unknown, attemptsMade: number, baseMs: number): number {
  if (err instanceof RetryLater) return err.delayMs;
  return baseMs * 2 ** Math.max(0, attemptsMade - 1);
}
