import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { STAFF, STAFF_OR_CUSTOMER } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { User } from '../auth/index.js';
import { Message } from './message.entity.js';
import { SendMessageInput } from './message.inputs.js';
import { MessageService } from './message.service.js';
import { validateArgs } from '../../platform/validation.js';

@Resolver(() => Message)
export class MessageResolver {
  @Authorized(STAFF_OR_CUSTOMER)
  @Mutation(() => Message, { description: 'Sends a message as the signed-in agent or the customer of the conversation.' })
  sendMessage(@Arg('input', { validateFn: validateArgs }) input: SendMessageInput, @Ctx() ctx: Context): Promise<Message> {
    return new MessageService(ctx).send(input);
  }

  @Authorized(STAFF)
  @Mutation(() => Message, {
    description:
      'Adds a private note to the conversation: staff see it in the timeline (kind NOTE), the customer and the assistant never do. Colleagues @mentioned by name or email local part ("@Ann Lee", "@ann") are notified.',
  })
  addNote(@Arg('input', { validateFn: validateArgs }) input: SendMessageInput, @Ctx() ctx: Context): Promise<Message> {
    return new MessageService(ctx).addNote(input);
  }

  @FieldResolver(() => [User], { description: 'Notes: the colleagues it @mentions (empty for other messages).' })
  async mentions(@Root() message: Readonly<Message>, @Ctx() ctx: Context): Promise<User[]> {
    if (ctx.actor.kind === 'customer' || !message.mentions?.length) return [];
    const users = await Promise.all(message.mentions.map((id) => ctx.loaders.user.load(id)));
    return users.filter((u): u is User => u != null);
  }

  @FieldResolver(() => ID)
  conversationId(@Root() message: Readonly<Message>): string {
    return message.conversation.id;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The agent who wrote it (AGENT messages only).' })
  author(@Root() message: Readonly<Message>, @Ctx() ctx: Context): Promise<User | null> | null {
    if (ctx.actor.kind !== 'user' || !message.authorUser) return null;
    return ctx.loaders.user.load(message.authorUser.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Display name of the agent who wrote it (AGENT messages), for everyone who can read the message, customers included.',
  })
  async authorName(@Root() message: Readonly<Message>, @Ctx() ctx: Context): Promise<string | null> {
    if (!message.authorUser) return null;
    return (await ctx.loaders.user.load(message.authorUser.id))?.name ?? null;
  }
}
