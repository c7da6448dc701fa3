// Transactional outbox: a change that calls for a job writes an OutboxEntry
// in its own transaction (`enqueueWith`), so commit and enqueue cannot
// diverge. After commit the caller hands the entries to the dispatcher
// (`dispatch`, which never throws: a queue that is down only delays them);
// whatever is left is drained in the background: at start (entries a crashed
// process left), every second while a dispatch has failed, and, in worker
// processes, every 30 s as a safety net for API nodes that died mid-request.
import { LockMode } from '@mikro-orm/core';
import { forkFor, type Em, type Orm } from './database.js';
import type { Logger } from './logger.js';
import { OutboxEntry } from './outbox.entity.js';
import type { EnqueueOptions, JobDefinition, JobRunner } from './queue.js';
import { withTraceContext } from './tracing.js';

const BATCH = 100;
const ENQUEUE_TIMEOUT_MS = 3_000;
const BACKLOG_POLL_MS = 1_000;
/** Safety-net interval for processes that drain for others (workers). */
export const IDLE_POLL_MS = 30_000;

/**
 * Records a job in the caller's transaction; dispatch the entry after commit.
 * Without a job id the entry's own id is used, so an entry enqueued twice
 * (the queue took it but the delete did not commit) still runs once.
 */
export function enqueueWith<D>(em: Em, job: JobDefinition<D>, data: D, opts: EnqueueOptions = {}): OutboxEntry {
  const entry = outboxEntry(em, job, data, opts);
  em.persist(entry);
  return entry;
}

/**
 * The same entry, not yet written: for a caller that writes it itself in its
 * transaction (the timeline's plain-row path inserts it with `insertLean`).
 */
export function outboxEntry<D>(em: Em, job: JobDefinition<D>, data: D, opts: EnqueueOptions = {}): OutboxEntry {
  // The trace context of the writing request travels with the entry, so the job's span joins its trace.
  return em.create(
    OutboxEntry,
    {
      job: job.name,
      data: withTraceContext(data, job.name) as Record<string, unknown>,
      jobId: opts.jobId ?? null,
      delayMs: opts.delayMs ?? null,
    },
    { persist: false },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

export class OutboxDispatcher {
  private timer?: NodeJS.Timeout;
  private backlog = true;
  private draining?: Promise<number>;
  private stopped = false;
  private lastPoll = 0;

  constructor(
    private readonly orm: Orm,
    private readonly runner: JobRunner,
    private readonly jobs: Map<string, JobDefinition<never>>,
    private readonly logger: Logger,
  ) {}

  /** Hands just-committed entries to the queue; on failure they stay for the background drain. */
  async dispatch(entries: OutboxEntry[]): Promise<void> {
    if (!entries.length || this.stopped) return;
    try {
      // In chunks: one claim takes at most BATCH rows.
      for (let i = 0; i < entries.length; i += BATCH) await this.drainOnce(entries.slice(i, i + BATCH).map((e) => e.id));
    } catch (err) {
      this.backlog = true;
      this.logger.warn({ err: (err as Error).message, entries: entries.length }, 'outbox dispatch failed; will retry in the background');
    }
  }

  /** Drains now, then while there is a backlog, and every `idlePollMs` when given. */
  start(idlePollMs?: number) {
    const tick = () => {
      const due = this.backlog ? BACKLOG_POLL_MS : idlePollMs;
      if (due !== undefined && !this.draining && Date.now() - this.lastPoll >= due) {
        this.lastPoll = Date.now();
        this.draining = this.drain()
          .catch((err) => {
            this.backlog = true;
            this.logger.warn({ err: (err as Error).message }, 'outbox drain failed');
            return 0;
          })
          .finally(() => (this.draining = undefined));
      }
    };
    this.timer = setInterval(tick, BACKLOG_POLL_MS);
    this.timer.unref();
    tick();
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
  }

  /** Drains everything due; returns how many entries went to the queue. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.drainOnce();
      total += n;
      if (n < BATCH) break;
    }
    this.backlog = false;
    return total;
  }

  /**
   * Claims due entries (skipping rows another node holds), enqueues them and
   * deletes the ones the queue took, in one transaction. The first enqueue
   * that fails ends the batch: the queue is likely down for the rest too.
   */
  private async drainOnce(ids?: string[]): Promise<number> {
    const em = forkFor(this.orm, null);
    let failure: Error | null = null;
    const sent = await em.transactional(async (tx) => {
      const rows = await tx.find(OutboxEntry, ids ? { id: { $in: ids } } : { nextAttemptAt: { $lte: new Date() } }, {
        orderBy: { createdAt: 'asc' },
        limit: BATCH,
        lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE,
      });
      let n = 0;
      for (const row of rows) {
        const job = this.jobs.get(row.job);
        if (!job) {
          this.logger.error({ job: row.job, id: row.id }, 'outbox entry for an unknown job dropped');
          tx.remove(row);
          continue;
        }
        try {
          await withTimeout(
            this.runner.enqueue(job, row.data as never, { jobId: row.jobId ?? row.id, delayMs: row.delayMs ?? undefined }),
            ENQUEUE_TIMEOUT_MS,
            'enqueue',
          );
          tx.remove(row);
          n += 1;
        } catch (err) {
          failure = err as Error;
          row.attempts += 1;
          row.lastError = failure.message.slice(0, 500);
          row.nextAttemptAt = new Date(Date.now() + Math.min(5_000, 500 * 2 ** Math.min(row.attempts, 4)));
          break;
        }
      }
      return n;
    });
    if (failure) throw failure;
    return sent;
  }
}
