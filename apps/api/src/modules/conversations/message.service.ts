// Appending messages with a gap-free per-conversation seq, idempotent by clientMessageId.
import { LockMode } from '@mikro-orm/core';
import type { Scope } from '../../platform/context.js';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../../platform/errors.js';
import { staff } from '../../platform/actor.js';
import { decodeCursor, encodeCursor, type Connection } from '../../platform/pagination.js';
import { User, UserStatus } from '../auth/index.js';
import { findMentions, publishMention, type MentionedUser } from './mentions.js';
import { Conversation, ConversationMode, ConversationStatus } from './conversation.entity.js';
import { conversationEvents, publishConversationChanged, type ConversationChange } from './conversation.events.js';
import { AuthorType, Message, MessageKind } from './message.entity.js';
import { Timeline } from './timeline.js';
import type { MessagePageArgs, SendMessageInput } from './message.inputs.js';
import { findLean, updateLean } from '../../platform/lean.js';
import { insertWebhookEvents, messageData, pokeFanOut, WebhookEventType } from '../webhooks/index.js';
import type { Actor } from '../../platform/actor.js';
import type { Em } from '../../platform/database.js';

/**
 * Files sent with a message. The attachments module owns them (and depends
 * on this one: an attachment belongs to a conversation and a message), so it
 * is reached through this port, which app/ fills.
 */
export interface MessageAttachments {
  /**
   * In the message's transaction: refused attachments refuse the message, and the message never appears without its files.
   * The message is already written (a plain row): link by its id.
   */
  link(em: Em, actor: Actor, conversationId: string, ids: readonly string[] | null | undefined, message: Pick<Message, 'id'>): Promise<unknown>;
}

declare module '../../platform/context.js' {
  interface AppDeps {
    messageAttachments: MessageAttachments;
  }
}

const DEFAULT_HISTORY = 50;

const seqCursor = {
  encode: (seq: number) => encodeCursor([seq]),
  decode: (cursor: string, field: string) => {
    try {
      return decodeCursor<[number]>(cursor, (p) => p.length === 1 && Number.isInteger(p[0]) && (p[0] as number) >= 0)[0];
    } catch {
      throw badInput('Invalid cursor', field);
    }
  },
};

export class MessageService {
  constructor(private readonly scope: Scope) {}

  async send(input: SendMessageInput): Promise<Message> {
    const { actor } = this.scope;
    if (actor.kind === 'anonymous') throw unauthenticated();
    if (actor.kind === 'customer' && actor.conversationId !== input.conversationId) {
      throw forbidden('This token is for another conversation');
    }
    const body = input.body.trim();
    // Judged before the message is stored, so agents see it flagged from the start (outside the transaction: it may call the model server).
    const moderation = actor.kind === 'user' ? null : await this.scope.deps.timelineSubscriber.screenCustomerMessage(this.scope.em, actor.workspaceId, body);
    const changes: ConversationChange[] = [];
    const timeline = new Timeline(this.scope.deps);
    let fanOut = false;
    const result = await this.scope.em.transactional(async (em) => {
      // The hot path works on plain rows, not managed entities: the conversation
      // is read and locked with findLean, the message, its webhook events and
      // outbox entries are INSERTed as rows and the conversation's changed
      // columns UPDATEd (platform/lean.ts). Still the ORM's metadata, type
      // conversions, connection, transaction and tenant filters, and the same
      // statements a flush would send, without the unit of work's snapshots,
      // change-set diffs and hydration, which cost more CPU than the SQL.
      // The row lock serialises senders of one conversation: seq stays gap-free.
      const [conversation] = await findLean(em, Conversation, { id: input.conversationId }, { limit: 1, lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!conversation) throw notFound('Conversation');
      if (input.clientMessageId) {
        const [existing] = await findLean(em, Message, { conversation: conversation.id, clientMessageId: input.clientMessageId }, { limit: 1 });
        if (existing?.kind === MessageKind.NOTE) throw conflict('clientMessageId is already used in this conversation');
        if (existing) return { message: existing, created: false, conversation };
      }
      const before = { ...conversation };
      let authorType = AuthorType.CUSTOMER;
      if (actor.kind === 'user') {
        authorType = AuthorType.AGENT;
        // A human reply takes the conversation over from the AI.
        if (conversation.mode === ConversationMode.AI) {
          conversation.mode = ConversationMode.HUMAN;
          conversation.handoffReason ??= 'agent_took_over';
          changes.push('handed_off');
        }
        if (!conversation.assignee) {
          conversation.assignee = { id: actor.userId } as never;
          changes.push('assigned');
        }
      }
      if (conversation.status === ConversationStatus.RESOLVED && authorType === AuthorType.CUSTOMER) {
        conversation.status = ConversationStatus.OPEN;
        conversation.resolvedAt = null;
        changes.push('reopened');
      }
      // A customer's message sets off the assistant's jobs (customerMessageAppended), written in this transaction: the outbox commits with the message.
      const message = await timeline.appendRow(em, conversation, {
        authorType,
        body,
        authorUserId: actor.kind === 'user' ? actor.userId : undefined,
        clientMessageId: input.clientMessageId,
        moderation: authorType === AuthorType.CUSTOMER ? moderation : null,
      });
      // In this transaction: refused attachments refuse the message, and the message never appears without its files.
      await this.scope.deps.messageAttachments.link(em, actor, conversation.id, input.attachmentIds, message);
      // The webhook events it sets off commit with it too.
      fanOut = await insertWebhookEvents(em, conversation.workspace.id, [
        ...changes.flatMap((change) => conversationEvents(conversation, change)),
        { type: WebhookEventType.MESSAGE_CREATED, data: { message: messageData(message) } },
      ]);
      await updateLean(em, Conversation, conversation, before);
      return { message, created: true, conversation };
    });
    if (result.created) {
      // Never throws: a queue that is down only delays the jobs.
      await timeline.publish();
      pokeFanOut(this.scope.deps, fanOut);
      for (const change of changes)
        publishConversationChanged(this.scope.deps.pubSub, result.conversation, change, actor.kind === 'user' ? actor.userId : undefined);
    } else if (result.message.authorType === AuthorType.CUSTOMER) {
      await this.scope.deps.timelineSubscriber.customerMessageResent({ em: this.scope.em, conversation: result.conversation, message: result.message });
    }
    return result.message;
  }

  /**
   * A private note in the conversation's timeline: staff only, with a seq
   * (staff feeds resume across it), no effect on assignment, mode or status.
   * Colleagues it @mentions (by name or email local part) are notified.
   */
  async addNote(input: SendMessageInput): Promise<Message> {
    const me = staff(this.scope.actor);
    const body = input.body.trim();
    const timeline = new Timeline(this.scope.deps);
    const result = await this.scope.em.transactional(async (em) => {
      // Plain rows, as in send().
      const [conversation] = await findLean(em, Conversation, { id: input.conversationId }, { limit: 1, lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!conversation) throw notFound('Conversation');
      if (input.clientMessageId) {
        const [existing] = await findLean(em, Message, { conversation: conversation.id, clientMessageId: input.clientMessageId }, { limit: 1 });
        if (existing && (existing.kind !== MessageKind.NOTE || existing.authorUser?.id !== me.userId)) {
          throw conflict('clientMessageId is already used in this conversation');
        }
        if (existing) return { message: existing, created: false, mentioned: [] as MentionedUser[], author: '' };
      }
      const team = await em.find(User, { status: UserStatus.ACTIVE }, { fields: ['id', 'name', 'email'] });
      const mentioned = findMentions(body, team);
      const before = { ...conversation };
      const message = await timeline.appendRow(em, conversation, {
        authorType: AuthorType.AGENT,
        body,
        authorUserId: me.userId,
        clientMessageId: input.clientMessageId,
        note: { mentions: mentioned.map((u) => u.id) },
      });
      await this.scope.deps.messageAttachments.link(em, me, conversation.id, input.attachmentIds, message);
      await updateLean(em, Conversation, conversation, before);
      return { message, created: true, mentioned, author: team.find((u) => u.id === me.userId)?.name ?? 'A colleague' };
    });
    if (result.created) {
      await timeline.publish();
      for (const user of result.mentioned) {
        if (user.id !== me.userId)
          publishMention(this.scope.deps.pubSub, user.id, {
            workspaceId: result.message.workspace.id,
            authorName: result.author,
            body: result.message.body,
            conversationId: result.message.conversation.id,
          });
      }
    }
    return result.message;
  }

  /** History by seq: `first/after` pages forward; `last/before` (the default) pages back from the newest. */
  async list(conversation: Pick<Conversation, 'id' | 'lastSeq'>, args: MessagePageArgs): Promise<Connection<Message>> {
    if (args.first != null && args.last != null) throw badInput('Use either first/after or last/before', 'first');
    const em = this.scope.em;
    // Customers never read private notes (the seqs they skip are just gaps).
    const visible = this.scope.actor.kind === 'customer' ? { kind: MessageKind.MESSAGE } : {};
    if (args.first != null || args.after != null) {
      const first = args.first ?? DEFAULT_HISTORY;
      const after = args.after ? seqCursor.decode(args.after, 'after') : 0;
      const rows = await em.find(Message, { conversation: conversation.id, seq: { $gt: after }, ...visible }, { orderBy: { seq: 'asc' }, limit: first + 1 });
      const hasNextPage = rows.length > first;
      const page = rows.slice(0, first);
      return this.connection(page, hasNextPage, after > 0);
    }
    const last = args.last ?? DEFAULT_HISTORY;
    const before = args.before ? seqCursor.decode(args.before, 'before') : conversation.lastSeq + 1;
    const rows = await em.find(Message, { conversation: conversation.id, seq: { $lt: before }, ...visible }, { orderBy: { seq: 'desc' }, limit: last + 1 });
    const hasPreviousPage = rows.length > last;
    const page = rows.slice(0, last).reverse();
    return this.connection(page, before <= conversation.lastSeq, hasPreviousPage);
  }

  private connection(page: Message[], hasNextPage: boolean, hasPreviousPage: boolean): Connection<Message> {
    const edges = page.map((node) => ({ node, cursor: seqCursor.encode(node.seq) }));
    return {
      edges,
      pageInfo: {
        hasNextPage,
        hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
