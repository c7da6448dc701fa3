// Emitting webhook events. A service that makes a change calls
// emitWebhookEvents with the transaction's EntityManager before it commits:
// the event rows are written with the change, so an event exists exactly
// when the change committed (a rollback takes them away), and one subscribed
// to is marked for fan-out. After commit the caller pokes the fan-out
// (pokeFanOut), which writes one delivery per subscribed endpoint.
import { randomUUID } from 'node:crypto';
import type { Em } from '../../platform/database.js';
import { findLean, insertLean } from '../../platform/lean.js';
import { countWebhookEvent } from '../../platform/metrics.js';
import type { Logger } from '../../platform/logger.js';
import type { JobRunner } from '../../platform/queue.js';
import { scheduleDelivery } from './deliver.job.js';
import { fanOutTrigger } from './fan-out.job.js';
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
  return {
    id: m.id,
    conversationId: idOf(m.conversation),
    seq: m.seq,
    authorType: m.authorType,
    authorUserId: idOf(m.authorUser),
    body: m.body,
    createdAt: iso(m.createdAt),
  };
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

/** What deciding fan-out needs of an endpoint. */
type EnabledEndpoint = Pick<WebhookEndpoint, 'eventTypes'>;

/** Endpoints per (transaction) EntityManager: a change emitting several events reads them once. */
const endpointsOf = new WeakMap<Em, Map<string, Promise<EnabledEndpoint[]>>>();

function enabledEndpoints(em: Em, workspaceId: string): Promise<EnabledEndpoint[]> {
  let byWorkspace = endpointsOf.get(em);
  if (!byWorkspace) endpointsOf.set(em, (byWorkspace = new Map()));
  let found = byWorkspace.get(workspaceId);
  if (!found) {
    // Only read (their event types): plain rows, the same SQL as em.find.
    found = findLean(em, WebhookEndpoint, { workspace: workspaceId, enabled: true }, { unscoped: true });
    byWorkspace.set(workspaceId, found);
  }
  return found;
}

/** The event rows for `events`, each marked fan-out pending when an enabled endpoint subscribes to its type. */
async function eventRows(em: Em, workspaceId: string, events: PendingEvent[]) {
  const endpoints = await enabledEndpoints(em, workspaceId);
  const occurredAt = new Date();
  let pending = false;
  const rows = events.map((e) => {
    const fanOutPending = endpoints.some((endpoint) => endpoint.eventTypes.includes(e.type));
    countWebhookEvent(e.type);
    pending ||= fanOutPending;
    return { id: randomUUID(), workspace: { id: workspaceId }, type: e.type, version: 1, data: e.data, occurredAt, fanOutPending };
  });
  return { rows, pending };
}

/**
 * Writes the events in `em`'s unit of work. An event that an enabled endpoint
 * subscribes to is marked fan-out pending: the event row is its own outbox
 * entry, so the change's transaction writes the same rows with three
 * endpoints as with none. Returns whether any is pending: then call
 * `pokeFanOut` after commit.
 */
export async function emitWebhookEvents(em: Em, workspaceId: string, events: PendingEvent[]): Promise<boolean> {
  if (!events.length) return false;
  const { rows, pending } = await eventRows(em, workspaceId, events);
  for (const row of rows) em.create(WebhookEvent, { ...row, workspace: workspaceId });
  return pending;
}

/**
 * The same events INSERTed now in `em`'s transaction, as plain rows
 * (`insertLean`) rather than through the unit of work: for hot paths that
 * write their other rows the same way (sendMessage). Same rows, same result.
 */
export async function insertWebhookEvents(em: Em, workspaceId: string, events: PendingEvent[]): Promise<boolean> {
  if (!events.length) return false;
  const { rows, pending } = await eventRows(em, workspaceId, events);
  await insertLean(em, WebhookEvent, rows);
  return pending;
}

export { scheduleDelivery };

/**
 * After the commit of a change whose events are fan-out pending: asks for a
 * fan-out job soon (coalesced with others, no I/O now; see FanOutTrigger).
 * Never throws; an event whose poke is lost is fanned out by the sweep.
 */
export function pokeFanOut(deps: { jobs: JobRunner; logger: Logger }, pending: boolean): void {
  if (pending) fanOutTrigger(deps).poke();
}

/**
 * Erasure: in the stored events of these conversations, the customer's
 * message texts become `placeholder` and CSAT comments are removed, in the
 * caller's transaction. Deliveries still pending or sent again later carry
 * the redacted payload.
 */
export async function redactWebhookEvents(em: Em, workspaceId: string, conversationIds: string[], placeholder: string): Promise<void> {
  if (!conversationIds.length) return;
  const ids = `{${conversationIds.join(',')}}`;
  await em.execute(
    `update webhook_event set data = jsonb_set(data, '{message,body}', to_jsonb(?::text))
      where workspace_id = ? and type = ? and data #>> '{message,authorType}' = 'CUSTOMER' and (data #>> '{message,conversationId}')::uuid = any(?::uuid[])`,
    [placeholder, workspaceId, WebhookEventType.MESSAGE_CREATED, ids],
  );
  await em.execute(
    `update webhook_event set data = jsonb_set(data, '{comment}', 'null'::jsonb)
      where workspace_id = ? and type = ? and (data ->> 'conversationId')::uuid = any(?::uuid[])`,
    [workspaceId, WebhookEventType.CSAT_SUBMITTED, ids],
  );
}
