// The GraphQL shapes of live events.
import { createUnionType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/index.js';
import { Conversation, Message } from '../conversations/index.js';
import { Ticket } from '../tickets/index.js';

export enum ParticipantType {
  CUSTOMER = 'CUSTOMER',
  AGENT = 'AGENT',
  AI = 'AI',
}
registerEnumType(ParticipantType, { name: 'ParticipantType' });

export enum PresenceStatusEnum {
  ONLINE = 'ONLINE',
  AWAY = 'AWAY',
  OFFLINE = 'OFFLINE',
}
registerEnumType(PresenceStatusEnum, { name: 'PresenceStatus', description: 'ONLINE while a socket is open, unless set otherwise.' });

export enum NotificationKind {
  ASSIGNED = 'ASSIGNED',
  HANDED_OFF = 'HANDED_OFF',
  MENTIONED = 'MENTIONED',
  UNASSIGNED_HANDOFF = 'UNASSIGNED_HANDOFF',
  WEBHOOK_DISABLED = 'WEBHOOK_DISABLED',
  SLA_BREACHED = 'SLA_BREACHED',
}
registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  valuesConfig: {
    UNASSIGNED_HANDOFF: {
      description: 'A conversation was handed to a human and nobody could be assigned: sent to its team’s members (every agent when it has no team).',
    },
    SLA_BREACHED: {
      description: 'A ticket missed its first response or resolution target: sent to its assignee, or to the admins when it has none. `ticket` says which.',
    },
    WEBHOOK_DISABLED: { description: 'A webhook endpoint was disabled (410 Gone, or failing for days); sent to the workspace’s admins. No conversation.' },
  },
});

@ObjectType({ description: 'Someone taking part in a conversation.' })
export class Participant {
  @Field(() => ParticipantType)
  type!: ParticipantType;

  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType({ description: 'A new message; `message.seq` is what to resume after.' })
export class MessageAdded {
  @Field(() => Message)
  message!: Message;
}

@ObjectType({ description: 'The conversation changed (status, assignee, mode, rating, new activity).' })
export class ConversationUpdated {
  @Field(() => Conversation)
  conversation!: Conversation;

  @Field({ description: 'created, updated, assigned, unassigned, resolved, reopened, handed_off, rated, labeled, unlabeled or message.' })
  change!: string;
}

@ObjectType({ description: 'Ephemeral: someone started or stopped typing.' })
export class TypingChanged {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => Participant)
  who!: Participant;

  @Field()
  isTyping!: boolean;
}

@ObjectType({ description: 'A streamed piece of an AI reply in progress; the final text arrives as MessageAdded.' })
export class AiAnswerChunk {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => Int, { description: 'The customer message being answered.' })
  replyToSeq!: number;

  @Field({ description: 'The next piece of the answer: append it to the text streamed so far for the same `attempt`.' })
  delta!: string;

  @Field(() => ID, {
    description:
      'Which generation attempt this chunk belongs to. An answer whose generation failed midway is generated again under a new attempt: when the attempt changes for a `replyToSeq`, drop the text streamed so far.',
  })
  attempt!: string;
}

@ObjectType()
export class TicketUpdated {
  @Field(() => Ticket)
  ticket!: Ticket;

  @Field({ description: 'created or updated.' })
  change!: string;
}

export const ConversationEvent = createUnionType({
  name: 'ConversationEvent',
  types: () => [MessageAdded, ConversationUpdated, TypingChanged, AiAnswerChunk] as const,
});

export const InboxEvent = createUnionType({
  name: 'InboxEvent',
  types: () => [ConversationUpdated, TicketUpdated] as const,
});

@ObjectType()
export class PresenceChanged {
  @Field(() => User)
  user!: User;

  @Field(() => PresenceStatusEnum)
  status!: PresenceStatusEnum;

  @Field()
  at!: Date;
}

@ObjectType({ description: 'Something that needs this agent’s attention.' })
export class Notification {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field()
  text!: string;

  @Field(() => Conversation, { nullable: true })
  conversation!: Conversation | null;

  @Field(() => Ticket, { nullable: true, description: 'The ticket it is about (SLA_BREACHED).' })
  ticket!: Ticket | null;

  @Field()
  createdAt!: Date;
}

/** Builds an instance so that the unions can tell event types apart. */
export const make = <T extends object>(cls: new () => T, data: T): T => Object.assign(new cls(), data);
