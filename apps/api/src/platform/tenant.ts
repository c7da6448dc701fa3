// Tenant isolation, enforced once: every tenant-owned entity carries this
// default-on filter, and each request's EntityManager fork sets its workspace.
// A fork without the parameter fails loudly instead of reading across tenants.
import { Filter } from '@mikro-orm/decorators/legacy';

export const WORKSPACE_FILTER = 'workspace';

export const TenantScoped = () =>
  Filter({
    name: WORKSPACE_FILTER,
    cond: (args) => ({ workspace: args.id }),
    default: true,
  });
