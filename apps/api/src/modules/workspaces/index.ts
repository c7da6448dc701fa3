// The workspaces module's public surface: the tenant and the base every
// workspace-owned entity extends.
export { newWidgetKey, Workspace } from './workspace.entity.js';
export { MutableTenantEntity, TenantEntity } from './tenant-entity.js';
