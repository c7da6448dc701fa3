import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { STAFF_OR_CUSTOMER } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { Message, MessageKind } from '../conversations/index.js';
import { Attachment } from './attachment.entity.js';
import { AttachmentService, attachmentsLoader, MAX_ATTACHMENTS_PER_MESSAGE } from './attachment.service.js';
import { signedDownloadPath } from './attachment.signing.js';

@Resolver(() => Attachment)
export class AttachmentResolver {
  @Authorized(STAFF_OR_CUSTOMER)
  @Mutation(() => Attachment, {
    description: `Uploads a file (GraphQL multipart request; send the \`Apollo-Require-Preflight: true\` header) into a conversation, as the agent or its customer. PNG, JPEG, GIF, WebP or PDF, judged by the bytes, up to ATTACHMENT_MAX_BYTES (BAD_USER_INPUT with reason PAYLOAD_TOO_LARGE or UNSUPPORTED_MEDIA_TYPE otherwise). It stays unsent, visible only to the uploader, until sendMessage or addNote lists it in attachmentIds (at most ${MAX_ATTACHMENTS_PER_MESSAGE}); unsent uploads are deleted after a day.`,
  })
  uploadAttachment(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Ctx() ctx: Context,
  ): Promise<Attachment> {
    return new AttachmentService(ctx).upload(conversationId, file);
  }

  @FieldResolver(() => String, {
    description:
      'A signed download URL (relative to the API’s origin) that works without headers, e.g. in <img src>; valid for ATTACHMENT_URL_TTL_SECONDS (an hour by default). Images are served inline, PDFs as downloads.',
  })
  url(@Root() attachment: Readonly<Attachment>, @Ctx() ctx: Context): string {
    const { jwtSecret, attachments } = ctx.deps.config;
    return signedDownloadPath(jwtSecret, attachment.id, attachments.urlTtlSeconds);
  }
}

@Resolver(() => Message)
export class MessageAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: 'Files sent with the message, in upload order.' })
  async attachments(@Root() message: Readonly<Message>, @Ctx() ctx: Context): Promise<Attachment[]> {
    // Notes never reach customers; their feeds and queries skip them already, this is the last guard.
    if (ctx.actor.kind === 'customer' && (message.kind === MessageKind.NOTE || message.conversation.id !== ctx.actor.conversationId)) return [];
    return attachmentsLoader(ctx.em, ctx.loaders).load(message.id);
  }
}
