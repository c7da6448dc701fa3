// Webhook endpoints (admins, and API keys with webhooks:write): register,
// change, rotate the signing secret, delete, test; the delivery log,
// redelivery and replay of a window. Every change is audited.
import { randomBytes } from 'node:crypto';
import { workspaceActor } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { badInput, conflict, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import type { OutboxEntry } from '../../platform/outbox.entity.js';
import { DEFAULT_PAGE_SIZE, timeIdCursor, toConnection, type Connection } from '../../platform/pagination.js';
import { audit } from '../audit/index.js';
import { UnresolvableHost, UnsafeAddress } from './address-guard.js';
import { addressGuard } from './deliver.job.js';
import {
  SUBSCRIBABLE_TYPES,
  WebhookDelivery,
  WebhookDeliveryTrigger,
  WebhookDisabledReason,
  WebhookEndpoint,
  WebhookEvent,
  WebhookEventType,
} from './webhook.entity.js';
import { scheduleDelivery } from './webhook.events.js';
import { MAX_OVERLAP_MINUTES, type CreateWebhookEndpointInput, type UpdateWebhookEndpointInput, type WebhookDeliveryFilter } from './webhook.inputs.js';

export const SECRET_PREFIX = 'whsec_';
/** A replay schedules at most this many deliveries; narrow the window for more. */
export const MAX_REPLAY = 5_000;
const DISPATCH_CHUNK = 100;

const newSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

export class WebhookService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  private me() {
    return workspaceActor(this.scope.actor);
  }

  list(): Promise<WebhookEndpoint[]> {
    this.me();
    return this.em.find(WebhookEndpoint, {}, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  async get(id: string): Promise<WebhookEndpoint> {
    assertId(id);
    const endpoint = await this.em.findOne(WebhookEndpoint, { id });
    if (!endpoint) throw notFound('Webhook endpoint');
    return endpoint;
  }

  async create(input: CreateWebhookEndpointInput): Promise<{ secret: string; endpoint: WebhookEndpoint }> {
    const me = this.me();
    const url = await this.checkUrl(input.url);
    const secret = newSecret();
    const enabled = input.enabled ?? true;
    const endpoint = this.em.create(WebhookEndpoint, {
      workspace: me.workspaceId,
      url,
      description: input.description?.trim() || null,
      eventTypes: this.checkTypes(input.eventTypes),
      enabled,
      disabledReason: enabled ? null : WebhookDisabledReason.MANUAL,
      disabledAt: enabled ? null : new Date(),
      secret,
      createdBy: this.scope.actor.kind === 'user' ? this.scope.actor.userId : null,
    });
    audit(this.scope, me.workspaceId, {
      action: 'webhook_endpoint.create',
      targetType: 'WebhookEndpoint',
      targetId: endpoint.id,
      metadata: { url, eventTypes: endpoint.eventTypes },
    });
    await this.em.flush();
    return { secret, endpoint };
  }

  async update(input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    const me = this.me();
    const endpoint = await this.get(input.id);
    const changes: string[] = [];
    if (input.url != null) {
      endpoint.url = await this.checkUrl(input.url);
      changes.push('url');
    }
    if (input.description !== undefined) {
      endpoint.description = input.description?.trim() || null;
      changes.push('description');
    }
    if (input.eventTypes != null) {
      endpoint.eventTypes = this.checkTypes(input.eventTypes);
      changes.push('eventTypes');
    }
    if (input.enabled != null && input.enabled !== endpoint.enabled) {
      endpoint.enabled = input.enabled;
      endpoint.disabledReason = input.enabled ? null : WebhookDisabledReason.MANUAL;
      endpoint.disabledAt = input.enabled ? null : new Date();
      // A fresh start: the days-of-failure clock restarts.
      if (input.enabled) endpoint.failingSince = null;
      changes.push(input.enabled ? 'enabled' : 'disabled');
    }
    endpoint.updatedAt = new Date();
    audit(this.scope, me.workspaceId, { action: 'webhook_endpoint.update', targetType: 'WebhookEndpoint', targetId: endpoint.id, metadata: { changes } });
    await this.em.flush();
    return endpoint;
  }

  /** A new secret signs from now on; the old one keeps signing too for `overlapMinutes` (0: stops at once). */
  async rotateSecret(id: string, overlapMinutes: number): Promise<{ secret: string; endpoint: WebhookEndpoint }> {
    const me = this.me();
    if (!Number.isInteger(overlapMinutes) || overlapMinutes < 0 || overlapMinutes > MAX_OVERLAP_MINUTES) {
      throw badInput(`overlapMinutes must be between 0 and ${MAX_OVERLAP_MINUTES} (7 days)`, 'overlapMinutes');
    }
    const endpoint = await this.get(id);
    const secret = newSecret();
    const now = Date.now();
    endpoint.previousSecret = overlapMinutes > 0 ? endpoint.secret : null;
    endpoint.previousSecretExpiresAt = overlapMinutes > 0 ? new Date(now + overlapMinutes * 60_000) : null;
    endpoint.secret = secret;
    endpoint.updatedAt = new Date(now);
    audit(this.scope, me.workspaceId, {
      action: 'webhook_endpoint.rotate_secret',
      targetType: 'WebhookEndpoint',
      targetId: endpoint.id,
      metadata: { overlapMinutes },
    });
    await this.em.flush();
    return { secret, endpoint };
  }

  async delete(id: string): Promise<string> {
    const me = this.me();
    const endpoint = await this.get(id);
    audit(this.scope, me.workspaceId, {
      action: 'webhook_endpoint.delete',
      targetType: 'WebhookEndpoint',
      targetId: endpoint.id,
      metadata: { url: endpoint.url },
    });
    // Its deliveries go with it (cascade); their queued jobs find nothing and end.
    this.em.remove(endpoint);
    await this.em.flush();
    return id;
  }

  /** Sends a `webhook.test` event to this endpoint only. */
  async sendTest(id: string): Promise<WebhookDelivery> {
    const me = this.me();
    const endpoint = await this.enabled(id);
    const event = this.em.create(WebhookEvent, {
      workspace: me.workspaceId,
      type: WebhookEventType.WEBHOOK_TEST,
      data: { endpointId: endpoint.id, message: 'This is a test event from Switchboard.' },
    });
    const entry = scheduleDelivery(this.em, endpoint, event, WebhookDeliveryTrigger.TEST);
    audit(this.scope, me.workspaceId, { action: 'webhook_endpoint.test', targetType: 'WebhookEndpoint', targetId: endpoint.id });
    await this.em.flush();
    await this.dispatch([entry]);
    return this.deliveryOf(entry);
  }

  async deliveries(
    endpointId: string,
    filter: WebhookDeliveryFilter | null | undefined,
    first = DEFAULT_PAGE_SIZE,
    after?: string,
  ): Promise<Connection<WebhookDelivery>> {
    const endpoint = await this.get(endpointId);
    const where: Record<string, unknown>[] = [{ endpoint: endpoint.id }];
    if (filter?.status) where.push({ status: filter.status });
    if (filter?.eventType) where.push({ eventType: filter.eventType });
    if (filter?.trigger) where.push({ trigger: filter.trigger });
    if (filter?.eventId) where.push({ event: assertId(filter.eventId, 'eventId') });
    if (filter?.from) where.push({ createdAt: { $gte: filter.from } });
    if (filter?.to) where.push({ createdAt: { $lt: filter.to } });
    if (after) {
      const c = timeIdCursor.decode(after);
      where.push({ $or: [{ createdAt: { $lt: c.at } }, { createdAt: c.at, id: { $lt: c.id } }] });
    }
    const rows = await this.em.find(
      WebhookDelivery,
      { $and: where },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1, populate: ['event'] },
    );
    return toConnection(rows, first, (d) => timeIdCursor.encode(d.createdAt, d.id), Boolean(after));
  }

  /** Sends a delivery's event to its endpoint again (same `webhook-id`), as a new delivery. */
  async redeliver(deliveryId: string): Promise<WebhookDelivery> {
    const me = this.me();
    assertId(deliveryId, 'deliveryId');
    const previous = await this.em.findOne(WebhookDelivery, { id: deliveryId }, { populate: ['event'] });
    if (!previous) throw notFound('Webhook delivery');
    const endpoint = await this.enabled(previous.endpoint.id);
    const entry = scheduleDelivery(this.em, endpoint, previous.event.getEntity(), WebhookDeliveryTrigger.REDELIVERY);
    audit(this.scope, me.workspaceId, { action: 'webhook_delivery.redeliver', targetType: 'WebhookDelivery', targetId: previous.id });
    await this.em.flush();
    await this.dispatch([entry]);
    return this.deliveryOf(entry);
  }

  /** Sends again every event in [from, to) of a type the endpoint subscribes to, oldest first. */
  async replay(endpointId: string, from: Date, to: Date) {
    const me = this.me();
    if (!(from < to)) throw badInput('from must be before to', 'from');
    const endpoint = await this.enabled(endpointId);
    const events = await this.em.find(
      WebhookEvent,
      { occurredAt: { $gte: from, $lt: to }, type: { $in: endpoint.eventTypes } },
      { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }], limit: MAX_REPLAY + 1 },
    );
    if (events.length > MAX_REPLAY) throw badInput(`The window holds more than ${MAX_REPLAY} events; replay a shorter one`, 'to');
    const entries = events.map((event) => scheduleDelivery(this.em, endpoint, event, WebhookDeliveryTrigger.REPLAY));
    audit(this.scope, me.workspaceId, {
      action: 'webhook_endpoint.replay',
      targetType: 'WebhookEndpoint',
      targetId: endpoint.id,
      metadata: { from: from.toISOString(), to: to.toISOString(), count: events.length },
    });
    await this.em.flush();
    await this.dispatch(entries);
    return { endpointId: endpoint.id, from, to, count: events.length, deliveries: entries.map((e) => this.deliveryOf(e)) };
  }

  private deliveryOf(entry: OutboxEntry): WebhookDelivery {
    return this.em.getReference(WebhookDelivery, (entry.data as { deliveryId: string }).deliveryId) as WebhookDelivery;
  }

  private async dispatch(entries: OutboxEntry[]) {
    for (let i = 0; i < entries.length; i += DISPATCH_CHUNK) await this.scope.deps.outbox.dispatch(entries.slice(i, i + DISPATCH_CHUNK));
  }

  private async enabled(id: string) {
    const endpoint = await this.get(id);
    if (!endpoint.enabled) throw conflict('This webhook endpoint is disabled; enable it first');
    return endpoint;
  }

  private checkTypes(types: WebhookEventType[]): WebhookEventType[] {
    const unique = [...new Set(types)];
    const bad = unique.filter((t) => !SUBSCRIBABLE_TYPES.includes(t));
    if (bad.length) throw badInput(`These event types cannot be subscribed to: ${bad.join(', ')}`, 'eventTypes');
    return unique;
  }

  /** A URL we may send to: https (or http where allowed), no credentials, resolving only to public addresses (or allowed networks). */
  private async checkUrl(raw: string): Promise<string> {
    const { config } = this.scope.deps;
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw badInput('url is not a valid URL', 'url');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('url must be an https:// URL', 'url');
    if (url.protocol === 'http:' && !config.webhooks.allowHttp)
      throw badInput('url must use https:// (http:// is allowed only in development, with WEBHOOK_ALLOW_HTTP=true)', 'url');
    if (url.username || url.password) throw badInput('url must not contain credentials', 'url');
    url.hash = '';
    try {
      await addressGuard(config).resolve(url.hostname);
    } catch (err) {
      if (err instanceof UnsafeAddress || err instanceof UnresolvableHost) throw badInput(`url is refused: ${err.message}`, 'url');
      throw err;
    }
    return url.toString();
  }
}
