// Outgoing webhooks (Standard Webhooks): endpoints, events emitted with the
// changes they describe, signed deliveries retried for over a day, replay.
export { WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType } from './webhook.entity.js';
export { conversationData, dispatchDeliveries, dispatchDeliveriesLater, emitWebhookEvents, faqData, messageData, ticketData, type PendingEvent } from './webhook.events.js';
export { deliverWebhookJob } from './deliver.job.js';
export { WebhookDeliveryResolver, WebhookResolver } from './webhook.resolver.js';
