// Conversations and their message timeline: one module. `Timeline` appends
// (in the caller's transaction) and announces (after commit); a customer's
// message emits `customerMessageAppended` to the TimelineSubscriber that app/
// wires (the assistant), inside the message's transaction.
export { Channel, Conversation, ConversationMode, ConversationStatus, Priority } from './conversation.entity.js';
export { conversationEvents, publishConversationChanged } from './conversation.events.js';
export { ConversationService, routeWaitingSoon } from './conversation.service.js';
export { applyHandOff } from './handoff.js';
export { findMentions, publishMention } from './mentions.js';
export { AuthorType, MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_LENGTH, Message, MessageKind, type StoredModeration } from './message.entity.js';
export { publishMessageAdded } from './message.events.js';
export { MessageService } from './message.service.js';
export { publishRouting, routeHandoff, type Routing } from './routing.js';
export { Timeline, type CustomerMessageAppended, type CustomerMessageResent, type TimelineSubscriber } from './timeline.js';
