import DataLoader from 'dataloader';
import { IsOptional, IsUUID } from 'class-validator';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ADMIN_ONLY, STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { validateArgs } from '../../platform/validation.js';
import { User } from '../auth/index.js';
import { Conversation } from '../conversations/index.js';
import { Team } from './team.entity.js';
import { CreateTeamInput, UpdateTeamInput } from './team.inputs.js';
import { TeamService } from './team.service.js';

@ArgsType()
class TeamMemberArgs {
  @Field(() => ID)
  @IsUUID()
  teamId!: string;

  @Field(() => ID)
  @IsUUID()
  userId!: string;
}

@ArgsType()
class TransferArgs {
  @Field(() => ID)
  @IsUUID()
  conversationId!: string;

  @Field(() => ID, { nullable: true, description: 'The team whose inbox takes it; null takes it out of every team inbox.' })
  @IsOptional()
  @IsUUID()
  teamId?: string | null;
}

@Resolver(() => Team)
export class TeamsResolver {
  @Authorized(STAFF)
  @Query(() => [Team], { description: 'The workspace’s teams, alphabetical.' })
  teams(@Ctx() ctx: Context): Promise<Team[]> {
    return new TeamService(ctx).list();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Team, { description: 'Admins: a new team with its assignment policy and members (audited). Names are unique ignoring case (CONFLICT).' })
  createTeam(@Arg('input', { validateFn: validateArgs }) input: CreateTeamInput, @Ctx() ctx: Context): Promise<Team> {
    return new TeamService(ctx).create(input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Team, { description: 'Admins: renames a team or changes its policy, capacity or default flag (audited).' })
  updateTeam(@Arg('id', () => ID) id: string, @Arg('input', { validateFn: validateArgs }) input: UpdateTeamInput, @Ctx() ctx: Context): Promise<Team> {
    return new TeamService(ctx).update(id, input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Boolean, { description: 'Admins: deletes a team; its conversations leave the team inbox and keep their assignees (audited).' })
  deleteTeam(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return new TeamService(ctx).delete(id);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Team, { description: 'Admins: adds an active member to a team; already a member is not an error (audited).' })
  addTeamMember(@Args({ validateFn: validateArgs }) { teamId, userId }: TeamMemberArgs, @Ctx() ctx: Context): Promise<Team> {
    return new TeamService(ctx).addMember(teamId, userId);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Team, { description: 'Admins: takes a member out of a team; not a member is not an error (audited). Their conversations stay assigned.' })
  removeTeamMember(@Args({ validateFn: validateArgs }) { teamId, userId }: TeamMemberArgs, @Ctx() ctx: Context): Promise<Team> {
    return new TeamService(ctx).removeMember(teamId, userId);
  }

  @Authorized(STAFF)
  @Mutation(() => Conversation, {
    description: 'Moves a conversation to a team’s inbox (audited). One with a human and unassigned is routed at once by the team’s assignment policy.',
  })
  transferConversation(@Args({ validateFn: validateArgs }) { conversationId, teamId }: TransferArgs, @Ctx() ctx: Context): Promise<Conversation> {
    return new TeamService(ctx).transfer(conversationId, teamId ?? null);
  }

  @FieldResolver(() => [User], { description: 'Its members, in the order they joined (the round-robin order).' })
  members(@Root() team: Team, @Ctx() ctx: Context): Promise<User[]> {
    return new TeamService(ctx).members(team);
  }

  @FieldResolver(() => Int, { description: 'Unresolved conversations in its inbox that nobody is assigned to.' })
  waitingConversations(@Root() team: Team, @Ctx() ctx: Context): Promise<number> {
    return new TeamService(ctx).waiting(team);
  }
}

@Resolver(() => Conversation)
export class ConversationTeamResolver {
  @FieldResolver(() => Team, { nullable: true, description: 'The team whose inbox holds it. Staff and API keys only: a customer gets null.' })
  async team(@Root() conversation: Readonly<Conversation>, @Ctx() ctx: Context): Promise<Team | null> {
    if (ctx.actor.kind === 'customer' || !conversation.team) return null;
    return teamLoader(ctx).load(conversation.team.id);
  }
}

// Keyed by the EntityManager fork: one per request, and one per event for subscriptions.
const loaders = new WeakMap<object, DataLoader<string, Team | null>>();

function teamLoader(ctx: Context): DataLoader<string, Team | null> {
  let loader = loaders.get(ctx.em);
  if (!loader) {
    loader = new DataLoader<string, Team | null>(async (ids) => {
      const teams = await ctx.em.find(Team, { id: { $in: [...ids] } });
      return ids.map((id) => teams.find((t) => t.id === id) ?? null);
    });
    loaders.set(ctx.em, loader);
  }
  return loader;
}
