import { IsOptional, MaxLength } from 'class-validator';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { ConnectionType, DEFAULT_PAGE_SIZE, ForwardPageArgs, type Connection } from '../../platform/pagination.js';
import { validateArgs } from '../../platform/validation.js';
import { CannedReply } from './canned-reply.entity.js';
import { CreateCannedReplyInput, UpdateCannedReplyInput } from './canned-reply.inputs.js';
import { CannedReplyService } from './canned-reply.service.js';

export const CannedReplyConnection = ConnectionType(CannedReply);

@ArgsType()
class CannedReplyPageArgs extends ForwardPageArgs {
  @Field(() => String, { nullable: true, description: 'The start of a shortcut (with or without its slash), or words of the title or text.' })
  @IsOptional()
  @MaxLength(200)
  search?: string;
}

// Staff only: API keys and customers never see an agent's saved replies.
@Resolver(() => CannedReply)
export class CannedReplyResolver {
  @Authorized(STAFF)
  @Query(() => CannedReplyConnection, { description: 'The workspace’s shared replies and your personal ones, by shortcut.' })
  cannedReplies(@Args({ validateFn: validateArgs }) { first, after, search }: CannedReplyPageArgs, @Ctx() ctx: Context): Promise<Connection<CannedReply>> {
    return new CannedReplyService(ctx).list(search, first ?? DEFAULT_PAGE_SIZE, after);
  }

  @Authorized(STAFF)
  @Query(() => String, { description: 'A canned reply’s text for a conversation, its placeholders filled (contact, you, the workspace).' })
  renderCannedReply(@Arg('id', () => ID) id: string, @Arg('conversationId', () => ID) conversationId: string, @Ctx() ctx: Context): Promise<string> {
    return new CannedReplyService(ctx).render(id, conversationId);
  }

  @Authorized(STAFF)
  @Mutation(() => CannedReply, { description: 'Saves a reply: personal for anyone, shared with the workspace for admins.' })
  createCannedReply(@Arg('input', { validateFn: validateArgs }) input: CreateCannedReplyInput, @Ctx() ctx: Context): Promise<CannedReply> {
    return new CannedReplyService(ctx).create(input);
  }

  @Authorized(STAFF)
  @Mutation(() => CannedReply, { description: 'Your personal replies; shared ones for admins.' })
  updateCannedReply(
    @Arg('id', () => ID) id: string,
    @Arg('input', { validateFn: validateArgs }) input: UpdateCannedReplyInput,
    @Ctx() ctx: Context,
  ): Promise<CannedReply> {
    return new CannedReplyService(ctx).update(id, input);
  }

  @Authorized(STAFF)
  @Mutation(() => Boolean, { description: 'Your personal replies; shared ones for admins.' })
  deleteCannedReply(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return new CannedReplyService(ctx).delete(id);
  }

  @FieldResolver(() => Boolean, { description: 'true: only its owner (you) sees it.' })
  personal(@Root() reply: Readonly<CannedReply>): boolean {
    return reply.owner != null;
  }
}
