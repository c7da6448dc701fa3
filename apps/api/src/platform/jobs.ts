// Runs the typed jobs: on BullMQ when Redis is configured (production and CI),
// in-process otherwise (the embedded single-process mode). Handlers never
// know which one runs them. Every job ends visibly: done, or failed for good
// (exhausted retries, stalled past the limit) and then recorded as a
// JobFailure row (see modules/system) plus the job's own onFailed hook, both
// retried until the database takes them.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import pRetry, { AbortError } from 'p-retry';
import type { Redis } from 'ioredis';
import { forkFor } from './database.js';
import { observeJob } from './metrics.js';
import { runJobSpan, takeTraceContext, withTraceContext } from './tracing.js';
import {
  DEFAULT_ATTEMPTS,
  MAX_STALLED_COUNT,
  QUEUES,
  retryDelay,
  type EnqueueOptions,
  type JobContext,
  type JobDefinition,
  type JobRunner,
  type QueueName,
} from './queue.js';

export type JobDeps = Omit<JobContext, 'jobs' | 'attempt' | 'lastAttempt'>;
type AnyJob = JobDefinition<never>;

const RECORD_RETRY_MAX_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * What a failed attempt throws to p-retry: the handler's error as the cause of
 * a plain Error, which p-retry retries (it would give up at once on a
 * TypeError or a thrown non-error, which BullMQ retries like any other), or,
 * when `last`, wrapped in an AbortError, which ends the retries.
 */
function forRetry(err: unknown, last: boolean): Error {
  const wrapped = new Error(err instanceof Error ? err.message : String(err), { cause: err });
  return last ? new AbortError(wrapped) : wrapped;
}

/** Waits for `work` until the deadline; true when the deadline came first. */
async function untilDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<true>((r) => {
    timer = setTimeout(() => r(true), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Records jobs that failed for good. The database may be what made them
 * fail, so each step is retried with backoff until it succeeds; the row's id
 * is fixed up front so a flush that committed but lost its reply is not
 * recorded twice.
 */
/**
 * A BullMQ Queue on a shared connection. A Queue re-emits its connection's
 * errors, and an EventEmitter with no 'error' listener throws: a Redis outage
 * or a Sentinel failover would then crash the process. The connection's own
 * listener reports outages; the queue's copy is dropped.
 */
export function openQueue(name: QueueName, connection: Redis, prefix: string): Queue {
  const queue = new Queue(name, { connection, prefix });
  queue.on('error', () => {});
  return queue;
}

export class FailureRecorder {
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: JobDeps) {}

  record(runner: JobRunner, job: AnyJob, jobId: string | undefined, data: unknown, error: unknown, attempts: number): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.logger.error({ job: job.name, jobId, err: message, attempts }, 'job failed for good');
    const id = randomUUID();
    const workspaceId = (data as { workspaceId?: string } | null)?.workspaceId ?? null;
    // The row the system module's JobFailure entity reads; written here in SQL so that the runner imports no module.
    // `on conflict do nothing`: a retried insert that had in fact committed.
    const insert = async () => {
      await forkFor(this.deps.orm, null).execute(
        `insert into job_failure (id, workspace_id, queue, name, job_id, data, error, attempts, failed_at) values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?) on conflict (id) do nothing`,
        [id, workspaceId, job.queue, job.name, jobId ?? null, JSON.stringify(data ?? {}), message, attempts, new Date()],
      );
    };
    const run = (async () => {
      await this.retrying('record job failure', job.name, insert);
      if (job.onFailed) await this.retrying('job failure hook', job.name, () => job.onFailed!(data as never, { ...this.deps, jobs: runner }, message));
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async retrying(what: string, job: string, step: () => Promise<unknown>) {
    try {
      await pRetry(
        async () => {
          try {
            await step();
          } catch (err) {
            throw forRetry(err, this.stopped);
          }
        },
        {
          retries: Infinity,
          minTimeout: 250,
          factor: 2,
          maxTimeout: RECORD_RETRY_MAX_MS,
          onFailedAttempt: ({ error, retryDelay }) => this.deps.logger.warn({ job, err: error.message, retryInMs: retryDelay }, `${what} failed, retrying`),
        },
      );
    } catch (err) {
      this.deps.logger.error({ job, err: (err as Error).message }, `${what} abandoned at shutdown`);
    }
  }

  /** Waits for pending records up to the deadline, then stops retrying. */
  async close(deadline = Date.now() + 5_000) {
    const pending = Promise.allSettled([...this.inFlight]);
    await untilDeadline(pending, deadline);
    this.stopped = true;
    await pending;
  }
}

export class InProcessJobRunner implements JobRunner {
  readonly mode = 'in-process' as const;
  private pending = new Set<string>();
  private running = new Set<Promise<void>>();
  private closed = false;
  private readonly failures: FailureRecorder;

  constructor(
    private readonly deps: JobDeps,
    private readonly jobs: Map<string, AnyJob>,
  ) {
    this.failures = new FailureRecorder(deps);
  }

  async enqueue<D>(job: JobDefinition<D>, data: D, opts: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('job runner is shutting down');
    const key = opts.jobId ? `${job.name}:${opts.jobId}` : undefined;
    if (key && this.pending.has(key)) return;
    if (key) this.pending.add(key);
    const run = this.run(job as unknown as AnyJob, withTraceContext(data, job.name) as never, opts, key);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async run(job: AnyJob, traced: never, opts: EnqueueOptions, key?: string) {
    const { data, parent } = takeTraceContext(traced);
    const attempts = job.attempts ?? DEFAULT_ATTEMPTS;
    let attempt = 0;
    try {
      // Start on a later turn of the event loop, never inside the enqueuing request.
      await sleep(opts.delayMs ?? 0);
      await pRetry(
        async (attemptNumber) => {
          attempt = attemptNumber - 1;
          const observed = observeJob(job.name);
          try {
            await runJobSpan(job.name, parent, attempt, () => {
              this.deps.logger.debug({ job: job.name, attempt }, 'job started');
              return job.handle(data, { ...this.deps, jobs: this, attempt, lastAttempt: attempt === attempts - 1 });
            });
          } catch (err) {
            // Shutting down: no further attempt, the failure is recorded now.
            const last = attempt === attempts - 1 || this.closed;
            observed(last ? 'failed' : 'retried');
            throw forRetry(err, last);
          }
          observed('completed');
        },
        {
          retries: attempts - 1,
          // Each delay is the shared policy's (BullMQ's backoffStrategy uses it too), waited out here.
          minTimeout: 0,
          onFailedAttempt: async ({ error, attemptNumber }) => {
            this.deps.logger.warn({ job: job.name, attempt: attemptNumber - 1, err: error.message }, 'job failed, retrying');
            await sleep(retryDelay(error.cause, attemptNumber, this.deps.config.jobs.retryBaseMs));
          },
        },
      );
    } catch (err) {
      await this.failures.record(this, job, opts.jobId, data, (err as Error).cause, attempt + 1);
    } finally {
      if (key) this.pending.delete(key);
    }
  }

  async idle() {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /** Stops taking jobs and lets the running ones finish (or fail and be recorded) until the deadline. */
  async close(deadline = Date.now() + 5_000) {
    this.closed = true;
    await untilDeadline(this.idle(), deadline);
    await this.failures.close(deadline);
  }
}

export class BullJobRunner implements JobRunner {
  readonly mode = 'bullmq' as const;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly retryBaseMs: number,
  ) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = openQueue(name, this.connection, this.prefix);
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<D>(job: JobDefinition<D>, data: D, opts: EnqueueOptions = {}): Promise<void> {
    const queue = this.queue(job.queue);
    const jobId = opts.jobId ? bullJobId(job.name, opts.jobId) : undefined;
    if (jobId && opts.redrive) {
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') return;
        await existing.remove();
      }
    }
    await queue.add(job.name, withTraceContext(data, job.name), {
      // BullMQ ignores an add whose id already exists: that is our idempotency.
      jobId,
      delay: opts.delayMs,
      attempts: job.attempts ?? DEFAULT_ATTEMPTS,
      backoff: job.backoff === 'custom' ? { type: 'custom' } : { type: 'exponential', delay: this.retryBaseMs },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  /**
   * Resolves when no job waits or runs in this deployment's queues, whichever
   * node enqueued it or works on it (delayed ones, retries and schedules, are
   * not counted). For tests that check what a job did, or that it changed nothing.
   */
  async idle(pollMs = 20) {
    const queues = Object.values(QUEUES).map((name) => this.queue(name));
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('wait', 'active', 'prioritized')));
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      await sleep(pollMs);
    }
  }

  async close() {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}

export const bullJobId = (name: string, jobId: string) => `${name}:${jobId}`.replaceAll(':', '.');

/** BullMQ workers for every queue, running the registered jobs. */
export function startWorkers(deps: JobDeps, runner: JobRunner, jobs: Map<string, AnyJob>, connection: Redis, concurrency = 8) {
  // Webhook deliveries mostly wait on partners' servers: they get their own, larger, setting.
  const concurrencyOf = (queue: string) => (queue === QUEUES.webhooks ? deps.config.webhooks.concurrency : concurrency);
  const failures = new FailureRecorder(deps);
  const lockMs = deps.config.jobs.lockMs;
  // Each worker gets its own connection, which BullMQ does not close (it
  // only closes the ones it creates): close() disconnects it afterwards.
  const connections = new Map<Worker, Redis>();
  const workers = Object.values(QUEUES).map((queue) => {
    const workerConnection = connection.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const def = jobs.get(job.name);
        if (!def) throw new Error(`unknown job ${job.name}`);
        const attempts = job.opts.attempts ?? DEFAULT_ATTEMPTS;
        const last = job.attemptsMade >= attempts - 1;
        // Time spent ready in the queue, for first runs (retries wait out their backoff on purpose).
        const observed = observeJob(job.name, job.attemptsMade === 0 ? Date.now() - job.timestamp - (job.opts.delay ?? 0) : undefined);
        const { data, parent } = takeTraceContext(job.data);
        try {
          const result = await runJobSpan(job.name, parent, job.attemptsMade, () => {
            deps.logger.debug({ job: job.name, jobId: job.id, attempt: job.attemptsMade }, 'job started');
            return def.handle(data as never, { ...deps, jobs: runner, attempt: job.attemptsMade, lastAttempt: last });
          });
          observed('completed');
          return result;
        } catch (err) {
          observed(last ? 'failed' : 'retried');
          // Failing for good is recorded by the 'failed' listener below.
          throw err;
        }
      },
      {
        connection: workerConnection,
        concurrency: concurrencyOf(queue),
        // Jobs with `backoff: 'custom'` say when to retry (RetryLater).
        settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => retryDelay(err, attemptsMade, deps.config.jobs.retryBaseMs) },
        prefix: deps.config.queuePrefix,
        // Recorded on each job (processedBy): which process ran it.
        name: `${hostname()}:${process.pid}`,
        // The lock is renewed every lockMs/2; a dead worker's lock expires
        // within lockMs. A stalled check marks the active jobs and the next
        // one (every 3/8 × lockMs) puts back those whose lock is gone, so a
        // job resumes within lockMs + 2 checks = 1.75 × lockMs (17.5 s by
        // default). Shorter locks recover faster but a process whose event
        // loop blocks longer than lockMs would see its job run twice
        // (handlers are idempotent; an answer is stored once).
        lockDuration: lockMs,
        stalledInterval: Math.floor((lockMs * 3) / 8),
        maxStalledCount: MAX_STALLED_COUNT,
        // After a Redis outage, poll again within a second (BullMQ's default waits 15 s).
        runRetryDelay: 1_000,
      },
    );
    worker.on('error', (err) => deps.logger.warn({ err: err.message, queue }, 'worker error'));
    // Fires for every failed attempt; `finishedOn` is set only when the job
    // failed for good, including a stall past the limit that never reached
    // the processor.
    worker.on('failed', (job, err) => {
      if (!job?.finishedOn) return;
      const def = jobs.get(job.name);
      if (def) void failures.record(runner, def, job.id, takeTraceContext(job.data).data, err, job.attemptsMade);
    });
    connections.set(worker, workerConnection);
    return worker;
  });
  return {
    workers,
    /** Lets active jobs finish until the deadline, then closes (unfinished jobs stall and resume elsewhere). */
    async close(deadline = Date.now() + 5_000) {
      await Promise.allSettled(
        workers.map(async (w) => {
          // Past the deadline, cut the connection instead of waiting: close(true)
          // after close() would only return the pending close, which waits for
          // the active jobs. Their locks then lapse and another worker resumes them.
          if (await untilDeadline(w.close(), deadline)) await w.disconnect().catch(() => undefined);
          connections.get(w)?.disconnect();
        }),
      );
      await failures.close(deadline);
    },
  };
}
