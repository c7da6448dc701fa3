// Uploading, linking, reading and removing message attachments.
//
// An upload is checked before anything is kept: the size (streamed, so an
// oversized file is never buffered whole), the type sniffed from the bytes
// (the client's MIME type and file name are not trusted; a name whose
// extension disagrees with the bytes is refused), and the scan hook. Only
// then is the file stored, then its row written; a failed row write deletes
// the file again, so a refusal leaves neither behind.
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import DataLoader from 'dataloader';
import { fileTypeFromBuffer } from 'file-type';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import type { Actor } from '../../platform/actor.js';
import type { Loaders, Scope } from '../../platform/context.js';
import type { Em } from '../../platform/database.js';
import { AppError, badInput, forbidden, notFound, unauthenticated } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import { User } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { Conversation, MAX_ATTACHMENTS_PER_MESSAGE, Message } from '../conversations/index.js';

export { MAX_ATTACHMENTS_PER_MESSAGE };
import { Attachment } from './attachment.entity.js';
import { acceptAllScanner } from './attachment.scanner.js';
import { attachmentStorage, deleteStored, type AttachmentStorage } from './attachment.storage.js';

/** What can be attached, by the type sniffed from the bytes, with the file name extensions each may carry. */
export const ALLOWED_TYPES: Record<string, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

export const isInlineType = (contentType: string) => contentType.startsWith('image/');

export const tooLarge = (maxBytes: number) =>
  new AppError('BAD_USER_INPUT', `The file is larger than the ${formatBytes(maxBytes)} limit`, { field: 'file', reason: 'PAYLOAD_TOO_LARGE', maxBytes });

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Reads a stream into memory, failing as soon as it passes `maxBytes`. */
async function readLimited(open: () => Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let stream: Readable | undefined;
  try {
    // Throws at once when the upload has already failed (e.g. it passed graphql-upload's maxFileSize).
    stream = open();
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    stream?.destroy();
    // graphql-upload's own limit (maxFileSize) ends the stream with a 413.
    if ((err as { status?: number }).status === 413) throw tooLarge(maxBytes);
    throw err;
  }
  return Buffer.concat(chunks, size);
}

/** The name without any path, control characters or quotes, at most 255 characters; the extension matches the type. */
export function cleanFilename(given: string, contentType: string): string {
  const extensions = ALLOWED_TYPES[contentType]!;
  let name = given
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name must lose
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim();
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!ext) name = `${name || 'attachment'}.${extensions[0]}`;
  else if (!extensions.includes(ext)) {
    throw badInput(`The file name says .${ext} but the content is ${contentType}`, 'file');
  }
  if (name.length > 255) name = `${name.slice(0, 250 - extensions[0]!.length)}….${extensions[0]}`;
  return name;
}

export class AttachmentService {
  private readonly storage: AttachmentStorage;

  constructor(private readonly scope: Scope) {
    this.storage = attachmentStorage(scope.deps.config);
  }

  async upload(conversationId: string, file: Promise<FileUpload>): Promise<Attachment> {
    const { actor, em, deps } = this.scope;
    if (actor.kind === 'anonymous') throw unauthenticated();
    if (actor.kind === 'customer' && actor.conversationId !== conversationId) throw forbidden('This token is for another conversation');
    if (actor.kind !== 'customer' && actor.kind !== 'user') throw forbidden();
    assertId(conversationId, 'conversationId');
    const conversation = await em.findOne(Conversation, { id: conversationId }, { fields: ['id', 'workspace'] });
    if (!conversation) throw notFound('Conversation');

    const upload = await file;
    const { maxBytes } = deps.config.attachments;
    const bytes = await readLimited(() => upload.createReadStream(), maxBytes);
    if (!bytes.length) throw badInput('The file is empty', 'file');
    const sniffed = await fileTypeFromBuffer(bytes);
    if (!sniffed || !ALLOWED_TYPES[sniffed.mime]) {
      throw new AppError('BAD_USER_INPUT', 'Only PNG, JPEG, GIF and WebP images and PDF files can be attached', {
        field: 'file',
        reason: 'UNSUPPORTED_MEDIA_TYPE',
        ...(sniffed && { detected: sniffed.mime }),
      });
    }
    const contentType = sniffed.mime;
    const filename = cleanFilename(upload.filename, contentType);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const verdict = await (deps.attachmentScanner ?? acceptAllScanner).scan({ bytes, filename, contentType, sha256, workspaceId: actor.workspaceId });
    if (!verdict.ok) {
      deps.logger.warn({ conversationId, sha256, reason: verdict.reason }, 'attachment refused by the scanner');
      throw new AppError('BAD_USER_INPUT', `The file was refused by the virus scan: ${verdict.reason}`, { field: 'file', reason: 'REFUSED_BY_SCAN' });
    }

    const storageKey = `${actor.workspaceId}/${randomUUID()}`;
    await this.storage.put(storageKey, bytes, contentType);
    try {
      const attachment = em.create(Attachment, {
        workspace: conversation.workspace,
        conversation: conversation.id,
        uploaderUser: actor.kind === 'user' ? em.getReference(User, actor.userId) : null,
        uploaderContact: actor.kind === 'customer' ? em.getReference(Contact, actor.contactId) : null,
        filename,
        contentType,
        size: bytes.length,
        sha256,
        storageKey,
      });
      await em.flush();
      return attachment;
    } catch (err) {
      await this.storage.delete(storageKey).catch((e) => deps.logger.error({ err: e, storageKey }, 'could not delete an attachment whose row was not written'));
      throw err;
    }
  }
}

/**
 * Links the caller's own unsent uploads of this conversation to a new
 * message, inside the message's transaction (the conversation row is locked,
 * so two sends cannot take the same upload). Anything unknown, sent already,
 * someone else's or from another conversation refuses the whole message.
 */
export async function linkAttachments(
  em: Em,
  actor: Actor,
  conversationId: string,
  ids: readonly string[] | null | undefined,
  message: Pick<Message, 'id'>,
): Promise<Attachment[]> {
  const wanted = [...new Set(ids ?? [])];
  if (!wanted.length) return [];
  if (wanted.length > MAX_ATTACHMENTS_PER_MESSAGE) throw badInput(`At most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments per message`, 'attachmentIds');
  for (const id of wanted) assertId(id, 'attachmentIds');
  const uploader = actor.kind === 'user' ? { uploaderUser: actor.userId } : actor.kind === 'customer' ? { uploaderContact: actor.contactId } : null;
  if (!uploader) throw forbidden();
  const found = await em.find(
    Attachment,
    { id: { $in: wanted }, conversation: conversationId, message: null, ...uploader },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  if (found.length !== wanted.length) {
    throw badInput('attachmentIds must be your own uploads to this conversation that are not sent yet', 'attachmentIds');
  }
  // By id: the message may be a plain row already INSERTed in this transaction (sendMessage), which the flush must not write again.
  const linked = em.getReference(Message, message.id);
  for (const a of found) a.message = linked as never;
  return found;
}

// Per request (and per live event), next to the platform's loaders.
const byMessage = new WeakMap<Loaders, DataLoader<string, Attachment[]>>();

/** A message's attachments, one query for all the messages of a list. */
export function attachmentsLoader(em: Em, loaders: Loaders): DataLoader<string, Attachment[]> {
  let loader = byMessage.get(loaders);
  if (!loader) {
    loader = new DataLoader<string, Attachment[]>(async (ids) => {
      const rows = await em.find(Attachment, { message: { $in: [...ids] } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return ids.map((id) => rows.filter((r) => r.message?.id === id));
    });
    byMessage.set(loaders, loader);
  }
  return loader;
}

/**
 * Deletes the attachments of these conversations (erasure, retention): the
 * rows in the caller's transaction; the files after it commits, through the
 * returned function.
 */
export async function removeConversationAttachments(em: Em, conversationIds: string[]): Promise<string[]> {
  if (!conversationIds.length) return [];
  const rows = await em.execute<{ storage_key: string }[]>(`delete from attachment where conversation_id = any(?::uuid[]) returning storage_key`, [
    `{${conversationIds.join(',')}}`,
  ] as never[]);
  return rows.map((r) => r.storage_key);
}

export function deleteFiles(config: Scope['deps']['config'], logger: Logger, keys: string[]): Promise<void> {
  return deleteStored(attachmentStorage(config), keys, (err, key) => logger.error({ err, key }, 'could not delete an attachment file'));
}
