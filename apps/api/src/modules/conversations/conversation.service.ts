// Conversation lifecycle: start (customer), list/read, assignment, status,
// handoff and rating. Every change publishes an event after it commits.
import { LockMode, raw } from '@mikro-orm/core';
import type { Scope } from '../../platform/context.js';
import { staff, workspaceActor } from '../../platform/actor.js';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../../platform/errors.js';
import { forkFor, type Orm } from '../../platform/database.js';
import { FreshReads } from '../../platform/fresh-reads.js';
import { assertId } from '../../platform/ids.js';
import { findLean } from '../../platform/lean.js';
import { escapeLike } from '../../platform/like.js';
import { DEFAULT_PAGE_SIZE, timeIdCursor, toConnection, type Connection } from '../../platform/pagination.js';
import { audit } from '../audit/index.js';
import { User, UserStatus } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { Timeline } from './timeline.js';
import { applyHandOff } from './handoff.js';
import { AuthorType } from './message.entity.js';
import { Workspace } from '../workspaces/index.js';
import { Conversation, ConversationMode, ConversationStatus } from './conversation.entity.js';
import { conversationEvents, publishConversationChanged, type ConversationChange } from './conversation.events.js';
import { searchConversations } from './conversation-search.js';
import type { ConversationFilter, InboxCounts, RateConversationInput, StartConversationInput, WidgetInfo } from './conversation.inputs.js';
import { countHandoff } from '../../platform/metrics.js';
import { publishRouting, routeHandoff, type Routing } from './routing.js';
import { routeWaitingJob } from './route-waiting.job.js';
import { conversationData, emitWebhookEvents, messageData, type PendingEvent, pokeFanOut, WebhookEventType } from '../webhooks/index.js';

const locateReads = new WeakMap<Orm, FreshReads<string, { id: string; workspaceId: string } | null>>();

export class ConversationService {
  constructor(private readonly scope: Scope) {}

  /** How many conversations each inbox filter holds, for the caller's whole workspace. */
  async counts(): Promise<InboxCounts> {
    const me = staff(this.scope.actor);
    const [row] = await this.scope.em.execute<Record<string, number>[]>(
      `select count(*) filter (where status <> 'RESOLVED')::int as open,
              count(*) filter (where status <> 'RESOLVED' and assignee_id = ?)::int as mine,
              count(*) filter (where status <> 'RESOLVED' and assignee_id is null)::int as unassigned,
              count(*) filter (where status <> 'RESOLVED' and mode = 'AI')::int as ai,
              count(*) filter (where status <> 'RESOLVED' and mode = 'HUMAN')::int as handed_off,
              count(*) filter (where status = 'RESOLVED')::int as resolved
         from conversation where workspace_id = ?`,
      [me.userId, me.workspaceId],
    );
    return { open: row!.open!, mine: row!.mine!, unassigned: row!.unassigned!, ai: row!.ai!, handedOff: row!.handed_off!, resolved: row!.resolved! };
  }

  private get em() {
    return this.scope.em;
  }

  /** For the widget before the customer writes: is the key valid, and whose is it. */
  async widget(widgetKey: string): Promise<WidgetInfo> {
    if (widgetKey.length < 4 || widgetKey.length > 64) throw badInput('widgetKey must be 4 to 64 characters', 'widgetKey');
    const workspace = await this.em.findOne(Workspace, { widgetKey }, { filters: false });
    if (!workspace) throw notFound('Widget key');
    return { workspaceName: workspace.name };
  }

  async start(input: StartConversationInput) {
    const workspace = await this.em.findOne(Workspace, { widgetKey: input.widgetKey }, { filters: false });
    if (!workspace) throw notFound('Widget key');
    // From here on this request acts as the new conversation's customer.
    this.em.setFilterParams('workspace', { id: workspace.id });
    const firstMessage = input.message?.trim();
    const moderation = firstMessage
      ? await this.scope.deps.timelineSubscriber.screenCustomerMessage(this.em, workspace.id, firstMessage, workspace.moderationEnabled)
      : null;
    const timeline = new Timeline(this.scope.deps);
    const { conversation, fanOut } = await this.em.transactional(async (em) => {
      const email = input.email?.trim().toLowerCase();
      let contact = email ? await em.findOne(Contact, { workspace, email }, { filters: false }) : null;
      contact ??= em.create(Contact, { workspace, email: email ?? null, name: input.name?.trim() ?? null });
      if (input.name && !contact.name) contact.name = input.name.trim();
      const conversation = em.create(Conversation, { workspace, contact });
      // customerMessageAppended runs in this transaction: the assistant's jobs commit with the first message.
      const message = input.message ? timeline.append(em, conversation, { authorType: AuthorType.CUSTOMER, body: input.message.trim(), moderation }) : null;
      const events: PendingEvent[] = [{ type: WebhookEventType.CONVERSATION_CREATED, data: { conversation: conversationData(conversation) } }];
      if (message) events.push({ type: WebhookEventType.MESSAGE_CREATED, data: { message: messageData(message) } });
      return { conversation, fanOut: await emitWebhookEvents(em, workspace.id, events) };
    });
    const customerToken = await this.scope.deps.tokens.signCustomer({
      contactId: conversation.contact.id,
      conversationId: conversation.id,
      workspaceId: workspace.id,
    });
    publishConversationChanged(this.scope.deps.pubSub, conversation, 'created');
    await timeline.publish();
    pokeFanOut(this.scope.deps, fanOut);
    return { conversation, customerToken };
  }

  /** Loads a conversation the actor may see: NOT_FOUND across workspaces, FORBIDDEN for another customer's. */
  async get(id: string): Promise<Conversation> {
    this.checkAccess(id);
    const conversation = await this.em.findOne(Conversation, { id });
    if (!conversation) throw notFound('Conversation');
    return conversation;
  }

  /**
   * `get`'s checks for live feeds, where thousands subscribe at once: the
   * read (scoped to the actor's workspace, as `get`'s) is shared by
   * concurrent callers on this node, and only ids come back.
   */
  async locate(id: string): Promise<{ id: string; workspaceId: string }> {
    this.checkAccess(id);
    const { actor, deps } = this.scope;
    if (actor.kind === 'anonymous') throw unauthenticated();
    let reads = locateReads.get(deps.orm);
    if (!reads) locateReads.set(deps.orm, (reads = new FreshReads()));
    const found = await reads.read(`${actor.workspaceId}:${id}`, async () => {
      const row = await forkFor(deps.orm, actor.workspaceId).findOne(Conversation, { id }, { fields: ['id', 'workspace'] });
      return row ? { id: row.id, workspaceId: row.workspace.id } : null;
    });
    if (!found) throw notFound('Conversation');
    return found;
  }

  private checkAccess(id: string) {
    assertId(id);
    const { actor } = this.scope;
    if (actor.kind === 'anonymous') throw unauthenticated();
    if (actor.kind === 'customer' && actor.conversationId !== id) throw forbidden('This token is for another conversation');
  }

  async list(filter: ConversationFilter | null = {}, first = DEFAULT_PAGE_SIZE, after?: string): Promise<Connection<Conversation>> {
    filter ??= {}; // an explicit `filter: null` means no filter
    if (filter.from && filter.to && filter.from >= filter.to) throw badInput('from must be before to', 'filter.from');
    if (filter.search != null) return searchConversations(this.scope, workspaceActor(this.scope.actor).workspaceId, filter, first, after);
    const where: Record<string, unknown> = {};
    if (filter.status) where.status = filter.status;
    if (filter.mode) where.mode = filter.mode;
    if (filter.assigneeId) where.assignee = filter.assigneeId;
    else if (filter.unassigned) where.assignee = null;
    if (filter.teamId) where.team = filter.teamId;
    if (filter.labelIds?.length) {
      // Conversations carrying every label asked for. The labels module owns the
      // conversation_label table; this reads it by name so the inbox query stays one statement.
      const ids = [...new Set(filter.labelIds)];
      const carrying = raw<string>(
        (alias) => `(select count(*) from conversation_label cl where cl.conversation_id = ${alias}.id and cl.label_id in (${ids.map(() => '?').join(', ')}))`,
        ids,
      );
      where[carrying] = ids.length;
    }
    if (filter.contactEmail) where.contact = { email: { $ilike: escapeLike(filter.contactEmail.trim()) } };
    if (filter.from || filter.to) where.createdAt = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lt: filter.to }) };
    if (after) {
      const c = timeIdCursor.decode(after);
      where.$or = [{ lastMessageAt: { $lt: c.at } }, { lastMessageAt: c.at, id: { $lt: c.id } }];
    }
    const rows = await findLean(this.em, Conversation, where, {
      orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
      limit: first + 1,
    });
    return toConnection(rows, first, (c) => timeIdCursor.encode(c.lastMessageAt, c.id), Boolean(after));
  }

  async assign(id: string, userId: string) {
    assertId(userId, 'userId');
    return this.change(id, async (conversation, em) => {
      const user = await em.findOne(User, { id: userId });
      if (!user) throw notFound('User');
      if (user.status !== UserStatus.ACTIVE) throw badInput('User is not an active agent', 'userId');
      conversation.assignee = em.getReference(User, user.id) as never;
      return 'assigned';
    });
  }

  unassign(id: string) {
    return this.change(id, async (conversation) => {
      conversation.assignee = null;
      return 'unassigned';
    });
  }

  setStatus(id: string, status: ConversationStatus) {
    return this.change(id, async (conversation) => {
      if (conversation.status === status) return 'updated';
      const wasResolved = conversation.status === ConversationStatus.RESOLVED;
      conversation.status = status;
      if (status === ConversationStatus.RESOLVED) {
        conversation.resolvedAt = new Date();
        return 'resolved';
      }
      conversation.resolvedAt = null;
      return wasResolved ? 'reopened' : 'updated';
    });
  }

  /** Hands the conversation to a human: the AI stops answering and a SYSTEM note is added. */
  async handOff(id: string, reason = 'customer_request') {
    const timeline = new Timeline(this.scope.deps);
    let routing: Routing | undefined;
    let fanOut = false;
    const conversation = await this.change(id, async (conversation, em) => {
      if (conversation.mode === ConversationMode.HUMAN) throw conflict('Conversation is already handled by a human');
      applyHandOff(timeline, em, conversation, reason);
      routing = await routeHandoff(em, conversation, this.scope.deps.realtime.presence, this.scope.deps.logger);
      if (routing.assignedId) fanOut = await emitWebhookEvents(em, conversation.workspace.id, conversationEvents(conversation, 'assigned'));
      return 'handed_off';
    });
    await timeline.publish();
    if (routing) publishRouting(this.scope.deps.pubSub, conversation, routing);
    pokeFanOut(this.scope.deps, fanOut);
    countHandoff(reason);
    return conversation;
  }

  rate(id: string, input: RateConversationInput) {
    return this.change(id, async (conversation) => {
      conversation.csatScore = input.score;
      conversation.csatComment = input.comment?.trim() || null;
      return 'rated';
    });
  }

  /**
   * A change another module makes to a conversation (labels), through the
   * same path as the conversation's own: see `change`.
   */
  applyChange(id: string, apply: (c: Conversation, em: Scope['em']) => Promise<ConversationChange>): Promise<Conversation> {
    return this.change(id, apply);
  }

  /**
   * Runs a change under a row lock, audits staff actions, and publishes after
   * commit. `apply` must use the transaction's `em` (PGlite has one connection).
   */
  private async change(id: string, apply: (c: Conversation, em: Scope['em']) => Promise<ConversationChange>): Promise<Conversation> {
    await this.get(id);
    const { actor } = this.scope;
    let change: ConversationChange = 'updated';
    let fanOut = false;
    const conversation = await this.em.transactional(async (em) => {
      const c = await em.findOneOrFail(Conversation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      change = await apply(c, em);
      if (actor.kind === 'user') {
        audit({ ...this.scope, em }, c.workspace.id, { action: `conversation.${change}`, targetType: 'Conversation', targetId: c.id });
      }
      fanOut = await emitWebhookEvents(em, c.workspace.id, conversationEvents(c, change));
      return c;
    });
    publishConversationChanged(this.scope.deps.pubSub, conversation, change, actor.kind === 'user' ? actor.userId : undefined);
    pokeFanOut(this.scope.deps, fanOut);
    // An agent with one conversation fewer may take one waiting in a team inbox.
    if (FREES_CAPACITY.has(change)) routeWaitingSoon(this.scope.deps, conversation.workspace.id);
    return conversation;
  }
}

const FREES_CAPACITY = new Set<ConversationChange>(['resolved', 'unassigned']);

/** Enqueues teams.route-waiting for a workspace; a queue that is down leaves it to the minute's sweep. */
export function routeWaitingSoon(deps: Scope['deps'], workspaceId: string) {
  void deps.jobs
    .enqueue(routeWaitingJob, { workspaceId })
    .catch((err) => deps.logger.warn({ err, workspaceId }, 'could not enqueue the routing of waiting conversations'));
}

export { applyHandOff };
