export { Attachment } from './attachment.entity.js';
export { AttachmentResolver, MessageAttachmentsResolver } from './attachment.resolver.js';
export { deleteFiles, linkAttachments, MAX_ATTACHMENTS_PER_MESSAGE, removeConversationAttachments } from './attachment.service.js';
export type { AttachmentScanner, ScanInput, ScanVerdict } from './attachment.scanner.js';
export { downloadAttachment, downloadRoute } from './attachment.download.js';
export { sweepAttachmentsJob } from './sweep.job.js';
