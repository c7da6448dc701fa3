export { CannedReply } from './canned-reply.entity.js';
export { CannedReplyResolver } from './canned-reply.resolver.js';
