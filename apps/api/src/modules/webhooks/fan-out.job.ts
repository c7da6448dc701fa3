// webhooks.fan_out: turns committed events into one delivery (and one
// webhooks.deliver job) per enabled endpoint subscribed to each. Enqueued
// from the outbox entry written with the events; idempotent (a retried run
// creates no second delivery of an event to an endpoint).
import { forkFor } from '../../platform/database.js';
import { OutboxDispatcher } from '../../platform/outbox.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { deliverWebhookJob, scheduleDelivery } from './deliver.job.js';
import { WebhookDelivery, WebhookDeliveryTrigger, WebhookEndpoint, WebhookEvent } from './webhook.entity.js';

export interface FanOutData {
  workspaceId: string;
  eventIds: string[];
}

const deliveryJobs = new Map<string, JobDefinition<never>>([[deliverWebhookJob.name, deliverWebhookJob as JobDefinition<never>]]);

export const fanOutWebhooksJob: JobDefinition<FanOutData> = {
  name: 'webhooks.fan_out',
  queue: QUEUES.webhooks,
  async handle({ workspaceId, eventIds }, ctx) {
    const em = forkFor(ctx.orm, workspaceId);
    const entries = await em.transactional(async (tx) => {
      const events = await tx.find(WebhookEvent, { id: { $in: eventIds } });
      const endpoints = await tx.find(WebhookEndpoint, { enabled: true });
      const done = new Set(
        (await tx.find(WebhookDelivery, { event: { $in: eventIds }, trigger: WebhookDeliveryTrigger.EVENT }, { fields: ['event', 'endpoint'] })).map((d) => `${d.event.id}:${d.endpoint.id}`),
      );
      return events.flatMap((event) =>
        endpoints
          .filter((endpoint) => endpoint.eventTypes.includes(event.type) && !done.has(`${event.id}:${endpoint.id}`))
          .map((endpoint) => scheduleDelivery(tx, endpoint, event, WebhookDeliveryTrigger.EVENT)),
      );
    });
    await new OutboxDispatcher(ctx.orm, ctx.jobs, deliveryJobs, ctx.logger).dispatch(entries);
    return { deliveries: entries.length };
  },
};
