import type { Scope } from '../../platform/context.js';
import { AuditLog } from './audit-log.entity.js';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

/** Stages an audit row in the scope's unit of work; it commits with the change it describes. */
export function audit(scope: Scope, workspaceId: string, entry: AuditEntry): AuditLog {
  const { actor } = scope;
  const log = scope.em.create(AuditLog, {
    workspace: workspaceId,
    actorType: { user: 'USER', customer: 'CUSTOMER', apiKey: 'API_KEY', system: 'SYSTEM', anonymous: 'SYSTEM' }[actor.kind],
    actorId: actor.kind === 'user' ? actor.userId : actor.kind === 'customer' ? actor.contactId : actor.kind === 'apiKey' ? actor.keyId : null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: scope.ip ?? null,
    requestId: scope.requestId,
    metadata: entry.metadata ?? null,
    createdAt: new Date(),
  });
  scope.em.persist(log);
  return log;
}
