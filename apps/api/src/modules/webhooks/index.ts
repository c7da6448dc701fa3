// Outgoing webhooks (Standard Webhooks): endpoints, events emitted with the
// changes they describe, signed deliveries retried for over a day, replay.
export { WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType } from './webhook.entity.js';
export {
  conversationData,
  emitWebhookEvents,
  faqData,
  insertWebhookEvents,
  messageData,
  pokeFanOut,
  redactWebhookEvents,
  ticketData,
  type PendingEvent,
} from './webhook.events.js';
export { closeFanOutTrigger } from './fan-out.job.js';
export { deliverWebhookJob } from './deliver.job.js';
export { WebhookDeliveryResolver, WebhookResolver } from './webhook.resolver.js';
