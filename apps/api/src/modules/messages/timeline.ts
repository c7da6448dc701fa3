// The conversation's timeline: every message (customer, agent, AI, system
// or private note) is appended here, in the caller's transaction with the
// conversation row locked. Kept apart from the message service so that the
// assistant's jobs, which append answers, need not import the service (which
// sets those jobs off): no import cycle.
import type { Em } from '../../platform/database.js';
import { User } from '../auth/user.entity.js';
import type { Conversation } from '../conversations/conversation.entity.js';
import { AuthorType, Message, MessageKind } from './message.entity.js';

/**
 * Appends a message to a conversation the caller has locked (or just created):
 * the seq comes from the conversation row, so it is gap-free and ordered.
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
