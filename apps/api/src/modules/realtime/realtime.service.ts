// Typing indicators and presence: ephemeral, pub/sub only, never stored.
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Scope } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { rateLimited, unauthenticated } from '../../platform/errors.js';
import type { Participant } from '../../platform/topics.js';
import { User } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { ConversationService } from '../conversations/index.js';
import type { PresenceStatus } from '../presence/index.js';

export class RealtimeService {
  constructor(private readonly scope: Scope) {}

  async setTyping(conversationId: string, isTyping: boolean): Promise<boolean> {
    const { actor, deps } = this.scope;
    if (actor.kind !== 'user' && actor.kind !== 'customer') throw unauthenticated();
    const conversation = await new ConversationService(this.scope).get(conversationId);
    const actorKey = actor.kind === 'user' ? actor.userId : actor.contactId;
    try {
      await deps.realtime.typingLimiter.consume(`${actorKey}:${conversationId}`);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
      throw err;
    }
    let who: Participant;
    if (actor.kind === 'user') {
      const user = await this.scope.em.findOne(User, { id: actor.userId });
      who = { type: 'AGENT', id: actor.userId, name: user?.name ?? null };
    } else {
      const contact = await this.scope.em.findOne(Contact, { id: actor.contactId });
      who = { type: 'CUSTOMER', id: actor.contactId, name: contact?.name ?? null };
    }
    deps.pubSub.publish('conversation', conversation.id, {
      type: 'typing',
      workspaceId: conversation.workspace.id,
      conversationId: conversation.id,
      who,
      isTyping,
    });
    return true;
  }

  async setPresence(status: PresenceStatus): Promise<PresenceStatus> {
    const me = staff(this.scope.actor);
    await this.scope.deps.realtime.setStatus(me.workspaceId, me.userId, status);
    return status;
  }

  async teamPresence(): Promise<{ userId: string; status: PresenceStatus }[]> {
    const me = staff(this.scope.actor);
    const online = await this.scope.deps.realtime.presence.list(me.workspaceId);
    return [...online].map(([userId, status]) => ({ userId, status }));
  }
}
