import type { PubSub } from '../../platform/pubsub.js';
import type { Message } from './message.entity.js';

export function publishMessageAdded(pubSub: PubSub, message: Message) {
  const workspaceId = message.workspace.id;
  const conversationId = message.conversation.id;
  pubSub.publish('conversation', conversationId, { type: 'message', workspaceId, conversationId, seq: message.seq, messageId: message.id });
  pubSub.publish('inbox', workspaceId, { kind: 'conversation', workspaceId, conversationId, change: 'message' });
}
