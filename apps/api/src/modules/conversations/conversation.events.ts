import type { PubSub } from '../../platform/pubsub.js';
import { publishNotification } from '../../platform/notify.js';
import { conversationData, type PendingEvent, WebhookEventType } from '../webhooks/index.js';
import type { Conversation } from './conversation.entity.js';

export type ConversationChange =
  'created' | 'updated' | 'assigned' | 'unassigned' | 'resolved' | 'reopened' | 'handed_off' | 'rated' | 'labeled' | 'unlabeled' | 'transferred' | 'erased';

/** Publishes a change to the conversation's feed, the workspace inbox and, where it concerns them, the assignee. */
export function publishConversationChanged(pubSub: PubSub, conversation: Conversation, change: ConversationChange, actorUserId?: string) {
  const workspaceId = conversation.workspace.id;
  pubSub.publish('conversation', conversation.id, { type: 'updated', workspaceId, conversationId: conversation.id, change });
  pubSub.publish('inbox', workspaceId, { kind: 'conversation', workspaceId, conversationId: conversation.id, change });
  const assigneeId = conversation.assignee?.id;
  const kind = change === 'assigned' ? 'ASSIGNED' : change === 'handed_off' ? 'HANDED_OFF' : null;
  if (kind && assigneeId && assigneeId !== actorUserId) {
    publishNotification(pubSub, {
      workspaceId,
      userId: assigneeId,
      kind,
      conversationId: conversation.id,
      text: kind === 'ASSIGNED' ? 'A conversation was assigned to you' : 'A conversation assigned to you was handed to a human',
    });
  }
}

/** The webhook events a conversation change emits (none for the others). */
export function conversationEvents(c: Conversation, change: ConversationChange): PendingEvent[] {
  const conversation = conversationData(c);
  switch (change) {
    case 'assigned':
      return [{ type: WebhookEventType.CONVERSATION_ASSIGNED, data: { conversation, assigneeId: conversation.assigneeId } }];
    case 'resolved':
      return [{ type: WebhookEventType.CONVERSATION_RESOLVED, data: { conversation } }];
    case 'handed_off':
      return [{ type: WebhookEventType.CONVERSATION_HANDED_OFF, data: { conversation, reason: c.handoffReason ?? null } }];
    case 'rated':
      return [{ type: WebhookEventType.CSAT_SUBMITTED, data: { conversationId: c.id, score: c.csatScore ?? null, comment: c.csatComment ?? null } }];
    default:
      return [];
  }
}
