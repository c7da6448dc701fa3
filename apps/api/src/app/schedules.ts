// Recurring maintenance jobs. With Redis, BullMQ job schedulers (one per job,
// upserted, so any number of worker processes agree on one schedule); in the
// embedded single-process mode, timers that enqueue into the in-process runner.
import { openQueue } from '../platform/jobs.js';
import type { Redis } from 'ioredis';
import { purgeTokensJob } from '../modules/auth/purge-tokens.job.js';
import { retentionJob } from '../modules/contacts/retention.job.js';
import { rollupJob } from '../modules/analytics/rollup.job.js';
import { reconcileJob } from '../modules/assistant/reconcile.job.js';
import { sweepWebhooksJob } from '../modules/webhooks/sweep.job.js';
import { webhookRetentionJob } from '../modules/webhooks/retention.job.js';
import { slaBreachJob } from '../modules/tickets/sla.job.js';
import { routeWaitingJob } from '../modules/conversations/route-waiting.job.js';
import { sweepAttachmentsJob } from '../modules/attachments/sweep.job.js';
import { QUEUES, type JobDefinition, type JobRunner } from '../platform/queue.js';

interface Recurring {
  job: JobDefinition<never>;
  data: unknown;
  everyMs: number;
}

export const recurring: Recurring[] = [
  { job: purgeTokensJob as JobDefinition<never>, data: { graceDays: 7 }, everyMs: 6 * 3600_000 },
  { job: retentionJob as JobDefinition<never>, data: {}, everyMs: 3600_000 },
  { job: rollupJob as JobDefinition<never>, data: {}, everyMs: 60_000 },
  { job: reconcileJob as JobDefinition<never>, data: {}, everyMs: 15_000 },
  { job: sweepWebhooksJob as JobDefinition<never>, data: {}, everyMs: 60_000 },
  { job: webhookRetentionJob as JobDefinition<never>, data: {}, everyMs: 3600_000 },
  { job: slaBreachJob as JobDefinition<never>, data: {}, everyMs: 60_000 },
  { job: routeWaitingJob as JobDefinition<never>, data: {}, everyMs: 60_000 },
  { job: sweepAttachmentsJob as JobDefinition<never>, data: {}, everyMs: 3600_000 },
];

/** Upserts the BullMQ schedulers; returns a closer for the queue handle. */
export async function scheduleOnBull(connection: Redis, prefix: string): Promise<() => Promise<void>> {
  const queue = openQueue(QUEUES.maintenance, connection, prefix);
  for (const r of recurring) {
    await queue.upsertJobScheduler(
      r.job.name,
      { every: r.everyMs },
      { name: r.job.name, data: r.data, opts: { attempts: r.job.attempts ?? 3, backoff: { type: 'exponential', delay: 5000 } } },
    );
  }
  return () => queue.close();
}

/** Embedded mode: first run a minute after start, then at each interval. */
export function scheduleInProcess(runner: JobRunner, firstDelayMs = 60_000): () => void {
  const timers: NodeJS.Timeout[] = [];
  for (const r of recurring) {
    const run = () => void runner.enqueue(r.job, r.data as never, { jobId: `${r.job.name}:scheduled` });
    const first = setTimeout(() => {
      run();
      const every = setInterval(run, r.everyMs);
      every.unref();
      timers.push(every);
    }, firstDelayMs);
    first.unref();
    timers.push(first);
  }
  return () => {
    for (const t of timers) {
      clearTimeout(t);
      clearInterval(t);
    }
  };
}
