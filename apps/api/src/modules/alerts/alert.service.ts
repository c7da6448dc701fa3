// Raising, listing, acknowledging and resolving alerts. Admins see their
// workspace's alerts and the installation-wide ones.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Scope } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { forkFor, type Orm } from '../../platform/database.js';
import { badInput, conflict, forbidden, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { DEFAULT_PAGE_SIZE, timeIdCursor, toConnection, type Connection } from '../../platform/pagination.js';
import type { PubSub } from '../../platform/pubsub.js';
import { audit } from '../audit/index.js';
import { Alert, AlertStatus } from './alert.entity.js';
import type { AlertRule, Finding } from './alert.rules.js';

export const SYSTEM_SCOPE = 'system';

export interface AlertFilterInput {
  status?: AlertStatus;
  rule?: string;
}

/** Every open alert (one read per evaluation, so that quiet rules cost nothing more). */
export function openAlerts(orm: Orm): Promise<Alert[]> {
  return forkFor(orm, null).find(Alert, { status: { $ne: AlertStatus.RESOLVED } });
}

/**
 * Records what one evaluation of `rule` found: new conditions raise an alert
 * (announced on the `alert` topic), known ones refresh it, and open alerts
 * whose condition is gone resolve by themselves (for node rules, only those
 * this node raised). Returns the alerts raised.
 */
export async function applyFindings(orm: Orm, pubSub: PubSub, rule: AlertRule, findings: Finding[], nodeId: string, openAlerts?: Alert[]): Promise<Alert[]> {
  if (!findings.length && openAlerts && !openAlerts.some((a) => a.rule === rule.name)) return [];
  const em = forkFor(orm, null);
  const open = await em.find(Alert, { rule: rule.name, status: { $ne: AlertStatus.RESOLVED } });
  const raised: Alert[] = [];
  const now = new Date();
  for (const f of findings) {
    const scopeKey = f.workspaceId ?? SYSTEM_SCOPE;
    const details = { ...f.details, ...(rule.kind === 'node' ? { node: nodeId } : {}) };
    const existing = open.find((a) => a.scopeKey === scopeKey);
    if (existing) {
      Object.assign(existing, { value: f.value, threshold: f.threshold, summary: f.summary, lastSeenAt: now, details });
      continue;
    }
    const fresh = forkFor(orm, null);
    const alert = fresh.create(Alert, {
      workspace: f.workspaceId,
      scopeKey,
      rule: rule.name,
      severity: rule.severity,
      summary: f.summary.slice(0, 300),
      value: f.value,
      threshold: f.threshold,
      details,
    });
    try {
      await fresh.flush();
    } catch (err) {
      // Another node raised it at the same moment.
      if (err instanceof UniqueConstraintViolationException) continue;
      throw err;
    }
    raised.push(alert);
  }
  const found = new Set(findings.map((f) => f.workspaceId ?? SYSTEM_SCOPE));
  for (const a of open) {
    if (found.has(a.scopeKey)) continue;
    if (rule.kind === 'node' && a.details?.node !== nodeId) continue;
    a.status = AlertStatus.RESOLVED;
    a.resolvedAt = now;
    a.resolvedById = null;
  }
  await em.flush();
  for (const a of raised) {
    pubSub.publish('alert', a.scopeKey, { alertId: a.id, workspaceId: a.workspace?.id ?? null });
  }
  return raised;
}

export class AlertService {
  constructor(private readonly scope: Scope) {}

  private admin() {
    const me = staff(this.scope.actor);
    if (me.role !== 'ADMIN') throw forbidden('Admins only');
    return me;
  }

  /** What this admin may see: their workspace's alerts and installation-wide ones. */
  private visible() {
    const me = this.admin();
    return { me, where: { $or: [{ workspace: me.workspaceId }, { workspace: null }] } };
  }

  async list(filter: AlertFilterInput | undefined, first = DEFAULT_PAGE_SIZE, after?: string): Promise<Connection<Alert>> {
    const { where } = this.visible();
    const and: Record<string, unknown>[] = [where];
    if (filter?.status) and.push({ status: filter.status });
    if (filter?.rule) and.push({ rule: filter.rule });
    if (after) {
      const c = timeIdCursor.decode(after);
      and.push({ $or: [{ raisedAt: { $lt: c.at } }, { raisedAt: c.at, id: { $lt: c.id } }] });
    }
    const rows = await this.scope.em.find(Alert, { $and: and }, { orderBy: [{ raisedAt: 'desc' }, { id: 'desc' }], limit: first + 1 });
    return toConnection(rows, first, (r) => timeIdCursor.encode(r.raisedAt, r.id), Boolean(after));
  }

  async byId(id: string): Promise<Alert | null> {
    const { where } = this.visible();
    return this.scope.em.findOne(Alert, { $and: [where, { id }] });
  }

  private async mustFind(id: string): Promise<Alert> {
    assertId(id);
    const alert = await this.byId(id);
    if (!alert) throw notFound('Alert');
    return alert;
  }

  async acknowledge(id: string, note?: string | null): Promise<Alert> {
    const me = this.admin();
    const text = note?.trim() || null;
    if (text && text.length > 500) throw badInput('A note has at most 500 characters', 'note');
    const alert = await this.mustFind(id);
    if (alert.status === AlertStatus.RESOLVED) throw conflict('This alert is already resolved');
    if (alert.status === AlertStatus.ACKNOWLEDGED) throw conflict('This alert is already acknowledged');
    Object.assign(alert, { status: AlertStatus.ACKNOWLEDGED, acknowledgedAt: new Date(), acknowledgedById: me.userId, acknowledgeNote: text });
    audit(this.scope, me.workspaceId, { action: 'alert.acknowledge', targetType: 'Alert', targetId: alert.id, metadata: { rule: alert.rule, note: text } });
    await this.scope.em.flush();
    return alert;
  }

  async resolve(id: string): Promise<Alert> {
    const me = this.admin();
    const alert = await this.mustFind(id);
    if (alert.status === AlertStatus.RESOLVED) throw conflict('This alert is already resolved');
    Object.assign(alert, { status: AlertStatus.RESOLVED, resolvedAt: new Date(), resolvedById: me.userId });
    audit(this.scope, me.workspaceId, { action: 'alert.resolve', targetType: 'Alert', targetId: alert.id, metadata: { rule: alert.rule } });
    await this.scope.em.flush();
    return alert;
  }
}
