// Team administration: the roster, roles, deactivation, invitations and
// passwords. Every admin action is audited, and a workspace always keeps at
// least one active admin.
import argon2 from 'argon2';
import type { EntityManager } from '@mikro-orm/core';
import type { Scope } from '../../platform/context.js';
import { badInput, conflict, notFound } from '../../platform/errors.js';
import type { StaffActor } from '../../platform/actor.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, toConnection, type Connection } from '../../platform/pagination.js';
import { audit } from '../audit/index.js';
import { hashPassword } from './auth.service.js';
import { RefreshToken } from './refresh-token.entity.js';
import { randomToken, sha256 } from './tokens.js';
import { User, UserRole, UserStatus } from './user.entity.js';
import type { Invitation } from './auth.inputs.js';
import type { ChangePasswordInput, PasswordResetLink, TeamRosterArgs } from './team.inputs.js';
import { announceRevocation } from './principals.js';

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
const RESET_TTL_MS = 24 * 3600 * 1000;
const NO_TENANT = { filters: false } as const;
// Serialises role changes and deactivations per workspace, so two admins
// demoting each other at once cannot leave the workspace without one.
const ADMIN_LOCK = 4242002;

export class TeamService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  async roster(args: TeamRosterArgs): Promise<Connection<User>> {
    const limit = args.first ?? DEFAULT_PAGE_SIZE;
    const where: Record<string, unknown> = {};
    if (args.statuses?.length) where.status = { $in: args.statuses };
    if (args.after) {
      const [name, id] = decodeCursor<[string, string]>(args.after, (p) => p.length === 2 && p.every((x) => typeof x === 'string'));
      where.$or = [{ name: { $gt: name } }, { name, id: { $gt: id } }];
    }
    const rows = await this.em.find(User, where, { orderBy: { name: 'asc', id: 'asc' }, limit: limit + 1 });
    return toConnection(rows, limit, (u) => encodeCursor([u.name, u.id]), Boolean(args.after));
  }

  /** A member of the caller's workspace; NOT_FOUND for anyone else. */
  private async member(actor: StaffActor, userId: string, em: EntityManager = this.em): Promise<User> {
    const user = await em.findOne(User, { id: userId, workspace: actor.workspaceId });
    if (!user) throw notFound('User');
    return user;
  }

  async changeRole(actor: StaffActor, userId: string, role: UserRole): Promise<User> {
    return this.changed(userId, () =>
      this.em.transactional(async (em) => {
        await em.execute(`select pg_advisory_xact_lock(${ADMIN_LOCK}, hashtext(?))`, [actor.workspaceId]);
        const user = await this.member(actor, userId, em);
        if (user.role === role) return user;
        if (user.role === UserRole.ADMIN) await this.keepAnAdmin(em, user);
        const from = user.role;
        user.role = role;
        audit({ ...this.scope, em }, actor.workspaceId, { action: 'user.role_change', targetType: 'User', targetId: user.id, metadata: { from, to: role } });
        return user;
      }),
    );
  }

  async deactivate(actor: StaffActor, userId: string): Promise<User> {
    if (userId === actor.userId) throw badInput('You cannot deactivate your own account', 'userId');
    return this.changed(userId, () =>
      this.em.transactional(async (em) => {
        await em.execute(`select pg_advisory_xact_lock(${ADMIN_LOCK}, hashtext(?))`, [actor.workspaceId]);
        const user = await this.member(actor, userId, em);
        if (user.status === UserStatus.INVITED) throw badInput('Revoke the invitation instead', 'userId');
        if (user.status === UserStatus.DISABLED) return user;
        if (user.role === UserRole.ADMIN) await this.keepAnAdmin(em, user);
        user.status = UserStatus.DISABLED;
        user.deactivatedAt = new Date();
        user.passwordResetTokenHash = null;
        user.passwordResetExpiresAt = null;
        await em.nativeUpdate(RefreshToken, { user: user.id, revokedAt: null }, { revokedAt: new Date() }, NO_TENANT);
        audit({ ...this.scope, em }, actor.workspaceId, { action: 'user.deactivate', targetType: 'User', targetId: user.id });
        return user;
      }),
    );
  }

  async reactivate(actor: StaffActor, userId: string): Promise<User> {
    const user = await this.member(actor, userId);
    if (user.status !== UserStatus.DISABLED) return user;
    user.status = UserStatus.ACTIVE;
    user.deactivatedAt = null;
    audit(this.scope, actor.workspaceId, { action: 'user.reactivate', targetType: 'User', targetId: user.id });
    await this.em.flush();
    this.revoked(user.id);
    return user;
  }

  /**
   * Runs a change to a member's role or status, then tells every node: cached
   * verdicts about them are dropped, and their open sockets are re-checked
   * (deactivated: closed 4403; role changed: closed 4401 to refresh).
   */
  private async changed<T>(userId: string, change: () => Promise<T>): Promise<T> {
    const result = await change();
    this.revoked(userId);
    return result;
  }

  private revoked(userId: string) {
    announceRevocation(this.scope.deps, { kind: 'user', id: userId });
  }

  async revokeInvitation(actor: StaffActor, userId: string): Promise<boolean> {
    const user = await this.member(actor, userId);
    if (user.status !== UserStatus.INVITED) throw badInput('This person has already accepted the invitation', 'userId');
    audit(this.scope, actor.workspaceId, { action: 'user.invite_revoke', targetType: 'User', targetId: user.id, metadata: { email: user.email } });
    this.em.remove(user);
    await this.em.flush();
    return true;
  }

  /** A fresh token and expiry; the previous token stops working. */
  async resendInvitation(actor: StaffActor, userId: string): Promise<Invitation> {
    const user = await this.member(actor, userId);
    if (user.status !== UserStatus.INVITED) throw badInput('This person has already accepted the invitation', 'userId');
    const inviteToken = randomToken();
    user.inviteTokenHash = sha256(inviteToken);
    user.inviteExpiresAt = new Date(Date.now() + INVITE_TTL_MS);
    audit(this.scope, actor.workspaceId, { action: 'user.invite_resend', targetType: 'User', targetId: user.id });
    await this.em.flush();
    return { user, inviteToken, expiresAt: user.inviteExpiresAt };
  }

  /** For deployments without email: an admin hands the member a one-time link. */
  async createPasswordResetLink(actor: StaffActor, userId: string): Promise<PasswordResetLink> {
    const user = await this.member(actor, userId);
    if (user.status !== UserStatus.ACTIVE) throw badInput('Only active members can reset their password', 'userId');
    const resetToken = randomToken();
    user.passwordResetTokenHash = sha256(resetToken);
    user.passwordResetExpiresAt = new Date(Date.now() + RESET_TTL_MS);
    audit(this.scope, actor.workspaceId, { action: 'user.password_reset_link', targetType: 'User', targetId: user.id });
    await this.em.flush();
    return { user, resetToken, expiresAt: user.passwordResetExpiresAt };
  }

  /** Sets a new password from a reset token and signs every existing session out. Returns the user to sign in. */
  async resetPassword(token: string, password: string): Promise<User> {
    const user = await this.em.findOne(User, { passwordResetTokenHash: sha256(token) }, NO_TENANT);
    if (!user || user.status !== UserStatus.ACTIVE) throw notFound('Password reset');
    if (!user.passwordResetExpiresAt || user.passwordResetExpiresAt < new Date()) throw badInput('Password reset link expired', 'token');
    user.passwordHash = await hashPassword(password);
    user.passwordResetTokenHash = null;
    user.passwordResetExpiresAt = null;
    await this.em.nativeUpdate(RefreshToken, { user: user.id, revokedAt: null }, { revokedAt: new Date() }, NO_TENANT);
    audit({ ...this.scope, actor: { kind: 'user', userId: user.id, workspaceId: user.workspace.id, role: user.role } }, user.workspace.id, {
      action: 'user.password_reset',
      targetType: 'User',
      targetId: user.id,
    });
    return user;
  }

  async changePassword(actor: StaffActor, input: ChangePasswordInput): Promise<boolean> {
    const user = await this.member(actor, actor.userId);
    if (!user.passwordHash || !(await argon2.verify(user.passwordHash, input.currentPassword))) {
      throw badInput('The current password is wrong', 'currentPassword');
    }
    user.passwordHash = await hashPassword(input.newPassword);
    audit(this.scope, actor.workspaceId, { action: 'user.password_change', targetType: 'User', targetId: user.id });
    await this.em.flush();
    return true;
  }

  /** Throws CONFLICT when `user` is the workspace's last active admin. */
  private async keepAnAdmin(em: EntityManager, user: User) {
    const others = await em.count(User, { workspace: user.workspace.id, role: UserRole.ADMIN, status: UserStatus.ACTIVE, id: { $ne: user.id } });
    if (user.status === UserStatus.ACTIVE && others === 0) {
      throw conflict('The last active admin cannot be demoted or deactivated; make someone else an admin first');
    }
  }
}
