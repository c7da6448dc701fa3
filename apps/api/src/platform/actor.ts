// Who is making a request. Services receive an Actor, never a GraphQL context.
import { forbidden, unauthenticated } from './errors.js';

/** A staff member's role (the auth module's UserRole enum has these values). */
export type StaffRole = 'ADMIN' | 'AGENT';

export type Actor =
  | { kind: 'anonymous' }
  /** `sessionId`: the refresh-token family the access token came from; `expiresAt`: ms since the epoch. */
  | { kind: 'user'; userId: string; workspaceId: string; role: StaffRole; sessionId?: string; expiresAt?: number }
  | { kind: 'customer'; contactId: string; conversationId: string; workspaceId: string; expiresAt?: number }
  /** A partner's API key: only its workspace, only its scopes. */
  | { kind: 'apiKey'; keyId: string; workspaceId: string; scopes: string[] }
  /** Background jobs acting within one workspace (never reaches GraphQL). */
  | { kind: 'system'; workspaceId: string };

export type StaffActor = Extract<Actor, { kind: 'user' }>;

/** The workspace a signed-in user or API key acts in. */
export function workspaceActor(actor: Actor): { workspaceId: string } {
  if (actor.kind === 'user' || actor.kind === 'apiKey') return actor;
  if (actor.kind === 'anonymous') throw unauthenticated();
  throw forbidden();
}

/** Narrows to a staff actor (the auth checker has normally already ensured it). */
export function staff(actor: Actor): StaffActor {
  if (actor.kind === 'anonymous') throw unauthenticated();
  if (actor.kind !== 'user') throw forbidden();
  return actor;
}
