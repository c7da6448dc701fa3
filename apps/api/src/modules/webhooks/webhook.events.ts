// Emitting webhook events. A service that makes a change calls
// emitWebhookEvents with the transaction's EntityManager before it commits:
// the event row, one delivery per subscribed endpoint and one outbox entry
// per delivery are written with the change, so an event exists exactly when
// the change committed (a rollback takes them all away). Dispatch the
// returned entries after commit, as with any outbox entry.
import type { Em, Orm } from '../../platform/database.js';
import { countWebhookEvent } from '../../platform/metrics.js';
import type { Logger } from '../../platform/logger.js';
import { enqueueWith, OutboxDispatcher } from '../../platform/outbox.js';
import type { JobDefinition, JobRunner } from '../../platform/queue.js';
import type { OutboxEntry } from '../../platform/outbox.entity.js';
import { deliverWebhookJob, scheduleDelivery } from './deliver.job.js';
import { fanOutWebhooksJob } from './fan-out.job.js';
import { WebhookEndpoint, WebhookEvent, WebhookEventType } from './webhook.entity.js';

export { WebhookEventType };

type IdRef = { id: string } | null | undefined;
const idOf = (ref: IdRef) => ref?.id ?? null;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The conversation as webhook payloads describe it (v1). */
export function conversationData(c: {
  id: string;
  status: string;
  mode: string;
  channel: string;
  priority: string;
  contact: IdRef;
  assignee?: IdRef;
  handoffReason?: string | null;
  createdAt: Date;
  resolvedAt?: Date | null;
}) {
  return {
    id: c.id,
    status: c.status,
    mode: c.mode,
    channel: c.channel,
    priority: c.priority,
    contactId: idOf(c.contact),
    assigneeId: idOf(c.assignee),
    handoffReason: c.handoffReason ?? null,
    createdAt: iso(c.createdAt),
    resolvedAt: iso(c.resolvedAt),
  };
}

/** A message as webhook payloads describe it (v1). */
export function messageData(m: { id: string; conversation: IdRef; seq: number; authorType: string; authorUser?: IdRef; body: string; createdAt: Date }) {
  return { id: m.id, conversationId: idOf(m.conversation), seq: m.seq, authorType: m.authorType, authorUserId: idOf(m.authorUser), body: m.body, createdAt: iso(m.createdAt) };
}

/** A ticket as webhook payloads describe it (v1). */
export function ticketData(t: {
  id: string;
  subject: string;
  status: string;
  priority: string;
  assignee?: IdRef;
  conversation?: IdRef;
  requester?: IdRef;
  dueAt?: Date | null;
  createdAt: Date;
  resolvedAt?: Date | null;
}) {
  return {
    id: t.id,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    assigneeId: idOf(t.assignee),
    conversationId: idOf(t.conversation),
    requesterId: idOf(t.requester),
    dueAt: iso(t.dueAt),
    createdAt: iso(t.createdAt),
    resolvedAt: iso(t.resolvedAt),
  };
}

/** An FAQ as webhook payloads describe it (v1). */
export function faqData(f: { id: string; question: string; answer: string; tags: string[]; category?: IdRef; publishedAt?: Date | null }) {
  return { id: f.id, question: f.question, answer: f.answer, tags: f.tags, categoryId: idOf(f.category), publishedAt: iso(f.publishedAt) };
}

export interface PendingEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/** Endpoints per (transaction) EntityManager: a change emitting several events reads them once. */
const endpointsOf = new WeakMap<Em, Map<string, Promise<WebhookEndpoint[]>>>();

function enabledEndpoints(em: Em, workspaceId: string): Promise<WebhookEndpoint[]> {
  let byWorkspace = endpointsOf.get(em);
  if (!byWorkspace) endpointsOf.set(em, (byWorkspace = new Map()));
  let found = byWorkspace.get(workspaceId);
  if (!found) {
    found = em.find(WebhookEndpoint, { workspace: workspaceId, enabled: true }, { filters: false });
    byWorkspace.set(workspaceId, found);
  }
  return found;
}

/**
 * Writes the events in `em`'s unit of work and, when an enabled endpoint
 * subscribes to any of them, one outbox entry for the fan-out job (which
 * writes one delivery, and one delivery job, per event and endpoint). Keeping
 * the per-endpoint rows out of the caller's transaction keeps it as short
 * with three endpoints as with none. Returns the entries to dispatch after commit.
 */
export async function emitWebhookEvents(em: Em, workspaceId: string, events: PendingEvent[]): Promise<OutboxEntry[]> {
  if (!events.length) return [];
  const endpoints = await enabledEndpoints(em, workspaceId);
  const now = new Date();
  const fanOut: string[] = [];
  for (const e of events) {
    const event = em.create(WebhookEvent, { workspace: workspaceId, type: e.type, data: e.data, occurredAt: now });
    countWebhookEvent(e.type);
    if (endpoints.some((endpoint) => endpoint.eventTypes.includes(e.type))) fanOut.push(event.id);
  }
  if (!fanOut.length) return [];
  return [enqueueWith(em, fanOutWebhooksJob, { workspaceId, eventIds: fanOut }, { jobId: fanOut[0] })];
}

export { scheduleDelivery };

const deliveryJobs = new Map<string, JobDefinition<never>>([
  [deliverWebhookJob.name, deliverWebhookJob as JobDefinition<never>],
  [fanOutWebhooksJob.name, fanOutWebhooksJob as JobDefinition<never>],
]);

/**
 * For jobs, which have no request's dispatcher: hands webhook entries (fan-out
 * and delivery jobs only) to the queue after commit. Never throws; what it cannot hand over
 * waits in the outbox for the background drain.
 */
export function dispatchDeliveries(deps: { orm: Orm; jobs: JobRunner; logger: Logger }, entries: OutboxEntry[]): Promise<void> {
  if (!entries.length) return Promise.resolve();
  return new OutboxDispatcher(deps.orm, deps.jobs, deliveryJobs, deps.logger).dispatch(entries);
}

/**
 * For requests: hands delivery entries to the queue without making the
 * caller wait for it (the change has committed, the entries are safe in the
 * outbox, and a failed hand-over is retried by the background drain).
 */
export function dispatchDeliveriesLater(outbox: Pick<OutboxDispatcher, 'dispatch'>, entries: OutboxEntry[]): void {
  if (entries.length) void outbox.dispatch(entries);
}
