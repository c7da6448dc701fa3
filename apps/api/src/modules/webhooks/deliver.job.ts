// webhooks.deliver: one (event, endpoint) delivery, one job, retried by the
// queue with exponential backoff and jitter (RetryLater) for more than a day.
// Each attempt re-resolves and re-checks the endpoint's address (SSRF, DNS
// rebinding), signs the body the Standard Webhooks way (with both secrets
// during a rotation's overlap) and records what happened on the delivery row.
// 2xx delivers; 410 Gone disables the endpoint; an endpoint failing every
// attempt for WEBHOOK_DISABLE_AFTER_DAYS is disabled, its admins notified,
// and the webhook_endpoint_disabled alert rule raises an alert.
import { publishNotification } from '../../platform/notify.js';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../../platform/config.js';
import { forkFor, type Em } from '../../platform/database.js';
import { countWebhookEndpointDisabled, observeWebhookAttempt } from '../../platform/metrics.js';
import { QUEUES, RetryLater, type JobContext, type JobDefinition } from '../../platform/queue.js';
import { enqueueWith } from '../../platform/outbox.js';
import type { OutboxEntry } from '../../platform/outbox.entity.js';
import { AuditLog } from '../audit/index.js';
import { User, UserRole, UserStatus } from '../auth/index.js';
import { AddressGuard } from './address-guard.js';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookDeliveryTrigger, WebhookDisabledReason, WebhookEndpoint, type WebhookEvent } from './webhook.entity.js';
import { postWebhook, RESPONSE_LIMIT, type AttemptResult } from './webhook.sender.js';

export interface DeliverWebhookData {
  workspaceId: string;
  deliveryId: string;
}

/** 1 attempt + 14 retries: with the default base of 60 s they span 31 to 46 hours (see webhookRetryDelayMs). */
export const WEBHOOK_ATTEMPTS = 15;
/** Retry delays double from the base up to this many times it (60 s → 6 h). */
export const WEBHOOK_MAX_DELAY_FACTOR = 360;
const JITTER = 0.2;

/** The delay before retry number `retry` (1 = the first retry): exponential, capped, ±20 % jitter. */
export function webhookRetryDelayMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  const nominal = Math.min(baseMs * 2 ** (retry - 1), baseMs * WEBHOOK_MAX_DELAY_FACTOR);
  return Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
}

const guards = new WeakMap<Config, AddressGuard>();
export function addressGuard(config: Config): AddressGuard {
  let guard = guards.get(config);
  if (!guard) guards.set(config, (guard = new AddressGuard(config.webhooks.allowedNetworks)));
  return guard;
}

/** The body every delivery of `event` carries (the envelope documented on WebhookEventType). */
export function webhookBody(event: WebhookEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    version: event.version,
    timestamp: event.occurredAt.toISOString(),
    workspaceId: event.workspace.id,
    data: event.data,
  });
}

/** Standard Webhooks headers; during a rotation's overlap the signature header carries both secrets' signatures. */
export function signedHeaders(endpoint: Pick<WebhookEndpoint, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, msgId: string, at: Date, body: string) {
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at) secrets.push(endpoint.previousSecret);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, at, body)).join(' '),
  };
}

export const deliverWebhookJob: JobDefinition<DeliverWebhookData> = {
  name: 'webhooks.deliver',
  queue: QUEUES.webhooks,
  attempts: WEBHOOK_ATTEMPTS,
  backoff: 'custom',
  handle: deliver,
};

async function deliver({ workspaceId, deliveryId }: DeliverWebhookData, ctx: JobContext) {
  const { config } = ctx;
  const em = forkFor(ctx.orm, workspaceId);
  const delivery = await em.findOne(WebhookDelivery, { id: deliveryId }, { populate: ['endpoint', 'event'] });
  // Deleted with its endpoint, or already settled (a job that ran twice).
  if (!delivery) return { skipped: 'deleted' };
  if (delivery.status !== WebhookDeliveryStatus.PENDING) return { skipped: delivery.status };
  const endpoint = delivery.endpoint.getEntity();
  const event = delivery.event.getEntity();
  if (!endpoint.enabled) {
    Object.assign(delivery, { status: WebhookDeliveryStatus.FAILED, lastError: 'endpoint disabled', nextAttemptAt: null });
    await em.flush();
    return { skipped: 'endpoint disabled' };
  }

  const body = webhookBody(event);
  const at = new Date();
  const result = await postWebhook(endpoint.url, body, signedHeaders(endpoint, event.id, at, body), {
    guard: addressGuard(config),
    timeoutMs: config.webhooks.timeoutMs,
    allowHttp: config.webhooks.allowHttp,
  });
  record(delivery, result, at);

  if (result.ok) {
    Object.assign(delivery, { status: WebhookDeliveryStatus.DELIVERED, deliveredAt: new Date(), nextAttemptAt: null });
    await em.flush();
    // lastSuccessAt to the minute: a busy endpoint does not cost a write per delivery.
    if (endpoint.failingSince || !endpoint.lastSuccessAt || at.getTime() - endpoint.lastSuccessAt.getTime() > 60_000) {
      await em.nativeUpdate(WebhookEndpoint, { id: endpoint.id }, { failingSince: null, lastSuccessAt: at });
    }
    observeWebhookAttempt('delivered', result.latencyMs, Date.now() - event.occurredAt.getTime());
    return { delivered: result.status };
  }
  if (result.status === 410) {
    Object.assign(delivery, { status: WebhookDeliveryStatus.FAILED, nextAttemptAt: null });
    await em.flush();
    observeWebhookAttempt('gone', result.latencyMs);
    await disable(em, ctx, endpoint, WebhookDisabledReason.GONE, 'answered 410 Gone');
    return { disabled: 'gone' };
  }

  // Every attempt failing since `failingSince`: long enough, and the endpoint is disabled.
  await em.nativeUpdate(WebhookEndpoint, { id: endpoint.id, failingSince: null }, { failingSince: at });
  const failingSince = endpoint.failingSince ?? at;
  if (at.getTime() - failingSince.getTime() >= config.webhooks.disableAfterDays * 86_400_000) {
    Object.assign(delivery, { status: WebhookDeliveryStatus.FAILED, nextAttemptAt: null });
    await em.flush();
    observeWebhookAttempt('failed', result.latencyMs);
    await disable(em, ctx, endpoint, WebhookDisabledReason.FAILING, `failed every delivery since ${failingSince.toISOString()}`);
    return { disabled: 'failing' };
  }
  // Counted on the delivery, not the job: a job the sweep re-drove starts its own count afresh.
  if (delivery.attempts >= WEBHOOK_ATTEMPTS || ctx.lastAttempt) {
    Object.assign(delivery, { status: WebhookDeliveryStatus.FAILED, nextAttemptAt: null });
    await em.flush();
    observeWebhookAttempt('failed', result.latencyMs);
    return { failed: result.error };
  }
  const delayMs = webhookRetryDelayMs(delivery.attempts, config.webhooks.retryBaseMs);
  delivery.nextAttemptAt = new Date(Date.now() + delayMs);
  await em.flush();
  observeWebhookAttempt(result.refused ? 'refused' : 'retrying', result.latencyMs);
  throw new RetryLater(`webhook delivery failed: ${result.error}`, delayMs);
}

function record(delivery: WebhookDelivery, result: AttemptResult, at: Date) {
  delivery.attempts += 1;
  delivery.lastAttemptAt = at;
  delivery.lastStatusCode = result.status;
  delivery.lastLatencyMs = result.latencyMs;
  delivery.lastError = result.error?.slice(0, 500) ?? null;
  delivery.lastResponseBody = result.body?.slice(0, RESPONSE_LIMIT) ?? null;
}

/** Disables the endpoint once (whoever flips `enabled` first), audits it and notifies the workspace's admins. */
async function disable(em: Em, ctx: JobContext, endpoint: WebhookEndpoint, reason: WebhookDisabledReason, why: string) {
  const workspaceId = endpoint.workspace.id;
  const now = new Date();
  const flipped = await em.nativeUpdate(
    WebhookEndpoint,
    { id: endpoint.id, enabled: true },
    { enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now },
  );
  if (!flipped) return;
  countWebhookEndpointDisabled(reason);
  ctx.logger.warn({ workspaceId, endpointId: endpoint.id, reason }, `webhook endpoint disabled: ${why}`);
  em.create(AuditLog, {
    workspace: workspaceId,
    actorType: 'SYSTEM',
    actorId: null,
    action: 'webhook_endpoint.disable',
    targetType: 'WebhookEndpoint',
    targetId: endpoint.id,
    ip: null,
    requestId: null,
    metadata: { reason, why, url: endpoint.url },
    createdAt: now,
  });
  await em.flush();
  const admins = await em.find(User, { role: UserRole.ADMIN, status: UserStatus.ACTIVE }, { fields: ['id'] });
  for (const admin of admins) {
    publishNotification(ctx.pubSub, {
      id: `${endpoint.id}:${now.getTime()}`,
      workspaceId,
      userId: admin.id,
      kind: 'WEBHOOK_DISABLED',
      text: `Webhook endpoint ${endpoint.url} was disabled: it ${why}`,
      createdAt: now,
    });
  }
}

/** One delivery of `event` to `endpoint`, and its job in the outbox. */
export function scheduleDelivery(em: Em, endpoint: WebhookEndpoint, event: WebhookEvent, trigger: WebhookDeliveryTrigger): OutboxEntry {
  const delivery = em.create(WebhookDelivery, {
    workspace: endpoint.workspace.id,
    endpoint,
    event,
    eventType: event.type,
    trigger,
  });
  return enqueueWith(em, deliverWebhookJob, { workspaceId: endpoint.workspace.id, deliveryId: delivery.id }, { jobId: delivery.id });
}
