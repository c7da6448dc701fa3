// Alerts: rules evaluated in-process, records admins acknowledge and resolve.
export { Alert, AlertSeverity, AlertStatus } from './alert.entity.js';
export { AlertMonitor } from './alert.monitor.js';
export { AlertResolver } from './alert.resolver.js';
export { rules as alertRules } from './alert.rules.js';
