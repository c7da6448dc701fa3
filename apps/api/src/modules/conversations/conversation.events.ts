import { randomUUID } from 'node:crypto';
import type { PubSub } from '../../platform/pubsub.js';
import type { Conversation } from './conversation.entity.js';

export type ConversationChange =
  | 'created'
  | 'updated'
  | 'assigned'
  | 'unassigned'
  | 'resolved'
  | 'reopened'
  | 'handed_off'
  | 'rated'
  | 'erased';

/** Publishes a change to the conversation's feed, the workspace inbox and, where it concerns them, the assignee. */
export function publishConversationChanged(
  pubSub: PubSub,
  conversation: Conversation,
  change: ConversationChange,
  actorUserId?: string,
) {
  const workspaceId = conversation.workspace.id;
  pubSub.publish('conversation', conversation.id, { type: 'updated', workspaceId, conversationId: conversation.id, change });
  pubSub.publish('inbox', workspaceId, { kind: 'conversation', workspaceId, conversationId: conversation.id, change });
  const assigneeId = conversation.assignee?.id;
  const kind = change === 'assigned' ? 'ASSIGNED' : change === 'handed_off' ? 'HANDED_OFF' : null;
  if (kind && assigneeId && assigneeId !== actorUserId) {
    pubSub.publish('notification', assigneeId, {
      id: randomUUID(),
      workspaceId,
      userId: assigneeId,
      kind,
      conversationId: conversation.id,
      text: kind === 'ASSIGNED' ? 'A conversation was assigned to you' : 'A conversation assigned to you was handed to a human',
      createdAt: new Date().toISOString(),
    });
  }
}
