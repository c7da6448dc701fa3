// Roles for type-graphql's @Authorized: staff roles from the access token,
// and CUSTOMER for a widget token (which reaches one conversation only).
import type { AuthChecker } from 'type-graphql';
import type { Context } from './context.js';
import { forbidden, unauthenticated } from './errors.js';

export const Roles = {
  ADMIN: 'ADMIN',
  AGENT: 'AGENT',
  CUSTOMER: 'CUSTOMER',
} as const;
export type RoleName = (typeof Roles)[keyof typeof Roles];

export const STAFF: RoleName[] = [Roles.ADMIN, Roles.AGENT];
export const ADMIN_ONLY: RoleName[] = [Roles.ADMIN];
export const STAFF_OR_CUSTOMER: RoleName[] = [Roles.ADMIN, Roles.AGENT, Roles.CUSTOMER];

/** Lets API keys with this scope through where staff roles are required. */
export const scope = (name: string) => `scope:${name}` as RoleName;

export const authChecker: AuthChecker<Context, RoleName> = ({ context }, roles) => {
  const { actor } = context;
  if (actor.kind === 'anonymous') throw unauthenticated();
  if (actor.kind === 'system') throw forbidden();
  if (actor.kind === 'apiKey') {
    if (roles.some((r) => r.startsWith('scope:') && actor.scopes.includes(r.slice(6)))) return true;
    throw forbidden('This API key’s scopes do not include this field');
  }
  const role: RoleName = actor.kind === 'customer' ? Roles.CUSTOMER : actor.role;
  if (roles.length === 0 || roles.includes(role)) return true;
  throw forbidden();
};
