// webhooks.sweep: the safety net under deliveries. A pending delivery whose
// attempt is long overdue lost its job (an in-process runner that restarted,
// a queue that was flushed): it is enqueued again. Entries still in the
// outbox are left to the outbox drain; a job still waiting or running in
// BullMQ is left alone (redrive only replaces finished ones). Events still
// marked for fan-out FAN_OUT_LOST_MS after they happened lost their poke (a
// node that died right after commit, a queue that was down): fanned out now.
import { forkFor } from '../../platform/database.js';
import { OutboxEntry } from '../../platform/outbox.entity.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { deliverWebhookJob } from './deliver.job.js';
import { fanOutPending } from './fan-out.job.js';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook.entity.js';

const BATCH = 500;
/** Beyond its due time plus this, a pending delivery counts as lost. */
export const SWEEP_GRACE_MS = 5 * 60_000;
/** An event still waiting for its fan-out this long after it happened lost its poke. */
export const FAN_OUT_LOST_MS = 10_000;

export const sweepWebhooksJob: JobDefinition<Record<string, never>> = {
  name: 'webhooks.sweep',
  queue: QUEUES.maintenance,
  async handle(_data, ctx) {
    const fannedOut = await fanOutPending(ctx, new Date(Date.now() - FAN_OUT_LOST_MS));
    if (fannedOut) ctx.logger.warn({ deliveries: fannedOut }, 'webhook events fanned out by the sweep');
    const em = forkFor(ctx.orm, null);
    const overdue = new Date(Date.now() - SWEEP_GRACE_MS - ctx.config.webhooks.timeoutMs);
    const lost = await em.find(
      WebhookDelivery,
      { status: WebhookDeliveryStatus.PENDING, $or: [{ nextAttemptAt: { $lt: overdue } }, { nextAttemptAt: null, createdAt: { $lt: overdue } }] },
      { filters: false, fields: ['id', 'workspace'], limit: BATCH, orderBy: { createdAt: 'asc' } },
    );
    if (!lost.length) return { fannedOut, redriven: 0 };
    const queued = new Set((await em.find(OutboxEntry, { jobId: { $in: lost.map((d) => d.id) } }, { fields: ['jobId'] })).map((e) => e.jobId));
    let redriven = 0;
    for (const d of lost) {
      if (queued.has(d.id)) continue;
      await ctx.jobs.enqueue(deliverWebhookJob, { workspaceId: d.workspace.id, deliveryId: d.id }, { jobId: d.id, redrive: true });
      redriven += 1;
    }
    if (redriven) ctx.logger.warn({ redriven }, 'webhook deliveries re-driven');
    return { fannedOut, redriven };
  },
};
