import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ADMIN_ONLY, STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { Workspace } from '../workspaces/index.js';
import { AcceptInviteInput, AuthPayload, Invitation, InviteAgentInput, LogInInput, SignUpInput } from './auth.inputs.js';
import { AuthService } from './auth.service.js';
import { User, UserStatus } from './user.entity.js';
import { staff } from '../../platform/actor.js';

@Resolver(() => User)
export class AuthResolver {
  @Authorized(STAFF)
  @Query(() => [User], { description: 'Everyone on the team who can sign in (active admins and agents), by name: for assigning conversations and tickets.' })
  teamMembers(@Ctx() ctx: Context): Promise<User[]> {
    staff(ctx.actor);
    return ctx.em.find(User, { status: UserStatus.ACTIVE }, { orderBy: { name: 'asc', id: 'asc' }, limit: 500 });
  }

  @Authorized(STAFF)
  @Query(() => User, { description: 'The signed-in staff member.' })
  async me(@Ctx() ctx: Context): Promise<User> {
    const user = await ctx.loaders.user.load(staff(ctx.actor).userId);
    if (!user) throw notFound('User');
    return user;
  }

  @FieldResolver(() => Workspace)
  async workspace(@Root() user: Readonly<User>, @Ctx() ctx: Context): Promise<Workspace> {
    const ws = await ctx.loaders.workspace.load(user.workspace.id);
    if (!ws) throw notFound('Workspace');
    return ws;
  }

  @Query(() => Boolean, {
    description: 'True while the instance has no workspace: `signUp` may create the first one and its admin. Closed for good after that.',
  })
  signUpOpen(@Ctx() ctx: Context): Promise<boolean> {
    return new AuthService(ctx).signUpOpen();
  }

  @Mutation(() => AuthPayload, {
    description: 'Creates the first workspace and its admin. Only allowed on an empty instance.',
  })
  signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return new AuthService(ctx).signUp(input);
  }

  @Mutation(() => AuthPayload)
  logIn(@Arg('input') input: LogInInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return new AuthService(ctx).logIn(input);
  }

  @Mutation(() => AuthPayload, { description: 'Exchanges a refresh token for new tokens; the old one stops working.' })
  refreshToken(@Arg('token') token: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return new AuthService(ctx).refresh(token);
  }

  @Mutation(() => Boolean, { description: 'Revokes the refresh token and every token rotated from the same log-in.' })
  logOut(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<boolean> {
    return new AuthService(ctx).logOut(refreshToken);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Invitation)
  inviteAgent(@Arg('input') input: InviteAgentInput, @Ctx() ctx: Context): Promise<Invitation> {
    return new AuthService(ctx).invite(staff(ctx.actor), input);
  }

  @Mutation(() => AuthPayload)
  acceptInvite(@Arg('input') input: AcceptInviteInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return new AuthService(ctx).acceptInvite(input);
  }
}
