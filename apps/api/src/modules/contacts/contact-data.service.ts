// Data rights: everything held about a customer (export), and erasure that
// removes personal data while keeping anonymised metrics (timestamps,
// statuses, ratings and counts stay, so analytics totals do not change).
import type { Scope } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { audit } from '../audit/index.js';
import { Conversation, Message, MessageKind, publishConversationChanged } from '../conversations/index.js';
import { Ticket } from '../tickets/index.js';
import { redactWebhookEvents } from '../webhooks/index.js';
import { Contact } from './contact.entity.js';
import { announceRevocation } from '../auth/index.js';
import { Attachment, deleteFiles, removeConversationAttachments } from '../attachments/index.js';

export const ERASED = '[erased]';

export class ContactDataService {
  constructor(private readonly scope: Scope) {}

  private async contact(id: string) {
    assertId(id, 'contactId');
    const contact = await this.scope.em.findOne(Contact, { id });
    if (!contact) throw notFound('Contact');
    return contact;
  }

  async export(contactId: string): Promise<Record<string, unknown>> {
    const me = staff(this.scope.actor);
    const contact = await this.contact(contactId);
    const em = this.scope.em;
    const conversations = await em.find(Conversation, { contact }, { orderBy: { createdAt: 'asc' } });
    // Private notes are the team's, not the customer's: not in the export.
    const messages = await em.find(
      Message,
      { conversation: { $in: conversations.map((c) => c.id) }, kind: MessageKind.MESSAGE },
      { orderBy: { createdAt: 'asc' } },
    );
    // Which files each message carried (their bytes stay behind the signed links).
    const files = messages.length
      ? await em.find(Attachment, { message: { $in: messages.map((m) => m.id) } }, { orderBy: { createdAt: 'asc', id: 'asc' } })
      : [];
    const tickets = await em.find(Ticket, { requester: contact });
    audit(this.scope, me.workspaceId, { action: 'contact.export', targetType: 'Contact', targetId: contact.id });
    await em.flush();
    return {
      exportedAt: new Date().toISOString(),
      contact: { id: contact.id, name: contact.name, email: contact.email, createdAt: contact.createdAt },
      conversations: conversations.map((c) => ({
        id: c.id,
        createdAt: c.createdAt,
        status: c.status,
        channel: c.channel,
        csatScore: c.csatScore,
        csatComment: c.csatComment,
        messages: messages
          .filter((m) => m.conversation.id === c.id)
          .map((m) => ({
            seq: m.seq,
            authorType: m.authorType,
            body: m.body,
            createdAt: m.createdAt,
            attachments: files
              .filter((f) => f.message?.id === m.id)
              .map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.size, sha256: f.sha256 })),
          })),
      })),
      tickets: tickets.map((t) => ({ id: t.id, subject: t.subject, description: t.description, status: t.status, createdAt: t.createdAt })),
    };
  }

  async erase(contactId: string): Promise<boolean> {
    const me = staff(this.scope.actor);
    const contact = await this.contact(contactId);
    let files: string[] = [];
    const conversations = await this.scope.em.transactional(async (em) => {
      const conversations = await em.find(Conversation, { contact: contact.id });
      const ids = conversations.map((c) => c.id);
      if (ids.length) {
        // Files in their conversations go whole (whoever sent them: a screenshot or an invoice is about the customer).
        files = await removeConversationAttachments(em, ids);
        // The customer's own words and free text go; who answered, when, and how it was rated stay.
        await em.nativeUpdate(Message, { conversation: { $in: ids }, authorType: 'CUSTOMER' as never }, { body: ERASED, analysis: null });
        await em.nativeUpdate(Conversation, { id: { $in: ids } }, { csatComment: null });
        // Copies in webhook events (kept for redelivery and replay) go too.
        await redactWebhookEvents(em, me.workspaceId, ids, ERASED);
      }
      await em.nativeUpdate(Ticket, { requester: contact.id }, { description: null });
      await em.nativeUpdate(Contact, { id: contact.id }, { name: null, email: null, erasedAt: new Date() });
      audit({ ...this.scope, em }, me.workspaceId, {
        action: 'contact.erase',
        targetType: 'Contact',
        targetId: contact.id,
        metadata: { conversations: ids.length },
      });
      return conversations;
    });
    // After the commit: the rows are gone, so nothing links to a file any more.
    await deleteFiles(this.scope.deps.config, this.scope.deps.logger, files);
    // Open consoles re-read these conversations: the name and the words disappear there too.
    for (const c of conversations) publishConversationChanged(this.scope.deps.pubSub, c, 'erased');
    // The customer's widget tokens stop working, and their open sockets close.
    announceRevocation(this.scope.deps, { kind: 'contact', id: contact.id });
    return true;
  }
}
