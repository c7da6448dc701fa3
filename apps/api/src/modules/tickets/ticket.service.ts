import type { StaffActor } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { badInput, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { DEFAULT_PAGE_SIZE, timeIdCursor, toConnection, type Connection } from '../../platform/pagination.js';
import { audit } from '../audit/audit.service.js';
import { User, UserStatus } from '../auth/user.entity.js';
import { Conversation, Priority } from '../conversations/conversation.entity.js';
import { AuthorType, Message } from '../messages/message.entity.js';
import { Ticket, TicketStatus } from './ticket.entity.js';
import type { CreateTicketInput, TicketFilter, UpdateTicketInput } from './ticket.inputs.js';
import { emitWebhookEvents, pokeFanOut, ticketData, WebhookEventType } from '../webhooks/index.js';

const DONE = new Set([TicketStatus.RESOLVED, TicketStatus.CLOSED]);

export class TicketService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  async list(filter: TicketFilter | null = {}, first = DEFAULT_PAGE_SIZE, after?: string): Promise<Connection<Ticket>> {
    filter ??= {}; // an explicit `filter: null` means no filter
    const where: Record<string, unknown> = {};
    if (filter.status) where.status = filter.status;
    if (filter.priority) where.priority = filter.priority;
    if (filter.assigneeId) where.assignee = filter.assigneeId;
    if (after) {
      const c = timeIdCursor.decode(after);
      where.$or = [{ createdAt: { $lt: c.at } }, { createdAt: c.at, id: { $lt: c.id } }];
    }
    const rows = await this.em.find(Ticket, where, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 });
    return toConnection(rows, first, (t) => timeIdCursor.encode(t.createdAt, t.id), Boolean(after));
  }

  async get(id: string): Promise<Ticket> {
    assertId(id);
    const ticket = await this.em.findOne(Ticket, { id });
    if (!ticket) throw notFound('Ticket');
    return ticket;
  }

  async create(actor: StaffActor, input: CreateTicketInput): Promise<Ticket> {
    let conversation: Conversation | null = null;
    let subject = input.subject?.trim();
    if (input.conversationId) {
      conversation = await this.em.findOne(Conversation, { id: input.conversationId });
      if (!conversation) throw notFound('Conversation');
      if (!subject) {
        const first = await this.em.findOne(Message, { conversation, authorType: AuthorType.CUSTOMER }, { orderBy: { seq: 'asc' } });
        subject = first?.body.slice(0, 200).trim();
      }
    }
    if (!subject) throw badInput('subject is required', 'subject');
    if (input.assigneeId) await this.activeUser(input.assigneeId);
    const ticket = this.em.create(Ticket, {
      workspace: actor.workspaceId,
      subject,
      description: input.description ?? null,
      priority: input.priority ?? conversation?.priority ?? Priority.NORMAL,
      conversation,
      requester: conversation?.contact ?? null,
      assignee: input.assigneeId ?? null,
      dueAt: input.dueAt ?? null,
    });
    audit(this.scope, actor.workspaceId, { action: 'ticket.create', targetType: 'Ticket', targetId: ticket.id });
    // Staged in the same flush (one transaction) as the ticket.
    const fanOut = await emitWebhookEvents(this.em, actor.workspaceId, [{ type: WebhookEventType.TICKET_CREATED, data: { ticket: ticketData(ticket) } }]);
    await this.em.flush();
    pokeFanOut(this.scope.deps, fanOut);
    this.scope.deps.pubSub.publish('inbox', actor.workspaceId, { kind: 'ticket', workspaceId: actor.workspaceId, ticketId: ticket.id, change: 'created' });
    return ticket;
  }

  async update(actor: StaffActor, input: UpdateTicketInput): Promise<Ticket> {
    const ticket = await this.get(input.id);
    if (input.assigneeId) await this.activeUser(input.assigneeId);
    const before = ticketData(ticket);
    if (input.subject !== undefined) ticket.subject = input.subject.trim();
    if (input.description !== undefined) ticket.description = input.description;
    if (input.priority) ticket.priority = input.priority;
    if (input.assigneeId !== undefined) ticket.assignee = input.assigneeId ? this.em.getReference(User, input.assigneeId) as never : null;
    if (input.dueAt !== undefined) ticket.dueAt = input.dueAt;
    if (input.status && input.status !== ticket.status) {
      if (DONE.has(input.status) && !DONE.has(ticket.status)) ticket.resolvedAt = new Date();
      if (!DONE.has(input.status)) ticket.resolvedAt = null;
      ticket.status = input.status;
    }
    audit(this.scope, actor.workspaceId, { action: 'ticket.update', targetType: 'Ticket', targetId: ticket.id });
    const after = ticketData(ticket);
    const changes = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
    // Staged in the same flush (one transaction) as the change; nothing changed, no event.
    const fanOut = changes.length > 0 && (await emitWebhookEvents(this.em, actor.workspaceId, [{ type: WebhookEventType.TICKET_UPDATED, data: { ticket: after, changes } }]));
    await this.em.flush();
    pokeFanOut(this.scope.deps, fanOut);
    this.scope.deps.pubSub.publish('inbox', actor.workspaceId, { kind: 'ticket', workspaceId: actor.workspaceId, ticketId: ticket.id, change: 'updated' });
    return ticket;
  }

  private async activeUser(id: string) {
    const user = await this.em.findOne(User, { id });
    if (!user) throw notFound('User');
    if (user.status !== UserStatus.ACTIVE) throw badInput('User is not an active agent', 'assigneeId');
    return user;
  }
}
