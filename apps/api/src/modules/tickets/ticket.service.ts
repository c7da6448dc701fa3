import { LockMode, type FilterQuery, type FindOptions } from '@mikro-orm/core';
import type { StaffActor } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { badInput, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { countSlaBreach } from '../../platform/metrics.js';
import { DEFAULT_PAGE_SIZE, timeIdCursor, toConnection, type Connection } from '../../platform/pagination.js';
import type { PubSub } from '../../platform/pubsub.js';
import { audit } from '../audit/index.js';
import { User, UserStatus } from '../auth/index.js';
import { AuthorType, Conversation, findMentions, Message, MessageService, Priority, publishMention } from '../conversations/index.js';
import { publishNotification } from '../../platform/notify.js';
import { Ticket, TicketStatus } from './ticket.entity.js';
import { TicketComment, TicketEvent, TicketEventKind } from './ticket-activity.entity.js';
import type { AddTicketCommentInput, CreateTicketInput, TicketFilter, UpdateTicketInput } from './ticket.inputs.js';
import { DONE_STATUSES, recordBreaches, slaTargets } from './sla.service.js';
import { emitWebhookEvents, pokeFanOut, ticketData, WebhookEventType } from '../webhooks/index.js';

type Em = Scope['em'];

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

  /** Oldest first: a comment thread reads top to bottom. */
  async comments(ticket: Pick<Ticket, 'id'>, first = DEFAULT_PAGE_SIZE, after?: string): Promise<Connection<TicketComment>> {
    return this.oldestFirst(TicketComment, ticket.id, first, after);
  }

  /** Oldest first. */
  async history(ticket: Pick<Ticket, 'id'>, first = DEFAULT_PAGE_SIZE, after?: string): Promise<Connection<TicketEvent>> {
    return this.oldestFirst(TicketEvent, ticket.id, first, after);
  }

  private async oldestFirst<T extends TicketComment | TicketEvent>(entity: new () => T, ticketId: string, first: number, after?: string) {
    const where: Record<string, unknown> = { ticket: ticketId };
    if (after) {
      const c = timeIdCursor.decode(after);
      where.$or = [{ createdAt: { $gt: c.at } }, { createdAt: c.at, id: { $gt: c.id } }];
    }
    const options = { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: first + 1 } as unknown as FindOptions<T>;
    const rows = await this.em.find(entity, where as FilterQuery<T>, options);
    return toConnection(rows, first, (r) => timeIdCursor.encode(r.createdAt, r.id), Boolean(after));
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
    const priority = input.priority ?? conversation?.priority ?? Priority.NORMAL;
    const createdAt = new Date();
    const targets = await slaTargets(this.em, actor.workspaceId, priority, createdAt);
    const ticket = this.em.create(Ticket, {
      workspace: actor.workspaceId,
      subject,
      description: input.description ?? null,
      priority,
      conversation,
      requester: conversation?.contact ?? null,
      assignee: input.assigneeId ?? null,
      // A due time given by hand wins over the policy's resolution target.
      dueAt: input.dueAt ?? targets.dueAt,
      firstResponseDueAt: targets.firstResponseDueAt,
      createdAt,
      updatedAt: createdAt,
    });
    this.event(this.em, ticket, actor, TicketEventKind.CREATED, null, TicketStatus.OPEN, createdAt);
    audit(this.scope, actor.workspaceId, { action: 'ticket.create', targetType: 'Ticket', targetId: ticket.id });
    // Staged in the same flush (one transaction) as the ticket.
    const fanOut = await emitWebhookEvents(this.em, actor.workspaceId, [{ type: WebhookEventType.TICKET_CREATED, data: { ticket: ticketData(ticket) } }]);
    await this.em.flush();
    pokeFanOut(this.scope.deps, fanOut);
    publishTicketChange(this.scope.deps.pubSub, actor.workspaceId, ticket.id, 'created');
    return ticket;
  }

  async update(actor: StaffActor, input: UpdateTicketInput): Promise<Ticket> {
    assertId(input.id);
    if (input.assigneeId) await this.activeUser(input.assigneeId);
    let fanOut = false;
    let breaches: TicketEventKind[] = [];
    const ticket = await this.em.transactional(async (em) => {
      // Locked: the SLA sweep and concurrent edits see each other's history and breaches.
      const ticket = await em.findOne(Ticket, { id: input.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!ticket) throw notFound('Ticket');
      const now = new Date();
      const before = ticketData(ticket);
      // One millisecond apart, so that the history reads in the order the changes were applied.
      let tick = 0;
      const track = (kind: TicketEventKind, from: string | null, to: string | null) =>
        from !== to && this.event(em, ticket, actor, kind, from, to, new Date(now.getTime() + tick++));
      if (input.subject !== undefined) ticket.subject = input.subject.trim();
      if (input.description !== undefined) ticket.description = input.description;
      if (input.priority && input.priority !== ticket.priority) {
        track(TicketEventKind.PRIORITY, ticket.priority, input.priority);
        ticket.priority = input.priority;
        // The new priority's targets, counted from the ticket's creation.
        const targets = await slaTargets(em, ticket.workspace.id, ticket.priority, ticket.createdAt);
        if (!ticket.firstRespondedAt) ticket.firstResponseDueAt = targets.firstResponseDueAt;
        if (input.dueAt === undefined) {
          track(TicketEventKind.DUE_AT, iso(ticket.dueAt), iso(targets.dueAt));
          ticket.dueAt = targets.dueAt;
        }
      }
      if (input.assigneeId !== undefined) {
        track(TicketEventKind.ASSIGNEE, ticket.assignee?.id ?? null, input.assigneeId ?? null);
        ticket.assignee = input.assigneeId ? (em.getReference(User, input.assigneeId) as never) : null;
      }
      if (input.dueAt !== undefined) {
        track(TicketEventKind.DUE_AT, iso(ticket.dueAt), iso(input.dueAt));
        ticket.dueAt = input.dueAt;
      }
      if (input.status && input.status !== ticket.status) {
        track(TicketEventKind.STATUS, ticket.status, input.status);
        if (DONE_STATUSES.has(input.status) && !DONE_STATUSES.has(ticket.status)) ticket.resolvedAt = now;
        if (!DONE_STATUSES.has(input.status)) ticket.resolvedAt = null;
        ticket.status = input.status;
      }
      // A resolution (or a first response) that came too late is a breach even if the sweep has not run yet.
      breaches = recordBreaches(em, ticket, new Date(now.getTime() + tick));
      audit({ ...this.scope, em }, actor.workspaceId, { action: 'ticket.update', targetType: 'Ticket', targetId: ticket.id });
      const after = ticketData(ticket);
      const changes = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
      // Staged in the same transaction as the change; nothing changed, no event.
      fanOut =
        changes.length > 0 && (await emitWebhookEvents(em, actor.workspaceId, [{ type: WebhookEventType.TICKET_UPDATED, data: { ticket: after, changes } }]));
      return ticket;
    });
    pokeFanOut(this.scope.deps, fanOut);
    publishTicketChange(this.scope.deps.pubSub, actor.workspaceId, ticket.id, 'updated');
    await notifyBreaches(this.em, this.scope.deps.pubSub, ticket, breaches);
    return ticket;
  }

  /**
   * A public reply or an internal comment. A public reply on a ticket raised
   * from a conversation is also sent there as the agent's message (the
   * customer sees it live); the first public reply stops the first-response
   * clock.
   */
  async addComment(actor: StaffActor, input: AddTicketCommentInput): Promise<TicketComment> {
    const body = input.body.trim();
    if (!body) throw badInput('body must not be blank', 'body');
    const existing = await this.get(input.ticketId);
    // Sent first: it checks the conversation (it may be erased) and is its own transaction with its own publish.
    const message =
      input.isPublic && existing.conversation ? await new MessageService(this.scope).send({ conversationId: existing.conversation.id, body }) : null;
    let breaches: TicketEventKind[] = [];
    // Internal comments notify the colleagues they @mention, as notes do.
    const team = input.isPublic ? [] : await this.em.find(User, { status: UserStatus.ACTIVE }, { fields: ['id', 'name', 'email'] });
    const mentioned = findMentions(body, team).filter((u) => u.id !== actor.userId);
    const { ticket, comment } = await this.em.transactional(async (em) => {
      const ticket = await em.findOneOrFail(Ticket, { id: existing.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const now = new Date();
      const comment = em.create(TicketComment, {
        workspace: ticket.workspace,
        ticket,
        author: em.getReference(User, actor.userId) as never,
        body,
        isPublic: input.isPublic,
        message: message ? (em.getReference(Message, message.id) as never) : null,
        createdAt: now,
      });
      if (input.isPublic && !ticket.firstRespondedAt) ticket.firstRespondedAt = now;
      breaches = recordBreaches(em, ticket, now);
      audit({ ...this.scope, em }, actor.workspaceId, {
        action: input.isPublic ? 'ticket.reply' : 'ticket.comment',
        targetType: 'Ticket',
        targetId: ticket.id,
      });
      return { ticket, comment };
    });
    publishTicketChange(this.scope.deps.pubSub, actor.workspaceId, ticket.id, 'commented');
    const author = team.find((u) => u.id === actor.userId)?.name ?? 'A colleague';
    for (const user of mentioned) publishMention(this.scope.deps.pubSub, user.id, { workspaceId: actor.workspaceId, authorName: author, body, ticket });
    await notifyBreaches(this.em, this.scope.deps.pubSub, ticket, breaches);
    return comment;
  }

  private event(em: Em, ticket: Ticket, actor: StaffActor | null, kind: TicketEventKind, fromValue: string | null, toValue: string | null, at: Date) {
    em.create(TicketEvent, {
      workspace: ticket.workspace,
      ticket,
      actor: actor ? (em.getReference(User, actor.userId) as never) : null,
      kind,
      fromValue,
      toValue,
      createdAt: at,
    });
  }

  private async activeUser(id: string) {
    const user = await this.em.findOne(User, { id });
    if (!user) throw notFound('User');
    if (user.status !== UserStatus.ACTIVE) throw badInput('User is not an active agent', 'assigneeId');
    return user;
  }
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function publishTicketChange(pubSub: PubSub, workspaceId: string, ticketId: string, change: string) {
  pubSub.publish('inbox', workspaceId, { kind: 'ticket', workspaceId, ticketId, change });
}

/**
 * After commit: each newly recorded breach is counted and notified to the
 * ticket's assignee, or to the workspace's active admins when it has none,
 * and the inbox feeds hear `sla_breached`.
 */
export async function notifyBreaches(em: Em, pubSub: PubSub, ticket: Ticket, breaches: TicketEventKind[]) {
  if (!breaches.length) return;
  const workspaceId = ticket.workspace.id;
  const recipients = ticket.assignee
    ? [ticket.assignee.id]
    : (
        await em.execute<{ id: string }[]>(`select id from "user" where workspace_id = ? and status = 'ACTIVE' and role = 'ADMIN' order by id`, [workspaceId])
      ).map((r) => r.id);
  for (const kind of breaches) {
    const first = kind === TicketEventKind.FIRST_RESPONSE_BREACHED;
    countSlaBreach(first ? 'first_response' : 'resolution');
    const text = `SLA breached: ${first ? 'first response' : 'resolution'} target missed on ticket “${ticket.subject}”`;
    for (const userId of recipients) {
      publishNotification(pubSub, { workspaceId, userId, kind: 'SLA_BREACHED', ticketId: ticket.id, text });
    }
  }
  publishTicketChange(pubSub, workspaceId, ticket.id, 'sla_breached');
}
