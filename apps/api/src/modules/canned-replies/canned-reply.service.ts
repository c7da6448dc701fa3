// Canned replies: shared ones are the workspace's (admins manage them),
// personal ones belong to one agent and nobody else sees them (another
// agent's id reads as NOT_FOUND).
import { QueryOrder, UniqueConstraintViolationException } from '@mikro-orm/core';
import { staff } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { decodeCursor, encodeCursor, toConnection, type Connection } from '../../platform/pagination.js';
import { audit } from '../audit/index.js';
import { User, UserRole } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { ConversationService } from '../conversations/index.js';
import { Workspace } from '../workspaces/index.js';
import { CannedReply } from './canned-reply.entity.js';
import type { CreateCannedReplyInput, UpdateCannedReplyInput } from './canned-reply.inputs.js';
import { checkPlaceholders, renderPlaceholders } from './placeholders.js';

const normaliseShortcut = (s: string) => s.trim().replace(/^\//, '').toLowerCase();
const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class CannedReplyService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  /** Shared and own replies by shortcut; `search` matches the shortcut's start, or the title or text anywhere. */
  async list(search: string | null | undefined, first: number, after?: string): Promise<Connection<CannedReply>> {
    const me = staff(this.scope.actor);
    const where: Record<string, unknown>[] = [{ $or: [{ owner: null }, { owner: me.userId }] }];
    const term = search?.trim().replace(/^\//, '');
    if (term) {
      where.push({
        $or: [
          { shortcut: { $like: `${likePattern(term.toLowerCase()).slice(1)}` } },
          { title: { $ilike: likePattern(term) } },
          { body: { $ilike: likePattern(term) } },
        ],
      });
    }
    if (after) {
      // By shortcut; for one shortcut, the shared reply before your own.
      const [shortcut, personal, id] = decodeCursor<[string, 0 | 1, string]>(
        after,
        (p) => p.length === 3 && typeof p[0] === 'string' && (p[1] === 0 || p[1] === 1) && typeof p[2] === 'string',
      );
      where.push({
        $or: [
          { shortcut: { $gt: shortcut } },
          ...(personal
            ? []
            : [
                { shortcut, owner: { $ne: null } },
                { shortcut, owner: null, id: { $gt: id } },
              ]),
          ...(personal ? [{ shortcut, owner: { $ne: null }, id: { $gt: id } }] : []),
        ],
      });
    }
    const rows = await this.em.find(
      CannedReply,
      { $and: where },
      { orderBy: [{ shortcut: 'asc' }, { owner: QueryOrder.ASC_NULLS_FIRST }, { id: 'asc' }], limit: first + 1 },
    );
    return toConnection(rows, first, (r) => encodeCursor([r.shortcut, r.owner ? 1 : 0, r.id]), Boolean(after));
  }

  /** A reply the caller may see (shared, or their own). */
  async get(id: string): Promise<CannedReply> {
    assertId(id);
    const me = staff(this.scope.actor);
    const reply = await this.em.findOne(CannedReply, { id, $or: [{ owner: null }, { owner: me.userId }] });
    if (!reply) throw notFound('Canned reply');
    return reply;
  }

  async create(input: CreateCannedReplyInput): Promise<CannedReply> {
    const me = staff(this.scope.actor);
    if (!input.personal && me.role !== UserRole.ADMIN) throw forbidden('Only admins manage the workspace’s shared replies; save it as personal');
    checkPlaceholders(input.body);
    const reply = this.em.create(CannedReply, {
      workspace: me.workspaceId,
      owner: input.personal ? me.userId : null,
      shortcut: normaliseShortcut(input.shortcut),
      title: input.title?.trim() || null,
      body: input.body,
    });
    if (!input.personal)
      audit(this.scope, me.workspaceId, {
        action: 'canned_reply.create',
        targetType: 'CannedReply',
        targetId: reply.id,
        metadata: { shortcut: reply.shortcut },
      });
    await this.flushUnique(reply.shortcut);
    return reply;
  }

  async update(id: string, input: UpdateCannedReplyInput): Promise<CannedReply> {
    const reply = await this.writable(id);
    if (input.shortcut != null) reply.shortcut = normaliseShortcut(input.shortcut);
    if (input.title !== undefined) reply.title = input.title?.trim() || null;
    if (input.body != null) {
      checkPlaceholders(input.body);
      reply.body = input.body;
    }
    if (!reply.owner)
      audit(this.scope, staff(this.scope.actor).workspaceId, {
        action: 'canned_reply.update',
        targetType: 'CannedReply',
        targetId: reply.id,
        metadata: { shortcut: reply.shortcut },
      });
    await this.flushUnique(reply.shortcut);
    return reply;
  }

  async delete(id: string): Promise<boolean> {
    const reply = await this.writable(id);
    if (!reply.owner)
      audit(this.scope, staff(this.scope.actor).workspaceId, {
        action: 'canned_reply.delete',
        targetType: 'CannedReply',
        targetId: reply.id,
        metadata: { shortcut: reply.shortcut },
      });
    this.em.remove(reply);
    await this.em.flush();
    return true;
  }

  /** The reply's text for a conversation, placeholders filled from its contact, the calling agent and the workspace. */
  async render(id: string, conversationId: string): Promise<string> {
    const reply = await this.get(id);
    const conversation = await new ConversationService(this.scope).get(conversationId);
    const me = staff(this.scope.actor);
    const [contact, agent, workspace] = await Promise.all([
      this.em.findOne(Contact, { id: conversation.contact.id }),
      this.em.findOne(User, { id: me.userId }),
      this.em.findOne(Workspace, { id: me.workspaceId }),
    ]);
    return renderPlaceholders(reply.body, {
      'contact.name': contact?.name,
      'contact.email': contact?.email,
      'agent.name': agent?.name,
      'workspace.name': workspace?.name,
    });
  }

  /** Own personal replies; shared ones for admins only. */
  private async writable(id: string): Promise<CannedReply> {
    const reply = await this.get(id);
    const me = staff(this.scope.actor);
    if (!reply.owner && me.role !== UserRole.ADMIN) throw forbidden('Only admins manage the workspace’s shared replies');
    return reply;
  }

  private async flushUnique(shortcut: string): Promise<void> {
    try {
      await this.em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw conflict(`The shortcut /${shortcut} is already taken`);
      throw err;
    }
  }
}
