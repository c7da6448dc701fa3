// A staff access token stays valid until it expires (minutes), but a
// deactivated member must lose access at once and a demoted admin must stop
// acting as one. Every staff token is checked against the user's row, cached
// for a few seconds so that a busy console costs one query per user per TTL.
import type { Actor } from '../../platform/actor.js';
import type { Orm } from '../../platform/database.js';
import { unauthenticated } from '../../platform/errors.js';
import { UserRole, UserStatus } from './user.entity.js';

type Row = { role: UserRole; active: boolean } | null;

export class StaffStatusCache {
  private readonly entries = new Map<string, { until: number; row: Row }>();

  constructor(
    private readonly orm: Orm,
    private readonly ttlMs = 5_000,
  ) {}

  /** The actor with its current role; UNAUTHENTICATED when the account is gone or deactivated. */
  async check(actor: Actor): Promise<Actor> {
    if (actor.kind !== 'user') return actor;
    const row = await this.lookup(actor.userId);
    if (!row?.active) throw unauthenticated('Account is not active');
    return row.role === actor.role ? actor : { ...actor, role: row.role };
  }

  private async lookup(userId: string): Promise<Row> {
    const now = Date.now();
    const hit = this.entries.get(userId);
    if (hit && hit.until > now) return hit.row;
    const [found] = await this.orm.em
      .getConnection()
      .execute<{ role: UserRole; status: UserStatus; deactivated_at: Date | null }[]>('select "role", "status", "deactivated_at" from "user" where "id" = ?', [userId]);
    const row: Row = found ? { role: found.role, active: found.status === UserStatus.ACTIVE && !found.deactivated_at } : null;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(userId, { until: now + this.ttlMs, row });
    return row;
  }
}
