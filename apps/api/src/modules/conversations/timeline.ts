// The conversation's timeline: every message (customer, agent, AI, system
// or private note) is appended here, in the caller's transaction with the
// conversation row locked, and announced once that transaction has
// committed (`Timeline`: `append` in the transaction, `publish` after it).
//
// What a customer writes sets work off in other modules (the assistant's
// analysis and answer jobs). This module does not know them: it emits the
// typed domain event `customerMessageAppended` to the `TimelineSubscriber`
// that the composition root (app/) puts in AppDeps. The event is delivered
// synchronously inside the message's transaction, and what the subscriber
// returns (transactional-outbox entries) commits with the message or not at
// all: a customer message is never stored without the jobs it calls for.
import type { AppDeps } from '../../platform/context.js';
import type { Em } from '../../platform/database.js';
import type { OutboxEntry } from '../../platform/outbox.entity.js';
import { User } from '../auth/index.js';
import type { Conversation } from './conversation.entity.js';
import { publishMessageAdded } from './message.events.js';
import { AuthorType, Message, MessageKind, type StoredModeration } from './message.entity.js';

/** A customer's message, just appended: delivered inside its (uncommitted) transaction. */
export interface CustomerMessageAppended {
  /** The message's transaction: entities created with it commit with the message. */
  em: Em;
  conversation: Conversation;
  message: Pick<Message, 'id' | 'seq'>;
}

/** A customer's retried send (same clientMessageId) of a message already stored. */
export interface CustomerMessageResent {
  em: Em;
  conversation: Conversation;
  message: Pick<Message, 'id' | 'seq'>;
}

/**
 * Who reacts to what customers write (the assistant). Declared here,
 * implemented by the subscriber's module and wired by app/, so this module
 * imports none of its subscribers.
 */
export interface TimelineSubscriber {
  /**
   * Before the message's transaction (it may call a model server): the
   * content-policy verdict to store with a customer's text, or null when the
   * workspace does not moderate. `moderationEnabled` when the caller has the
   * workspace at hand.
   */
  screenCustomerMessage(em: Em, workspaceId: string, body: string, moderationEnabled?: boolean): Promise<StoredModeration | null>;
  /**
   * The domain event, synchronous and inside the message's transaction: the
   * outbox entries it returns are written with the message (dispatched after
   * commit by `Timeline.publish`).
   */
  customerMessageAppended(event: CustomerMessageAppended): OutboxEntry[];
  /** After a retried send of a message we already have: drive again whatever the first send set off and is not done. */
  customerMessageResent(event: CustomerMessageResent): Promise<void>;
}

declare module '../../platform/context.js' {
  interface AppDeps {
    /** Subscribers to the conversation timeline's domain events (wired by app/). */
    timelineSubscriber: TimelineSubscriber;
  }
}

type AppendData = Parameters<typeof appendMessage>[2];

/**
 * One batch of appends: `append` inside the transaction (it writes the message
 * and, for a customer's, delivers `customerMessageAppended` in that same
 * transaction), `publish` after commit (feeds and inboxes hear of every
 * message; the outbox entries go to the queue). Jobs, which never append a
 * customer's message, need no subscriber.
 */
export class Timeline {
  private readonly appended: Message[] = [];
  private readonly jobs: OutboxEntry[] = [];

  constructor(private readonly deps: Pick<AppDeps, 'pubSub'> & Partial<Pick<AppDeps, 'outbox' | 'timelineSubscriber'>>) {}

  append(em: Em, conversation: Conversation, data: AppendData): Message {
    const customer = data.authorType === AuthorType.CUSTOMER && !data.note;
    const subscriber = this.deps.timelineSubscriber;
    if (customer && (!subscriber || !this.deps.outbox)) throw new Error('A customer message needs the timeline subscriber and the outbox (app/ wires them)');
    const message = appendMessage(em, conversation, data);
    if (customer) this.jobs.push(...subscriber!.customerMessageAppended({ em, conversation, message }));
    this.appended.push(message);
    return message;
  }

  /** After commit: announces the appended messages, then hands their jobs to the queue (never throws: a queue that is down only delays them). */
  async publish(): Promise<void> {
    for (const message of this.appended) publishMessageAdded(this.deps.pubSub, message);
    if (this.jobs.length) await this.deps.outbox!.dispatch(this.jobs);
  }
}

/**
 * Appends a message to a conversation the caller has locked (or just created):
 * the seq comes from the conversation row, so it is gap-free and ordered.
 * Writes only (no event, no announcement): services use `Timeline`; seeds and
 * tests that build history use this.
 */
export function appendMessage(
  em: Em,
  conversation: Conversation,
  data: {
    authorType: AuthorType;
    body: string;
    authorUserId?: string;
    clientMessageId?: string | null;
    /** Customer messages: the content-policy verdict, when the workspace moderates. */
    moderation?: Message['moderation'];
    /** AI replies: what they answer and how. */
    ai?: Pick<Message, 'replyToSeq' | 'citations' | 'confidence' | 'modelConfigId' | 'promptTokens' | 'completionTokens' | 'latencyMs'>;
    /** Private notes: staff only; they take a seq but are no part of the exchange with the customer. */
    note?: { mentions: string[] };
  },
): Message {
  conversation.lastSeq += 1;
  const now = new Date();
  conversation.updatedAt = now;
  if (data.note) {
    // The conversation's last message, its activity time and its first
    // response stay those of the exchange with the customer.
    return em.create(Message, {
      workspace: conversation.workspace,
      conversation,
      seq: conversation.lastSeq,
      kind: MessageKind.NOTE,
      authorType: data.authorType,
      authorUser: data.authorUserId ? em.getReference(User, data.authorUserId) : null,
      body: data.body,
      clientMessageId: data.clientMessageId ?? null,
      mentions: data.note.mentions,
      createdAt: now,
    });
  }
  conversation.lastMessageAt = now;
  const message = em.create(Message, {
    workspace: conversation.workspace,
    conversation,
    seq: conversation.lastSeq,
    authorType: data.authorType,
    authorUser: data.authorUserId ? em.getReference(User, data.authorUserId) : null,
    body: data.body,
    clientMessageId: data.clientMessageId ?? null,
    moderation: data.moderation ?? null,
    createdAt: now,
    ...data.ai,
  });
  conversation.lastMessageId = message.id;
  if ((data.authorType === AuthorType.AGENT || data.authorType === AuthorType.AI) && !conversation.firstResponseAt) {
    conversation.firstResponseAt = now;
  }
  return message;
}
