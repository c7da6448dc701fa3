// The audit log: who changed what. Other modules record through `audit`.
export { AuditLog } from './audit-log.entity.js';
export { audit } from './audit.service.js';
