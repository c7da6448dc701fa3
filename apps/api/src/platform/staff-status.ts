// A staff access token stays valid until it expires (minutes), but a
// deactivated member must lose access at once and a demoted admin must stop
// acting as one. The auth checker looks every staff token up against the
// user's row when an operation runs (not before: a document the guards refuse
// never reaches the database), once per request and cached per user: the node
// that changes a member forgets its entry at once; other nodes re-read it
// within TTL_MS.
import type { Actor } from './actor.js';
import type { Orm } from './database.js';
import { unauthenticated } from './errors.js';

type StaffActor = Extract<Actor, { kind: 'user' }>;
type Row = { role: StaffActor['role']; active: boolean } | null;

const TTL_MS = 60_000;

export class StaffStatusCache {
  private readonly entries = new Map<string, { until: number; row: Promise<Row> }>();

  constructor(private readonly orm: Orm) {}

  /** The actor with its current role; UNAUTHENTICATED when the account is gone or deactivated. */
  async check(actor: StaffActor): Promise<StaffActor> {
    const row = await this.lookup(actor.userId);
    if (!row?.active) throw unauthenticated('Account is not active');
    return row.role === actor.role ? actor : { ...actor, role: row.role };
  }

  forget(userId: string) {
    this.entries.delete(userId);
  }

  private lookup(userId: string): Promise<Row> {
    const now = Date.now();
    const hit = this.entries.get(userId);
    if (hit && hit.until > now) return hit.row;
    const row = this.orm.em
      .getConnection()
      .execute<{ role: StaffActor['role']; status: string; deactivated_at: Date | null }[]>('select "role", "status", "deactivated_at" from "user" where "id" = ?', [userId])
      .then(([found]): Row => (found ? { role: found.role, active: found.status === 'ACTIVE' && !found.deactivated_at } : null));
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(userId, { until: now + TTL_MS, row });
    row.catch(() => this.entries.delete(userId));
    return row;
  }
}

const caches = new WeakMap<Orm, StaffStatusCache>();
const perRequest = new WeakMap<object, Promise<StaffActor>>();

function cacheFor(orm: Orm): StaffStatusCache {
  let cache = caches.get(orm);
  if (!cache) caches.set(orm, (cache = new StaffStatusCache(orm)));
  return cache;
}

/** After a member's role or status changed: this node re-reads it on their next request. */
export function forgetStaff(orm: Orm, userId: string) {
  caches.get(orm)?.forget(userId);
}

/** The staff actor of this request as the database sees it now (one check per request). */
export function currentStaff(orm: Orm, request: object, actor: StaffActor): Promise<StaffActor> {
  let checked = perRequest.get(request);
  if (!checked) {
    checked = cacheFor(orm).check(actor);
    perRequest.set(request, checked);
  }
  return checked;
}
