// Runs the typed jobs: on BullMQ when Redis is configured (production and CI),
// in-process otherwise (the embedded single-process mode). Handlers never
// know which one runs them. A job that exhausts its attempts leaves a
// JobFailure row (see modules/system) instead of disappearing.
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobFailure } from '../modules/system/job-failure.entity.js';
import { forkFor } from './database.js';
import { observeJob } from './metrics.js';
import { runJobSpan, takeTraceContext, withTraceContext } from './tracing.js';
import { BACKOFF_BASE_MS, DEFAULT_ATTEMPTS, QUEUES, type EnqueueOptions, type JobContext, type JobDefinition, type JobRunner, type QueueName } from './queue.js';

export type JobDeps = Omit<JobContext, 'jobs' | 'attempt' | 'lastAttempt'>;
type AnyJob = JobDefinition<never>;

async function recordFailure(deps: JobDeps, job: AnyJob, jobId: string | undefined, data: unknown, err: unknown, attempts: number) {
  deps.logger.error({ job: job.name, jobId, err }, 'job failed for good');
  const em = forkFor(deps.orm, null);
  const workspaceId = (data as { workspaceId?: string })?.workspaceId ?? null;
  em.create(JobFailure, {
    workspace: workspaceId,
    queue: job.queue,
    name: job.name,
    jobId: jobId ?? null,
    data: (data ?? {}) as Record<string, unknown>,
    error: err instanceof Error ? err.message : String(err),
    attempts,
  });
  await em.flush().catch((e) => deps.logger.error({ err: e }, 'could not record job failure'));
}

export class InProcessJobRunner implements JobRunner {
  readonly mode = 'in-process' as const;
  private pending = new Set<string>();
  private running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly deps: JobDeps,
    private readonly jobs: Map<string, AnyJob>,
  ) {}

  async enqueue<D>(job: JobDefinition<D>, data: D, opts: EnqueueOptions = {}): Promise<void> {
    if (this.closed) return;
    const key = opts.jobId ? `${job.name}:${opts.jobId}` : undefined;
    if (key && this.pending.has(key)) return;
    if (key) this.pending.add(key);
    const run = this.run(job as unknown as AnyJob, withTraceContext(data, job.name) as never, opts, key);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async run(job: AnyJob, traced: never, opts: EnqueueOptions, key?: string) {
    const { data, parent } = takeTraceContext(traced);
    try {
      // Start on a later turn of the event loop, never inside the enqueuing request.
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
      const attempts = job.attempts ?? DEFAULT_ATTEMPTS;
      for (let attempt = 0; attempt < attempts && !this.closed; attempt++) {
        const observed = observeJob(job.name);
        try {
          await runJobSpan(job.name, parent, attempt, () => {
            this.deps.logger.debug({ job: job.name, attempt }, 'job started');
            return job.handle(data, { ...this.deps, jobs: this, attempt, lastAttempt: attempt === attempts - 1 });
          });
          observed('completed');
          return;
        } catch (err) {
          observed(attempt === attempts - 1 ? 'failed' : 'retried');
          if (attempt === attempts - 1) {
            await recordFailure(this.deps, job, opts.jobId, data, err, attempts);
            return;
          }
          this.deps.logger.warn({ job: job.name, attempt, err: (err as Error).message }, 'job failed, retrying');
          await new Promise((r) => setTimeout(r, BACKOFF_BASE_MS * 2 ** attempt));
        }
      }
    } finally {
      if (key) this.pending.delete(key);
    }
  }

  async idle() {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async close() {
    this.closed = true;
    await this.idle();
  }
}

export class BullJobRunner implements JobRunner {
  readonly mode = 'bullmq' as const;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<D>(job: JobDefinition<D>, data: D, opts: EnqueueOptions = {}): Promise<void> {
    await this.queue(job.queue).add(job.name, withTraceContext(data, job.name), {
      // BullMQ ignores an add whose id already exists: that is our idempotency.
      jobId: opts.jobId ? `${job.name}:${opts.jobId}`.replaceAll(':', '.') : undefined,
      delay: opts.delayMs,
      attempts: job.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_BASE_MS },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  async idle() {}

  async close() {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}

/** BullMQ workers for every queue, running the registered jobs. */
export function startWorkers(deps: JobDeps, runner: JobRunner, jobs: Map<string, AnyJob>, connection: Redis, concurrency = 8) {
  const workers = Object.values(QUEUES).map((queue) => {
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
          if (last) await recordFailure(deps, def, job.id, data, err, attempts);
          throw err;
        }
      },
      { connection: connection.duplicate({ maxRetriesPerRequest: null }), concurrency, prefix: deps.config.queuePrefix },
    );
    worker.on('error', (err) => deps.logger.warn({ err: err.message, queue }, 'worker error'));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.allSettled(workers.map(async (w) => {
        const conn = await w.client;
        await w.close();
        conn.disconnect();
      }));
    },
  };
}
