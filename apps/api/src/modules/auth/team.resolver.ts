import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ADMIN_ONLY, STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { ConnectionType, type Connection } from '../../platform/pagination.js';
import { AuthPayload, Invitation } from './auth.inputs.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordInput, PasswordResetLink, ResetPasswordInput, TeamRosterArgs } from './team.inputs.js';
import { TeamService } from './team.service.js';
import { User, UserRole } from './user.entity.js';

const UserConnection = ConnectionType(User);

@Resolver()
export class TeamResolver {
  @Authorized(ADMIN_ONLY)
  @Query(() => UserConnection, {
    description: 'Everyone in the workspace (active, invited, deactivated) with role, status and last seen, by name. For admins.',
  })
  teamRoster(@Args() args: TeamRosterArgs, @Ctx() ctx: Context): Promise<Connection<User>> {
    staff(ctx.actor);
    return new TeamService(ctx).roster(args);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => User, { description: 'Makes a member an admin or an agent. The last active admin cannot be demoted (CONFLICT).' })
  changeRole(@Arg('userId', () => ID) userId: string, @Arg('role', () => UserRole) role: UserRole, @Ctx() ctx: Context): Promise<User> {
    return new TeamService(ctx).changeRole(staff(ctx.actor), userId, role);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => User, {
    description:
      'Locks a member out at once: their sessions are revoked, log-in and refresh are refused, their access tokens stop working. The last active admin cannot be deactivated (CONFLICT).',
  })
  deactivateUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<User> {
    return new TeamService(ctx).deactivate(staff(ctx.actor), userId);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => User, { description: 'Lets a deactivated member sign in again (with their previous password).' })
  reactivateUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<User> {
    return new TeamService(ctx).reactivate(staff(ctx.actor), userId);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Boolean, { description: 'Withdraws a pending invitation; its token stops working.' })
  revokeInvitation(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<boolean> {
    return new TeamService(ctx).revokeInvitation(staff(ctx.actor), userId);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Invitation, { description: 'Issues a new invitation token (valid 7 days) for a pending invitation; the previous token stops working.' })
  resendInvitation(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<Invitation> {
    return new TeamService(ctx).resendInvitation(staff(ctx.actor), userId);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => PasswordResetLink, {
    description: 'A one-time password reset token (valid 24 hours) to hand to an active member, for deployments without email.',
  })
  createPasswordResetLink(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<PasswordResetLink> {
    return new TeamService(ctx).createPasswordResetLink(staff(ctx.actor), userId);
  }

  @Mutation(() => AuthPayload, { description: 'Sets a new password with a reset token, signs out every other session and signs in.' })
  async resetPassword(@Arg('input') input: ResetPasswordInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    const user = await new TeamService(ctx).resetPassword(input.token, input.password);
    return new AuthService(ctx).signIn(user);
  }

  @Authorized(STAFF)
  @Mutation(() => Boolean, { description: 'Changes the signed-in member’s own password (BAD_USER_INPUT when the current one is wrong).' })
  changePassword(@Arg('input') input: ChangePasswordInput, @Ctx() ctx: Context): Promise<boolean> {
    return new TeamService(ctx).changePassword(staff(ctx.actor), input);
  }
}
