import type { PubSub } from '../../platform/pubsub.js';
import { MessageKind, type Message } from './message.entity.js';

export function publishMessageAdded(pubSub: PubSub, message: Message) {
  const workspaceId = message.workspace.id;
  const conversationId = message.conversation.id;
  const note = message.kind === MessageKind.NOTE;
  // `note` lets customers' feeds skip private notes without reading them.
  pubSub.publish('conversation', conversationId, {
    type: 'message',
    workspaceId,
    conversationId,
    seq: message.seq,
    messageId: message.id,
    ...(note && { note }),
  });
  pubSub.publish('inbox', workspaceId, { kind: 'conversation', workspaceId, conversationId, change: note ? 'note' : 'message' });
}
