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
// returns (transactional-outbox entries, not yet written) the timeline writes
// in that transaction: they commit with the message or not at all, and a
// customer message is never stored without the jobs it calls for.
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../../platform/context.js';
import type { Em } from '../../platform/database.js';
import { insertLean } from '../../platform/lean.js';
import { OutboxEntry } from '../../platform/outbox.entity.js';
import { User } from '../auth/index.js';
import type { Conversation } from './conversation.entity.js';
import { publishMessageAdded } from './message.events.js';
import { AuthorType, Message, MessageKind, type StoredModeration } from './message.entity.js';

/** A customer's message, just appended: delivered inside its (uncommitted) transaction. */
export interface CustomerMessageAppended {
  /** The message's transaction. */
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
   * outbox entries it returns (built, not persisted: `outboxEntry`) are
   * written by the timeline with the message and dispatched after commit by
   * `Timeline.publish`.
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

/** What an append writes besides the seq, the time and the relations. */
export interface AppendData {
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
}

/**
 * One batch of appends: `append` (or `appendRow`) inside the transaction (it
 * writes the message and, for a customer's, delivers `customerMessageAppended`
 * and writes the outbox entries it returns, in that same transaction),
 * `publish` after commit (feeds and inboxes hear of every message; the outbox
 * entries go to the queue). Jobs, which never append a customer's message,
 * need no subscriber.
 */
export class Timeline {
  private readonly appended: Message[] = [];
  private readonly jobs: OutboxEntry[] = [];

  constructor(private readonly deps: Pick<AppDeps, 'pubSub'> & Partial<Pick<AppDeps, 'outbox' | 'timelineSubscriber'>>) {}

  /** Appends to a managed, locked conversation: the message and the outbox entries are written by the unit of work's flush. */
  append(em: Em, conversation: Conversation, data: AppendData): Message {
    const customer = this.checkSubscriber(data);
    const message = appendMessage(em, conversation, data);
    if (customer) {
      const entries = this.deps.timelineSubscriber!.customerMessageAppended({ em, conversation, message });
      em.persist(entries);
      this.jobs.push(...entries);
    }
    this.appended.push(message);
    return message;
  }

  /**
   * The same append with plain rows, for the hot paths (sendMessage,
   * addNote): `conversation` is a row the caller read and locked with
   * `findLean(..., { lockMode })`, whose columns this advances in place (the
   * caller writes them with `updateLean` before commit). The message is
   * INSERTed now, so rows that refer to it may follow in the transaction,
   * and returned as a plain row (relations as `{ id }`, like `findLean`'s),
   * which is not managed: never persist it.
   */
  async appendRow(em: Em, conversation: Conversation, data: AppendData): Promise<Message> {
    const customer = this.checkSubscriber(data);
    const id = randomUUID();
    const now = new Date();
    advance(conversation, data, id, now);
    const message = {
      id,
      workspace: { id: conversation.workspace.id },
      conversation: { id: conversation.id },
      seq: conversation.lastSeq,
      authorUser: data.authorUserId ? { id: data.authorUserId } : null,
      createdAt: now,
      ...messageFields(data),
    } as unknown as Message;
    await insertLean(em, Message, [message]);
    if (customer) {
      const entries = this.deps.timelineSubscriber!.customerMessageAppended({ em, conversation, message });
      await insertLean(em, OutboxEntry, entries);
      this.jobs.push(...entries);
    }
    this.appended.push(message);
    return message;
  }

  /** After commit: announces the appended messages, then hands their jobs to the queue (never throws: a queue that is down only delays them). */
  async publish(): Promise<void> {
    for (const message of this.appended) publishMessageAdded(this.deps.pubSub, message);
    if (this.jobs.length) await this.deps.outbox!.dispatch(this.jobs);
  }

  /** Whether this is a customer's message (which needs the subscriber and the outbox). */
  private checkSubscriber(data: AppendData): boolean {
    const customer = data.authorType === AuthorType.CUSTOMER && !data.note;
    if (customer && (!this.deps.timelineSubscriber || !this.deps.outbox)) {
      throw new Error('A customer message needs the timeline subscriber and the outbox (app/ wires them)');
    }
    return customer;
  }
}

/**
 * The conversation's side of an append (the caller holds its row lock): the
 * next seq, and, except for private notes (the conversation's last message,
 * its activity time and its first response stay those of the exchange with
 * the customer), the last message and the first response time.
 */
function advance(conversation: Conversation, data: AppendData, messageId: string, now: Date): void {
  conversation.lastSeq += 1;
  conversation.updatedAt = now;
  if (data.note) return;
  conversation.lastMessageAt = now;
  conversation.lastMessageId = messageId;
  if ((data.authorType === AuthorType.AGENT || data.authorType === AuthorType.AI) && !conversation.firstResponseAt) {
    conversation.firstResponseAt = now;
  }
}

/** The message's own columns. */
function messageFields(data: AppendData) {
  const common = { authorType: data.authorType, body: data.body, clientMessageId: data.clientMessageId ?? null };
  if (data.note) return { ...common, kind: MessageKind.NOTE, mentions: data.note.mentions };
  return { ...common, kind: MessageKind.MESSAGE, moderation: data.moderation ?? null, ...data.ai };
}

/**
 * Appends a message to a conversation the caller has locked (or just created):
 * the seq comes from the conversation row, so it is gap-free and ordered.
 * Writes only (no event, no announcement): services use `Timeline`; seeds and
 * tests that build history use this.
 */
export function appendMessage(em: Em, conversation: Conversation, data: AppendData): Message {
  const id = randomUUID();
  const now = new Date();
  advance(conversation, data, id, now);
  return em.create(Message, {
    id,
    workspace: conversation.workspace,
    conversation,
    seq: conversation.lastSeq,
    authorUser: data.authorUserId ? em.getReference(User, data.authorUserId) : null,
    createdAt: now,
    ...messageFields(data),
  });
}
