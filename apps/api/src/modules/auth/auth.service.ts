// Sign-up, log-in, rotating refresh tokens and invitations.
import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Scope } from '../../platform/context.js';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../../platform/errors.js';
import type { StaffActor } from '../../platform/actor.js';
import { audit } from '../audit/index.js';
import { Workspace } from '../workspaces/index.js';
import { RefreshToken } from './refresh-token.entity.js';
import { randomToken, sha256 } from './tokens.js';
import { User, UserRole, UserStatus } from './user.entity.js';
import type { AcceptInviteInput, AuthPayload, InviteAgentInput, LogInInput, SignUpInput } from './auth.inputs.js';
import { announceRevocation } from './principals.js';

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
const NO_TENANT = { filters: false } as const;
const normaliseEmail = (email: string) => email.trim().toLowerCase();

// Verifying against a real hash when the user does not exist keeps log-in timing uniform.
let dummyHash: Promise<string> | undefined;

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

export class AuthService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  async signUpOpen(): Promise<boolean> {
    return (await this.em.count(Workspace, {}, NO_TENANT)) === 0;
  }

  async signUp(input: SignUpInput): Promise<AuthPayload> {
    const passwordHash = await hashPassword(input.password);
    const user = await this.em.transactional(async (em) => {
      // Serialise concurrent first sign-ups: only one may create the instance's first workspace.
      await em.execute('select pg_advisory_xact_lock(4242001)');
      if ((await em.count(Workspace, {}, NO_TENANT)) > 0) {
        throw forbidden('Sign-up is closed: this instance already has a workspace. Ask an admin for an invite.');
      }
      const workspace = em.create(Workspace, { name: input.workspaceName.trim() });
      const admin = em.create(User, {
        workspace,
        email: normaliseEmail(input.email),
        name: input.name.trim(),
        role: UserRole.ADMIN,
        status: UserStatus.ACTIVE,
        passwordHash,
      });
      audit({ ...this.scope, em, actor: { kind: 'user', userId: admin.id, workspaceId: workspace.id, role: UserRole.ADMIN } }, workspace.id, {
        action: 'workspace.create',
        targetType: 'Workspace',
        targetId: workspace.id,
      });
      return admin;
    });
    return this.issue(user);
  }

  async logIn(input: LogInInput): Promise<AuthPayload> {
    const user = await this.em.findOne(User, { email: normaliseEmail(input.email) }, NO_TENANT);
    if (!user?.passwordHash || user.status !== UserStatus.ACTIVE) {
      await argon2.verify(await (dummyHash ??= hashPassword(randomToken())), input.password).catch(() => false);
      throw unauthenticated('Wrong email or password');
    }
    if (!(await argon2.verify(user.passwordHash, input.password))) throw unauthenticated('Wrong email or password');
    user.lastLoginAt = new Date();
    user.lastSeenAt = user.lastLoginAt;
    return this.issue(user);
  }

  /** Rotates a refresh token. Presenting a rotated or revoked token revokes its whole family. */
  async refresh(token: string): Promise<AuthPayload> {
    const hash = sha256(token);
    const stored = await this.em.findOne(RefreshToken, { tokenHash: hash }, NO_TENANT);
    if (!stored) throw unauthenticated('Invalid refresh token');
    if (stored.rotatedAt || stored.revokedAt) {
      await this.revokeFamily(stored.familyId);
      throw unauthenticated('Refresh token already used; all sessions from this log-in were signed out');
    }
    if (stored.expiresAt < new Date()) throw unauthenticated('Refresh token expired');
    // Claim the token atomically so that two concurrent refreshes cannot both succeed.
    const claimed = await this.em.nativeUpdate(RefreshToken, { id: stored.id, rotatedAt: null, revokedAt: null }, { rotatedAt: new Date() }, NO_TENANT);
    if (claimed !== 1) {
      await this.revokeFamily(stored.familyId);
      throw unauthenticated('Refresh token already used; all sessions from this log-in were signed out');
    }
    const user = await this.em.findOne(User, { id: stored.user.id }, NO_TENANT);
    if (!user || user.status !== UserStatus.ACTIVE) throw unauthenticated('Account is not active');
    user.lastSeenAt = new Date();
    return this.issue(user, stored.familyId);
  }

  async logOut(token: string): Promise<boolean> {
    const stored = await this.em.findOne(RefreshToken, { tokenHash: sha256(token) }, NO_TENANT);
    if (!stored) return false;
    await this.revokeFamily(stored.familyId);
    return true;
  }

  async invite(actor: StaffActor, input: InviteAgentInput) {
    const email = normaliseEmail(input.email);
    if (await this.em.findOne(User, { email }, NO_TENANT)) throw conflict('A user with this email already exists');
    const inviteToken = randomToken();
    const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
    const user = this.em.create(User, {
      workspace: actor.workspaceId,
      email,
      name: input.name.trim(),
      role: input.role,
      status: UserStatus.INVITED,
      inviteTokenHash: sha256(inviteToken),
      inviteExpiresAt: expiresAt,
    });
    audit(this.scope, actor.workspaceId, { action: 'user.invite', targetType: 'User', targetId: user.id, metadata: { email, role: input.role } });
    try {
      await this.em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw conflict('A user with this email already exists');
      throw err;
    }
    return { user, inviteToken, expiresAt };
  }

  async acceptInvite(input: AcceptInviteInput): Promise<AuthPayload> {
    const user = await this.em.findOne(User, { inviteTokenHash: sha256(input.token) }, NO_TENANT);
    if (!user || user.status !== UserStatus.INVITED) throw notFound('Invitation');
    if (!user.inviteExpiresAt || user.inviteExpiresAt < new Date()) throw badInput('Invitation expired', 'token');
    user.passwordHash = await hashPassword(input.password);
    user.status = UserStatus.ACTIVE;
    user.inviteTokenHash = null;
    user.inviteExpiresAt = null;
    if (input.name) user.name = input.name.trim();
    return this.issue(user);
  }

  /** Tokens for a user who has just proven who they are another way (a password reset). */
  signIn(user: User): Promise<AuthPayload> {
    user.lastLoginAt = new Date();
    user.lastSeenAt = user.lastLoginAt;
    return this.issue(user);
  }

  /** Ends a session: its refresh tokens, and (through its `sid`) every access token and socket it issued. */
  private async revokeFamily(familyId: string) {
    await this.em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() }, NO_TENANT);
    announceRevocation(this.scope.deps, { kind: 'session', id: familyId });
  }

  /** Issues an access token and a new refresh token, flushing pending changes with it. */
  private async issue(user: User, familyId: string = randomUUID()): Promise<AuthPayload> {
    const { config, tokens } = this.scope.deps;
    const refreshToken = randomToken();
    this.em.create(RefreshToken, {
      workspace: user.workspace.id,
      user: user.id,
      tokenHash: sha256(refreshToken),
      familyId,
      expiresAt: new Date(Date.now() + config.refreshTokenTtlDays * 86400_000),
    });
    await this.em.flush();
    const accessToken = await tokens.signAccess({ id: user.id, workspaceId: user.workspace.id, role: user.role, sessionId: familyId });
    return {
      accessToken,
      refreshToken,
      accessTokenExpiresAt: new Date(Date.now() + config.accessTokenTtlSeconds * 1000),
      user,
    };
  }
}
