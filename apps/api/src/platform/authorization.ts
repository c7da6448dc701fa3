// Who may read which kind of resource, decided in one place. Roles still gate
// root fields (@Authorized); this decides every *nested* path too: a partner
// key with only `tickets:read` must not reach message bodies through
// `tickets { … conversation { messages { body } } }`. Every GraphQL object
// type belongs to one resource kind, and the operation pipeline checks each
// selected field against its parent type's kind before anything executes
// (see graphql/checks.ts), so a path cannot be forgotten in some resolver.
import type { Actor } from './actor.js';
import { forbidden } from './errors.js';

export type ResourceKind = 'conversations' | 'tickets' | 'knowledge' | 'analytics' | 'webhooks' | 'staff' | 'public';

const KINDS: Record<Exclude<ResourceKind, 'staff'>, readonly string[]> = {
  conversations: [
    'Contact',
    'Conversation',
    'ConversationConnection',
    'ConversationEdge',
    'ConversationUpdated',
    'Message',
    'MessageAdded',
    'MessageAnalysis',
    'MessageModeration',
    'MessageConnection',
    'MessageEdge',
    'AiAnswerChunk',
    'TypingChanged',
    'Participant',
    'Citation',
    'InboxCounts',
    'SuggestedReply',
    'Label',
    'SearchHighlight',
    'TextRange',
    'Team',
    'Attachment',
  ],
  tickets: [
    'Ticket',
    'TicketConnection',
    'TicketEdge',
    'TicketUpdated',
    'TicketSla',
    'TicketComment',
    'TicketCommentConnection',
    'TicketCommentEdge',
    'TicketEvent',
    'TicketEventConnection',
    'TicketEventEdge',
  ],
  knowledge: ['Faq', 'FaqCategory', 'FaqConnection', 'FaqEdge', 'KnowledgeHit'],
  webhooks: [
    'WebhookEndpoint',
    'WebhookEvent',
    'WebhookDelivery',
    'WebhookDeliveryConnection',
    'WebhookDeliveryEdge',
    'CreatedWebhookEndpoint',
    'RotatedWebhookSecret',
    'WebhookReplay',
  ],
  analytics: [
    'Analytics',
    'AnalyticsBucket',
    'AgentPerformance',
    'AiUsage',
    'BacklogCount',
    'Csat',
    'DurationStats',
    'HeadlineMetrics',
    'LabelCount',
    'ExportLink',
    'TicketSlaStats',
  ],
  // Structure, and the directory entries every reader of a conversation or ticket sees (who is assigned).
  public: ['Query', 'Mutation', 'Subscription', 'PageInfo', 'User', 'Workspace', 'WidgetInfo', 'AuthPayload', 'StartConversationPayload'],
};

const kindOfType = new Map<string, ResourceKind>(Object.entries(KINDS).flatMap(([kind, types]) => types.map((t) => [t, kind as ResourceKind])));

/** A type's resource kind; types not listed are staff-only (a new type is closed to keys until classified). */
export function resourceKindOf(typeName: string): ResourceKind {
  // Introspection is governed by its own setting (INTROSPECTION), not by resource kinds.
  if (typeName.startsWith('__')) return 'public';
  return kindOfType.get(typeName) ?? 'staff';
}

const KEY_SCOPES: Record<ResourceKind, readonly string[]> = {
  conversations: ['conversations:read'],
  tickets: ['tickets:read'],
  // A writer reads back what it wrote.
  knowledge: ['knowledge:read', 'knowledge:write'],
  analytics: ['analytics:read'],
  // Managing endpoints includes reading them and their delivery log.
  webhooks: ['webhooks:write'],
  staff: [],
  public: [],
};

/**
 * Whether `actor` may read resources of `kind` at all (which rows is the
 * services' business: workspace filters, a customer's own conversation).
 * Staff read everything their role's root fields lead to; customers their
 * conversation and the knowledge it cites; API keys what their scopes say.
 */
export function canRead(actor: Actor, kind: ResourceKind): boolean {
  if (kind === 'public') return true;
  switch (actor.kind) {
    case 'user':
    case 'system':
      return true;
    case 'customer':
      return kind === 'conversations' || kind === 'knowledge';
    case 'apiKey':
      return KEY_SCOPES[kind].some((s) => actor.scopes.includes(s));
    default:
      return false;
  }
}

export function assertCanRead(actor: Actor, kind: ResourceKind): void {
  if (!canRead(actor, kind)) throw forbidden(readRefusal(actor, kind));
}

export function readRefusal(actor: Actor, kind: ResourceKind): string {
  if (actor.kind === 'apiKey') {
    const needed = KEY_SCOPES[kind];
    return needed.length ? `This API key’s scopes do not include ${needed.join(' or ')}` : 'API keys cannot read this';
  }
  return 'You are not allowed to read this';
}

/** Only these actors can be refused by kind (staff are governed by roles alone). */
export const restrictedByKind = (actor: Actor) => actor.kind === 'apiKey' || actor.kind === 'customer';
