import { IsUUID } from 'class-validator';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ADMIN_ONLY, scope, STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { validateArgs } from '../../platform/validation.js';
import { Conversation } from '../conversations/index.js';
import { Label } from './label.entity.js';
import { CreateLabelInput, UpdateLabelInput } from './label.inputs.js';
import { conversationLabelsLoader, LabelService, openConversationCountLoader } from './label.service.js';

@ArgsType()
class ConversationLabelArgs {
  @Field(() => ID)
  @IsUUID()
  conversationId!: string;

  @Field(() => ID)
  @IsUUID()
  labelId!: string;
}

@Resolver(() => Label)
export class LabelResolver {
  @Authorized([...STAFF, scope('conversations:read')])
  @Query(() => [Label], { description: 'The workspace’s labels, alphabetical.' })
  labels(@Ctx() ctx: Context): Promise<Label[]> {
    return new LabelService(ctx).list();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Label, { description: 'Admins: a new workspace label (audited).' })
  createLabel(@Arg('input', { validateFn: validateArgs }) input: CreateLabelInput, @Ctx() ctx: Context): Promise<Label> {
    return new LabelService(ctx).create(input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Label, { description: 'Admins: renames or recolours a label (audited).' })
  updateLabel(@Arg('id', () => ID) id: string, @Arg('input', { validateFn: validateArgs }) input: UpdateLabelInput, @Ctx() ctx: Context): Promise<Label> {
    return new LabelService(ctx).update(id, input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Boolean, { description: 'Admins: deletes a label and takes it off every conversation (audited).' })
  deleteLabel(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return new LabelService(ctx).delete(id);
  }

  @Authorized(STAFF)
  @Mutation(() => Conversation, { description: 'Puts a label on a conversation; already there is not an error.' })
  addConversationLabel(@Args({ validateFn: validateArgs }) { conversationId, labelId }: ConversationLabelArgs, @Ctx() ctx: Context): Promise<Conversation> {
    return new LabelService(ctx).label(conversationId, labelId);
  }

  @Authorized(STAFF)
  @Mutation(() => Conversation, { description: 'Takes a label off a conversation; not there is not an error.' })
  removeConversationLabel(@Args({ validateFn: validateArgs }) { conversationId, labelId }: ConversationLabelArgs, @Ctx() ctx: Context): Promise<Conversation> {
    return new LabelService(ctx).unlabel(conversationId, labelId);
  }

  @FieldResolver(() => Int, { description: 'Conversations with this label that are not resolved (OPEN or PENDING).' })
  openConversations(@Root() label: Readonly<Label>, @Ctx() ctx: Context): Promise<number> {
    return openConversationCountLoader(ctx).load(label.id);
  }
}

@Resolver(() => Conversation)
export class ConversationLabelsResolver {
  @FieldResolver(() => [Label], { description: 'Its labels, alphabetical. Staff and API keys only: a customer gets an empty list.' })
  labels(@Root() conversation: Readonly<Conversation>, @Ctx() ctx: Context): Promise<Label[]> | Label[] {
    if (ctx.actor.kind === 'customer') return [];
    return conversationLabelsLoader(ctx).load(conversation.id);
  }
}
