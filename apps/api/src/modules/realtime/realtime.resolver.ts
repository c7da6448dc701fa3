// Live feeds over graphql-ws. Authorization happens in `subscribe` (once, at
// subscribe time); every event is read fresh and is routed by conversation,
// workspace or user id, so nobody receives another tenant's events. Feeds are
// push sources on the node's TopicHub (one PubSub subscription per channel),
// which sharedSubscribe fans out without per-subscriber iterators.
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription, type ResolverData } from 'type-graphql';
import { STAFF, STAFF_OR_CUSTOMER } from '../../platform/auth-checker.js';
import { staff } from '../../platform/actor.js';
import { useEventScope, type Context } from '../../platform/context.js';
import { topicFeed } from '../../platform/topic-hub.js';
import { badInput, notFound } from '../../platform/errors.js';
import type { InboxEventPayload, NotificationPayload, PresencePayload } from '../../platform/topics.js';
import { ConversationService } from '../conversations/index.js';
import { Ticket } from '../tickets/index.js';
import { conversationFeed, type FeedEvent } from './conversation-feed.js';
import {
  AiAnswerChunk,
  ConversationEvent,
  ConversationUpdated,
  InboxEvent,
  make,
  MessageAdded,
  Notification,
  NotificationKind,
  ParticipantType,
  PresenceChanged,
  PresenceStatusEnum,
  TicketUpdated,
  TypingChanged,
} from './realtime.types.js';
import { RealtimeService } from './realtime.service.js';

type SubscribeData = Omit<ResolverData<Context>, 'root'>;

async function mustLoad<T>(load: Promise<T | null>, what: string): Promise<T> {
  const row = await load;
  if (!row) throw notFound(what);
  return row;
}

@Resolver()
export class RealtimeResolver {
  @Authorized(STAFF_OR_CUSTOMER)
  @Subscription(() => ConversationEvent, {
    description:
      'Messages, changes, typing and streamed AI replies of one conversation. With `afterSeq`, first replays every message after it, in order, then goes live without gaps or duplicates.',
    subscribe: async ({ args, context }: SubscribeData) => {
      const { conversationId, afterSeq } = args as { conversationId: string; afterSeq?: number | null };
      if (afterSeq != null && afterSeq < 0) throw badInput('afterSeq must be 0 or more', 'afterSeq');
      const conversation = await new ConversationService(context).locate(conversationId);
      return conversationFeed(
        context.deps,
        conversation.workspaceId,
        conversation.id,
        afterSeq ?? null,
        context.actor.kind === 'customer' ? 'customer' : 'staff',
      );
    },
  })
  async conversationEvents(
    @Root() event: FeedEvent,
    @Arg('conversationId', () => ID) _conversationId: string,
    @Arg('afterSeq', () => Int, { nullable: true, description: 'The last seq the client has.' }) _afterSeq: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<typeof ConversationEvent> {
    useEventScope(ctx, event);
    switch (event.type) {
      case 'message':
        return make(MessageAdded, { message: event.message ?? (await mustLoad(ctx.loaders.message.load(event.messageId), 'Message')) });
      case 'updated':
        return make(ConversationUpdated, {
          conversation: await mustLoad(ctx.loaders.conversation.load(event.conversationId), 'Conversation'),
          change: event.change,
        });
      case 'typing':
        return make(TypingChanged, {
          conversationId: event.conversationId,
          who: { type: event.who.type as ParticipantType, id: event.who.id, name: event.who.name },
          isTyping: event.isTyping,
        });
      case 'ai_chunk':
        return make(AiAnswerChunk, { conversationId: event.conversationId, replyToSeq: event.replyToSeq, delta: event.delta, attempt: event.attempt });
    }
  }

  @Authorized(STAFF)
  @Subscription(() => InboxEvent, {
    description: 'Every conversation and ticket change in your workspace.',
    subscribe: ({ context }: SubscribeData) => topicFeed(context.deps.pubSub, 'inbox', staff(context.actor).workspaceId),
  })
  async inboxEvents(@Root() event: InboxEventPayload, @Ctx() ctx: Context): Promise<typeof InboxEvent> {
    useEventScope(ctx, event);
    if (event.kind === 'ticket') {
      return make(TicketUpdated, { ticket: await mustLoad(ctx.em.findOne(Ticket, { id: event.ticketId }), 'Ticket'), change: event.change });
    }
    return make(ConversationUpdated, {
      conversation: await mustLoad(ctx.loaders.conversation.load(event.conversationId), 'Conversation'),
      change: event.change,
    });
  }

  @Authorized(STAFF)
  @Subscription(() => PresenceChanged, {
    description: 'Colleagues coming online, going away or offline.',
    subscribe: ({ context }: SubscribeData) => topicFeed(context.deps.pubSub, 'presence', staff(context.actor).workspaceId),
  })
  async presenceChanged(@Root() event: PresencePayload, @Ctx() ctx: Context): Promise<PresenceChanged> {
    useEventScope(ctx, event);
    return make(PresenceChanged, {
      user: await mustLoad(ctx.loaders.user.load(event.userId), 'User'),
      status: event.status as PresenceStatusEnum,
      at: new Date(event.at),
    });
  }

  @Authorized(STAFF)
  @Subscription(() => Notification, {
    description:
      'Your notifications: conversations assigned to you or handed off to you, mentions in notes, handoffs waiting unassigned in your teams; tickets of yours (or, for admins, unassigned ones) that missed an SLA target; for admins, webhook endpoints disabled.',
    subscribe: ({ context }: SubscribeData) => topicFeed(context.deps.pubSub, 'notification', staff(context.actor).userId),
  })
  async notifications(@Root() event: NotificationPayload, @Ctx() ctx: Context): Promise<Notification> {
    useEventScope(ctx, event);
    return make(Notification, {
      id: event.id,
      kind: event.kind as NotificationKind,
      text: event.text,
      conversation: event.conversationId ? await ctx.loaders.conversation.load(event.conversationId) : null,
      ticket: event.ticketId ? await ctx.em.findOne(Ticket, { id: event.ticketId }) : null,
      createdAt: new Date(event.createdAt),
    });
  }

  @Authorized(STAFF_OR_CUSTOMER)
  @Mutation(() => Boolean, { description: 'Ephemeral typing indicator (rate-limited: 20 per 10 s).' })
  setTyping(@Arg('conversationId', () => ID) conversationId: string, @Arg('isTyping') isTyping: boolean, @Ctx() ctx: Context): Promise<boolean> {
    return new RealtimeService(ctx).setTyping(conversationId, isTyping);
  }

  @Authorized(STAFF)
  @Mutation(() => PresenceStatusEnum, { description: 'Sets how colleagues see you while you are connected.' })
  setPresence(@Arg('status', () => PresenceStatusEnum) status: PresenceStatusEnum, @Ctx() ctx: Context): Promise<PresenceStatusEnum> {
    return new RealtimeService(ctx).setPresence(status) as Promise<PresenceStatusEnum>;
  }

  @Authorized(STAFF)
  @Query(() => [PresenceChanged], { description: 'Colleagues online now, with their status.' })
  async teamPresence(@Ctx() ctx: Context): Promise<PresenceChanged[]> {
    const online = await new RealtimeService(ctx).teamPresence();
    const users = await Promise.all(online.map((p) => ctx.loaders.user.load(p.userId)));
    const now = new Date();
    return online.flatMap((p, i) => (users[i] ? [make(PresenceChanged, { user: users[i]!, status: p.status as PresenceStatusEnum, at: now })] : []));
  }
}
