import { IsEnum, IsInt, IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { SearchEdgeFields } from './conversation-search.js';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Roles, scope, STAFF, STAFF_OR_CUSTOMER } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { ConnectionType, DEFAULT_PAGE_SIZE, ForwardPageArgs, type Connection } from '../../platform/pagination.js';
import { User } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { Message } from './message.entity.js';
import { MessagePageArgs } from './message.inputs.js';
import { MessageService } from './message.service.js';
import { Conversation, ConversationStatus, HandoffReason, toHandoffReason } from './conversation.entity.js';
import { ConversationFilter, InboxCounts, StartConversationInput, StartConversationPayload, WidgetInfo } from './conversation.inputs.js';
import { ConversationService } from './conversation.service.js';
import { validateArgs } from '../../platform/validation.js';

export const ConversationConnection = ConnectionType(Conversation, 'Conversation', SearchEdgeFields);
export const MessageConnection = ConnectionType(Message);

@ArgsType()
class RateConversationArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => Int, { description: '1 (bad) to 5 (great).' })
  @IsInt()
  @Min(1)
  @Max(5)
  score!: number;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2000)
  comment?: string;
}

@ArgsType()
class SetStatusArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => ConversationStatus)
  @IsEnum(ConversationStatus)
  status!: ConversationStatus;
}

// Field resolvers type their root as Readonly<Entity>: the emitted metadata is
// then `Object`, so type-graphql passes list rows through as they are instead
// of copying each one into a new entity instance per field.
@Resolver(() => Conversation)
export class ConversationResolver {
  @Authorized([...STAFF, scope('conversations:read')])
  @Query(() => ConversationConnection, { description: 'The inbox, most recent activity first; with `filter.search`, the best matches first.' })
  conversations(
    @Args({ validateFn: validateArgs }) page: ForwardPageArgs,
    @Arg('filter', () => ConversationFilter, { nullable: true, validateFn: validateArgs }) filter: ConversationFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Conversation>> {
    return new ConversationService(ctx).list(filter, page.first ?? DEFAULT_PAGE_SIZE, page.after);
  }

  @Authorized(STAFF)
  @Query(() => InboxCounts, { description: 'How many conversations each inbox filter holds, for the whole workspace.' })
  inboxCounts(@Ctx() ctx: Context): Promise<InboxCounts> {
    return new ConversationService(ctx).counts();
  }

  @Authorized([...STAFF_OR_CUSTOMER, scope('conversations:read')])
  @Query(() => Conversation)
  conversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).get(id);
  }

  @Query(() => WidgetInfo, { description: 'Checks a widget key before a chat starts (NOT_FOUND if unknown); no account needed.' })
  widget(@Arg('widgetKey') widgetKey: string, @Ctx() ctx: Context): Promise<WidgetInfo> {
    return new ConversationService(ctx).widget(widgetKey);
  }

  @Mutation(() => StartConversationPayload, { description: 'Starts a chat from the widget; no account needed.' })
  startConversation(@Arg('input') input: StartConversationInput, @Ctx() ctx: Context): Promise<StartConversationPayload> {
    return new ConversationService(ctx).start(input);
  }

  @Authorized(STAFF)
  @Mutation(() => Conversation)
  assignConversation(@Arg('id', () => ID) id: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).assign(id, userId);
  }

  @Authorized(STAFF)
  @Mutation(() => Conversation)
  unassignConversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).unassign(id);
  }

  @Authorized(STAFF)
  @Mutation(() => Conversation)
  setConversationStatus(@Args() { id, status }: SetStatusArgs, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).setStatus(id, status);
  }

  @Authorized(STAFF_OR_CUSTOMER)
  @Mutation(() => Conversation, { description: 'Stops the AI and routes the conversation to a human agent.' })
  handOffToHuman(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => HandoffReason, { nullable: true, description: 'Staff only (default agent_request); a customer’s request is always customer_request.' })
    reason: HandoffReason | undefined,
    @Ctx() ctx: Context,
  ): Promise<Conversation> {
    return new ConversationService(ctx).handOff(id, ctx.actor.kind === 'customer' ? 'customer_request' : (reason ?? 'agent_request'));
  }

  @Authorized([Roles.CUSTOMER])
  @Mutation(() => Conversation, {
    description: 'The customer ends the chat from the widget: the conversation is resolved (staff use setConversationStatus). Writing again reopens it.',
  })
  endConversation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).setStatus(id, ConversationStatus.RESOLVED);
  }

  @Authorized(STAFF_OR_CUSTOMER)
  @Mutation(() => Conversation, { description: "Records the customer's satisfaction rating (CSAT)." })
  rateConversation(@Args() { id, score, comment }: RateConversationArgs, @Ctx() ctx: Context): Promise<Conversation> {
    return new ConversationService(ctx).rate(id, { score, comment });
  }

  @FieldResolver(() => HandoffReason, { nullable: true, description: 'Why the conversation was handed to a human.' })
  handoffReason(@Root() c: Readonly<Conversation>): HandoffReason | null {
    return toHandoffReason(c.handoffReason);
  }

  @FieldResolver(() => Contact)
  contact(@Root() conversation: Readonly<Conversation>, @Ctx() ctx: Context): Promise<Contact> {
    // The loader's own promise (no async wrapper: one promise less per row); a
    // missing contact (never, the foreign key cascades) fails as a null in a non-null field.
    return ctx.loaders.contact.load(conversation.contact.id) as Promise<Contact>;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The assigned agent, for staff (customers get null; they see assigneeName).' })
  assignee(@Root() conversation: Readonly<Conversation>, @Ctx() ctx: Context): Promise<User | null> | null {
    // Customers see only the name (assigneeName), never a colleague's email or role.
    if (ctx.actor.kind === 'customer') return null;
    return conversation.assignee ? ctx.loaders.user.load(conversation.assignee.id) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Display name of the assigned agent, for everyone who can read the conversation, customers included (`assignee` is staff-only).',
  })
  async assigneeName(@Root() conversation: Readonly<Conversation>, @Ctx() ctx: Context): Promise<string | null> {
    if (!conversation.assignee) return null;
    return (await ctx.loaders.user.load(conversation.assignee.id))?.name ?? null;
  }

  @FieldResolver(() => Message, { nullable: true })
  lastMessage(@Root() conversation: Readonly<Conversation>, @Ctx() ctx: Context): Promise<Message | null> | null {
    return conversation.lastMessageId ? ctx.loaders.message.load(conversation.lastMessageId) : null;
  }

  @FieldResolver(() => MessageConnection, { description: 'History by seq. Without arguments: the latest 50.' })
  messages(@Root() conversation: Readonly<Conversation>, @Args() args: MessagePageArgs, @Ctx() ctx: Context): Promise<Connection<Message>> {
    return new MessageService(ctx).list(conversation, args);
  }
}
