// Outgoing webhooks: the endpoints a workspace registers, the events that
// happened (written with the change they describe), and one delivery per
// (event, endpoint) sending of it.
import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { MutableTenantEntity, TenantEntity, Workspace } from '../workspaces/index.js';

/**
 * The event types and what their payloads carry. Every delivery's body is the
 * envelope `{ "id", "type", "version", "timestamp", "workspaceId", "data" }`;
 * `version` is the payload version (1 for all types today). Fields are only
 * ever added within a version; a change that removes or retypes one comes as
 * a new version.
 */
export enum WebhookEventType {
  CONVERSATION_CREATED = 'conversation.created',
  CONVERSATION_ASSIGNED = 'conversation.assigned',
  CONVERSATION_HANDED_OFF = 'conversation.handed_off',
  CONVERSATION_RESOLVED = 'conversation.resolved',
  MESSAGE_CREATED = 'message.created',
  TICKET_CREATED = 'ticket.created',
  TICKET_UPDATED = 'ticket.updated',
  CSAT_SUBMITTED = 'csat.submitted',
  FAQ_PUBLISHED = 'faq.published',
  WEBHOOK_TEST = 'webhook.test',
}

const CONVERSATION =
  '`conversation` = { id, status (OPEN | PENDING | RESOLVED), mode (AI | HUMAN), channel, priority, contactId, assigneeId (null when unassigned), handoffReason, createdAt, resolvedAt }';
const TICKET = '`ticket` = { id, subject, status, priority, assigneeId, conversationId, requesterId, dueAt, createdAt, resolvedAt }';

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description:
    'A kind of webhook event. The body of every delivery is `{ "id", "type", "version", "timestamp", "workspaceId", "data" }` ' +
    '(`type` is the dotted name below, e.g. `conversation.created`; `id` equals the `webhook-id` header; `version` is the payload version, 1 today). ' +
    'Ordering between events is not promised, and an event may be delivered more than once: deduplicate by `webhook-id`.',
  valuesConfig: {
    CONVERSATION_CREATED: { description: `\`conversation.created\` (v1) — a customer started a conversation. data: { ${CONVERSATION} }.` },
    CONVERSATION_ASSIGNED: { description: `\`conversation.assigned\` (v1) — a conversation was assigned to an agent. data: { ${CONVERSATION}, assigneeId }.` },
    CONVERSATION_HANDED_OFF: {
      description: `\`conversation.handed_off\` (v1) — the AI handed the conversation to a human. data: { ${CONVERSATION}, reason } where reason is customer_request, missing_knowledge, low_confidence, provider_error, job_failed, agent_request or agent_took_over.`,
    },
    CONVERSATION_RESOLVED: { description: `\`conversation.resolved\` (v1) — a conversation was resolved. data: { ${CONVERSATION} }.` },
    MESSAGE_CREATED: {
      description:
        '`message.created` (v1) — a customer, agent or AI message was added (never internal notes or system notices). data: { `message` = { id, conversationId, seq, authorType (CUSTOMER | AGENT | AI), authorUserId, body, createdAt } }.',
    },
    TICKET_CREATED: { description: `\`ticket.created\` (v1) — a ticket was opened. data: { ${TICKET} }.` },
    TICKET_UPDATED: { description: `\`ticket.updated\` (v1) — a ticket changed. data: { ${TICKET}, changes: the names of the fields that changed }.` },
    CSAT_SUBMITTED: { description: '`csat.submitted` (v1) — a customer rated a conversation. data: { conversationId, score (1–5), comment }.' },
    FAQ_PUBLISHED: { description: '`faq.published` (v1) — an FAQ was published. data: { `faq` = { id, question, answer, tags, categoryId, publishedAt } }.' },
    WEBHOOK_TEST: {
      description: '`webhook.test` (v1) — sent by sendTestWebhook to one endpoint only; cannot be subscribed to. data: { endpointId, message }.',
    },
  },
});

/** The types an endpoint may subscribe to. */
export const SUBSCRIBABLE_TYPES: readonly WebhookEventType[] = Object.values(WebhookEventType).filter((t) => t !== WebhookEventType.WEBHOOK_TEST);

export enum WebhookDisabledReason {
  MANUAL = 'MANUAL',
  GONE = 'GONE',
  FAILING = 'FAILING',
}
registerEnumType(WebhookDisabledReason, {
  name: 'WebhookDisabledReason',
  valuesConfig: {
    MANUAL: { description: 'An admin disabled it.' },
    GONE: { description: 'The endpoint answered 410 Gone.' },
    FAILING: { description: 'Every delivery failed for WEBHOOK_DISABLE_AFTER_DAYS days.' },
  },
});

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: { description: 'Not yet delivered: waiting for its first attempt or a retry.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Given up: attempts exhausted, the endpoint disabled, or deleted.' },
  },
});

export enum WebhookDeliveryTrigger {
  EVENT = 'EVENT',
  REDELIVERY = 'REDELIVERY',
  REPLAY = 'REPLAY',
  TEST = 'TEST',
}
registerEnumType(WebhookDeliveryTrigger, {
  name: 'WebhookDeliveryTrigger',
  valuesConfig: {
    EVENT: { description: 'Sent because the event happened.' },
    REDELIVERY: { description: 'Sent again by redeliverWebhook.' },
    REPLAY: { description: 'Sent again by replayWebhooks.' },
    TEST: { description: 'Sent by sendTestWebhook.' },
  },
});

@ObjectType({ description: 'Where a workspace receives webhooks. The signing secret is shown once, at creation and at rotation.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'createdAt'] })
export class WebhookEndpoint extends MutableTenantEntity<'enabled' | 'secretPrefix'> {
  @Field()
  @Property({ length: 2048 })
  url!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  description?: string | null;

  @Field(() => [WebhookEventType], { description: 'The event types sent to this endpoint.' })
  @Property({ type: 'text[]' })
  eventTypes!: WebhookEventType[];

  @Field({ description: 'Disabled endpoints receive nothing (their pending deliveries fail).' })
  @Property({ default: true })
  enabled: boolean = true;

  @Field(() => WebhookDisabledReason, { nullable: true })
  @Enum({ items: () => WebhookDisabledReason, nullable: true })
  disabledReason?: WebhookDisabledReason | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  disabledAt?: Date | null;

  /** `whsec_` + base64 of 32 random bytes: signs every delivery. */
  @Property({ length: 80, hidden: true })
  secret!: string;

  /** The secret before the last rotation: still signs until `previousSecretExpiresAt`. */
  @Property({ type: 'string', length: 80, nullable: true, hidden: true })
  previousSecret?: string | null;

  @Field(() => Date, { nullable: true, description: 'Until then, deliveries carry a signature with the previous secret too (after a rotation).' })
  @Property({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt?: Date | null;

  @Field({ description: 'The first characters of the current secret, to recognise it.' })
  get secretPrefix(): string {
    return this.secret.slice(0, 12);
  }

  @Field(() => Date, { nullable: true, description: 'Since when every attempt has failed (null after a success).' })
  @Property({ type: 'timestamptz', nullable: true })
  failingSince?: Date | null;

  @Field(() => Date, { nullable: true, description: 'The last successful delivery, to the minute.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastSuccessAt?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  createdBy?: string | null;
}

export const WEBHOOK_EVENT_FAN_OUT_INDEX = 'webhook_event_fan_out_pending_index';

@ObjectType({ description: 'Something that happened, as sent to webhook endpoints. Written in the same transaction as the change.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'occurredAt'] })
@Index({
  name: WEBHOOK_EVENT_FAN_OUT_INDEX,
  expression: `create index "${WEBHOOK_EVENT_FAN_OUT_INDEX}" on "webhook_event" ("occurred_at") where "fan_out_pending"`,
})
export class WebhookEvent {
  [OptionalProps]?: 'id' | 'version' | 'occurredAt' | 'fanOutPending';

  @Field(() => ID, { description: 'Stable: the `webhook-id` header of every delivery of this event.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Workspace, { ref: true, deleteRule: 'cascade' })
  workspace!: Ref<Workspace>;

  @Field(() => WebhookEventType)
  @Property({ length: 40 })
  type!: WebhookEventType;

  @Field(() => Int, { description: 'The payload version.' })
  @Property({ type: 'smallint', default: 1 })
  version: number = 1;

  @Field(() => GraphQLJSONObject, { description: 'The event’s `data` (see WebhookEventType).' })
  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Field()
  @Property({ type: 'timestamptz' })
  occurredAt: Date = new Date();

  /**
   * True from the event's commit until the fan-out job has written its
   * deliveries (set only when an enabled endpoint subscribes to its type):
   * the event row is its own outbox entry, so the change's transaction writes
   * nothing more with three endpoints than with none.
   */
  @Property({ default: false })
  fanOutPending: boolean = false;
}

@ObjectType({ description: 'One event sent (or being sent) to one endpoint, with its attempts so far.' })
@Entity()
@TenantScoped()
@Index({ properties: ['endpoint', 'createdAt', 'id'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
@Index({ properties: ['event'] })
export class WebhookDelivery extends TenantEntity<'status' | 'attempts' | 'trigger' | 'endpointId' | 'eventId'> {
  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade' })
  endpoint!: Ref<WebhookEndpoint>;

  @Field(() => ID)
  get endpointId(): string {
    return this.endpoint.id;
  }

  @ManyToOne(() => WebhookEvent, { ref: true, deleteRule: 'cascade' })
  event!: Ref<WebhookEvent>;

  @Field(() => ID, { description: 'The event’s id: the `webhook-id` header.' })
  get eventId(): string {
    return this.event.id;
  }

  @Field(() => WebhookEventType)
  @Property({ length: 40 })
  eventType!: WebhookEventType;

  @Field(() => WebhookDeliveryTrigger)
  @Enum({ items: () => WebhookDeliveryTrigger, default: WebhookDeliveryTrigger.EVENT })
  trigger: WebhookDeliveryTrigger = WebhookDeliveryTrigger.EVENT;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, default: WebhookDeliveryStatus.PENDING })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt; null when no response came.' })
  @Property({ type: 'integer', nullable: true })
  lastStatusCode?: number | null;

  @Field(() => Int, { nullable: true, description: 'How long the last attempt took, in milliseconds.' })
  @Property({ type: 'integer', nullable: true })
  lastLatencyMs?: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, connection refused, refused address, HTTP status).' })
  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string | null;

  @Field(() => String, { nullable: true, description: 'The start of the last response body (at most 4 KiB are read).' })
  @Property({ type: 'text', nullable: true })
  lastResponseBody?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastAttemptAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the next retry is due (pending deliveries that failed an attempt).' })
  @Property({ type: 'timestamptz', nullable: true })
  nextAttemptAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;
}
