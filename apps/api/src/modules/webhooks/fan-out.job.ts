// webhooks.fan_out: turns committed events into one delivery (and one
// webhooks.deliver job) per enabled endpoint subscribed to each. The event
// row is its own outbox entry: a change's transaction marks it
// `fanOutPending` and, after commit, pokes the FanOutTrigger, which coalesces
// the pokes of a busy node into one job every FAN_OUT_COALESCE_MS. The job
// claims pending events (FOR UPDATE SKIP LOCKED, so two workers never split
// one), writes their deliveries and clears the flag in one transaction: a
// retried or concurrent run creates no second delivery of an event to an
// endpoint. Events whose poke was lost (a node that died after commit, a
// queue that was down) are picked up by the webhooks.sweep schedule.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { forkFor, type Orm } from '../../platform/database.js';
import type { Logger } from '../../platform/logger.js';
import { OutboxDispatcher } from '../../platform/outbox.js';
import type { OutboxEntry } from '../../platform/outbox.entity.js';
import { QUEUES, type JobDefinition, type JobRunner } from '../../platform/queue.js';
import { deliverWebhookJob, scheduleDelivery } from './deliver.job.js';
import { WebhookDeliveryTrigger, WebhookEndpoint, WebhookEvent } from './webhook.entity.js';

/** Events claimed per transaction. */
const BATCH = 200;
/** How long a poke waits for others to share its job. */
export const FAN_OUT_COALESCE_MS = 25;
const RETRY_MS = 1_000;

const deliveryJobs = new Map<string, JobDefinition<never>>([[deliverWebhookJob.name, deliverWebhookJob as JobDefinition<never>]]);

/** Fans out every pending event (all workspaces); returns how many deliveries it scheduled. */
export async function fanOutPending(deps: { orm: Orm; jobs: JobRunner; logger: Logger }, olderThan?: Date): Promise<number> {
  const dispatcher = new OutboxDispatcher(deps.orm, deps.jobs, deliveryJobs, deps.logger);
  let total = 0;
  for (;;) {
    const em = forkFor(deps.orm, null);
    const { claimed, entries } = await em.transactional(async (tx) => {
      const events = await tx.find(WebhookEvent, olderThan ? { fanOutPending: true, occurredAt: { $lt: olderThan } } : { fanOutPending: true }, {
        filters: false,
        orderBy: { occurredAt: 'asc' },
        limit: BATCH,
        lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE,
      });
      if (!events.length) return { claimed: 0, entries: [] as OutboxEntry[] };
      const workspaces = [...new Set(events.map((e) => e.workspace.id))];
      const endpoints = await tx.find(WebhookEndpoint, { workspace: { $in: workspaces }, enabled: true }, { filters: false });
      const scheduled: OutboxEntry[] = [];
      for (const event of events) {
        event.fanOutPending = false;
        for (const endpoint of endpoints) {
          if (endpoint.workspace.id === event.workspace.id && endpoint.eventTypes.includes(event.type)) {
            scheduled.push(scheduleDelivery(tx, endpoint, event, WebhookDeliveryTrigger.EVENT));
          }
        }
      }
      return { claimed: events.length, entries: scheduled };
    });
    // Never throws: what the queue does not take now, the outbox drain hands over later.
    await dispatcher.dispatch(entries);
    total += entries.length;
    if (claimed < BATCH) return total;
  }
}

export const fanOutWebhooksJob: JobDefinition<Record<string, never>> = {
  name: 'webhooks.fan_out',
  queue: QUEUES.webhooks,
  async handle(_data, ctx) {
    return { deliveries: await fanOutPending(ctx) };
  },
};

/**
 * After commit, a change with pending events calls `poke()`: no I/O on the
 * request path; within FAN_OUT_COALESCE_MS one fan-out job is enqueued for
 * every poke in between (a busy node enqueues at most 40 a second, each
 * fanning out everything pending). A failed enqueue is retried every second.
 */
export class FanOutTrigger {
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly jobs: JobRunner,
    private readonly logger: Logger,
  ) {}

  poke(delayMs = FAN_OUT_COALESCE_MS): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueue().catch((err: Error) => {
        this.logger.warn({ err: err.message }, 'webhook fan-out could not be queued; retrying');
        this.poke(RETRY_MS);
      });
    }, delayMs);
    this.timer.unref();
  }

  private enqueue(): Promise<void> {
    return this.jobs.enqueue(fanOutWebhooksJob, {}, { jobId: randomUUID() });
  }

  /** Shutdown: a poke still waiting is queued now (best effort; the sweep picks up what is left), then pokes stop. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.enqueue().catch((err: Error) => this.logger.warn({ err: err.message }, 'webhook fan-out not queued at shutdown; the sweep will'));
  }
}

const triggers = new WeakMap<JobRunner, FanOutTrigger>();

/** The trigger of this process's job runner. */
export function fanOutTrigger(deps: { jobs: JobRunner; logger: Logger }): FanOutTrigger {
  let trigger = triggers.get(deps.jobs);
  if (!trigger) triggers.set(deps.jobs, (trigger = new FanOutTrigger(deps.jobs, deps.logger)));
  return trigger;
}

/** Shutdown, before the job runner closes. */
export function closeFanOutTrigger(jobs: JobRunner): Promise<void> {
  return triggers.get(jobs)?.close() ?? Promise.resolve();
}
