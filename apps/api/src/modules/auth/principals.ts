// Whether the principal behind a verified credential may still act: the user
// exists, is active and still has the role the token names, and its session
// (refresh-token family) was not ended by log-out or reuse detection; the API
// key is not revoked; the customer's contact was not erased. Checked on every
// HTTP request and every operation on a socket (through a short cache that
// revocation events clear on every node), and for open sockets on an
// interval and on those events (see platform/graphql/sockets.ts).
import { LRUCache } from 'lru-cache';
import type { Actor } from '../../platform/actor.js';
import { forkFor, type Orm } from '../../platform/database.js';
import type { PrincipalRevokedPayload } from '../../platform/topics.js';
import type { AppDeps } from '../../platform/context.js';
import { ApiKey } from '../api-keys/index.js';
import { Contact } from '../contacts/index.js';
import { RefreshToken } from './refresh-token.entity.js';
import { User, UserStatus } from './user.entity.js';

export type PrincipalVerdict =
  | { ok: true }
  /** `expired`: sign in (or refresh) again; `revoked`: this credential is gone for good. */
  | { ok: false; why: 'expired' | 'revoked'; message: string };

const OK: PrincipalVerdict = { ok: true };
const NO_TENANT = { filters: false } as const;

/** The identity a verdict is about; null for actors that need no re-check. */
export function principalKey(actor: Actor): string | null {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.userId}:${actor.role}:${actor.sessionId ?? ''}`;
    case 'apiKey':
      return `apiKey:${actor.keyId}`;
    case 'customer':
      return `contact:${actor.contactId}`;
    default:
      return null;
  }
}

export class PrincipalChecker {
  /** Verdicts by principal, each trusted for `ttlMs`; the least recently used go first when it is full. */
  private readonly cache: LRUCache<string, PrincipalVerdict>;

  constructor(
    private readonly orm: Orm,
    /** How long a verdict is trusted without asking the database again (revocation events clear it at once). */
    ttlMs = 2000,
  ) {
    this.cache = new LRUCache({ max: 50_000, ttl: Math.max(1, Math.round(ttlMs)) });
  }

  /** One actor, through the cache. */
  async check(actor: Actor): Promise<PrincipalVerdict> {
    const key = principalKey(actor);
    if (!key) return OK;
    const hit = this.cache.get(key);
    if (hit) return hit;
    return (await this.checkMany([actor])).get(key) ?? OK;
  }

  /** Many actors, fresh from the database, in one query per kind. */
  async checkMany(actors: Actor[]): Promise<Map<string, PrincipalVerdict>> {
    const em = forkFor(this.orm, null);
    const users = new Map<string, Extract<Actor, { kind: 'user' }>>();
    const keys = new Set<string>();
    const contacts = new Set<string>();
    for (const a of actors) {
      if (a.kind === 'user') users.set(principalKey(a)!, a);
      else if (a.kind === 'apiKey') keys.add(a.keyId);
      else if (a.kind === 'customer') contacts.add(a.contactId);
    }
    const verdicts = new Map<string, PrincipalVerdict>();
    const userIds = [...new Set([...users.values()].map((u) => u.userId))];
    const sessionIds = [...new Set([...users.values()].flatMap((u) => (u.sessionId ? [u.sessionId] : [])))];
    const [userRows, endedSessions, keyRows, contactRows] = await Promise.all([
      userIds.length ? em.find(User, { id: { $in: userIds } }, { ...NO_TENANT, fields: ['id', 'role', 'status', 'deactivatedAt'] }) : [],
      sessionIds.length ? em.find(RefreshToken, { familyId: { $in: sessionIds }, revokedAt: { $ne: null } }, { ...NO_TENANT, fields: ['familyId'] }) : [],
      keys.size ? em.find(ApiKey, { id: { $in: [...keys] } }, { ...NO_TENANT, fields: ['id', 'revokedAt'] }) : [],
      contacts.size ? em.find(Contact, { id: { $in: [...contacts] } }, { ...NO_TENANT, fields: ['id', 'erasedAt'] }) : [],
    ]);
    const userById = new Map(userRows.map((u) => [u.id, u]));
    const ended = new Set(endedSessions.map((t) => t.familyId));
    for (const [key, actor] of users) {
      const user = userById.get(actor.userId);
      const deactivated = user && (user.status === UserStatus.DISABLED || user.deactivatedAt);
      verdicts.set(
        key,
        !user || deactivated
          ? { ok: false, why: 'revoked', message: 'This account is deactivated' }
          : actor.sessionId && ended.has(actor.sessionId)
            ? { ok: false, why: 'revoked', message: 'This session has ended; sign in again' }
            : user.role !== actor.role
              ? { ok: false, why: 'expired', message: 'Your role has changed; sign in again' }
              : OK,
      );
    }
    const keyById = new Map(keyRows.map((k) => [k.id, k]));
    for (const id of keys) {
      const key = keyById.get(id);
      verdicts.set(`apiKey:${id}`, !key || key.revokedAt ? { ok: false, why: 'revoked', message: 'API key revoked' } : OK);
    }
    const contactById = new Map(contactRows.map((c) => [c.id, c]));
    for (const id of contacts) {
      const contact = contactById.get(id);
      verdicts.set(`contact:${id}`, !contact || contact.erasedAt ? { ok: false, why: 'revoked', message: 'This chat is no longer available' } : OK);
    }
    for (const [key, verdict] of verdicts) this.cache.set(key, verdict);
    return verdicts;
  }

  /** Forgets cached verdicts about a revoked principal (any role or session of a user). */
  forget(event: PrincipalRevokedPayload): void {
    const prefix = event.kind === 'session' ? null : `${event.kind === 'contact' ? 'contact' : event.kind}:${event.id}`;
    const about = [...this.cache.keys()].filter((key) => (prefix ? key === prefix || key.startsWith(`${prefix}:`) : key.endsWith(`:${event.id}`)));
    for (const key of about) this.cache.delete(key);
  }
}

/**
 * Announces that a principal lost access: this node forgets its cached
 * verdicts and re-checks its sockets at once, so the next request on it is
 * refused and its sockets close (the event crosses Redis asynchronously, and
 * a request sent right after the change could otherwise beat it), and every
 * node forgets them and re-checks its sockets when the event arrives.
 */
export function announceRevocation(deps: Pick<AppDeps, 'pubSub' | 'onRevocation'>, event: PrincipalRevokedPayload): void {
  deps.onRevocation?.(event);
  deps.pubSub.publish('principalRevoked', event);
}

/** Whether a socket's actor is the principal an event is about. */
export function concerns(actor: Actor, event: PrincipalRevokedPayload): boolean {
  switch (event.kind) {
    case 'user':
      return actor.kind === 'user' && actor.userId === event.id;
    case 'session':
      return actor.kind === 'user' && actor.sessionId === event.id;
    case 'apiKey':
      return actor.kind === 'apiKey' && actor.keyId === event.id;
    case 'contact':
      return actor.kind === 'customer' && actor.contactId === event.id;
  }
}
