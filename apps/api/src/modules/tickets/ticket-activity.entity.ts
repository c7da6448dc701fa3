import { type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from '../auth/index.js';
import { Message } from '../conversations/index.js';
import { Ticket } from './ticket.entity.js';
import { TenantEntity } from '../workspaces/index.js';

@ObjectType({
  description: 'A comment on a ticket: a public reply (sent to the requester’s conversation when the ticket has one) or an internal note for colleagues.',
})
@Entity()
@TenantScoped()
@Index({ properties: ['ticket', 'createdAt', 'id'] })
export class TicketComment extends TenantEntity {
  @ManyToOne(() => Ticket, { ref: true, deleteRule: 'cascade' })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  author?: Ref<User> | null;

  @Field()
  @Property({ type: 'text' })
  body!: string;

  @Field({ description: 'A public reply (true) or an internal note (false).' })
  @Property({ type: 'boolean' })
  isPublic!: boolean;

  /** The conversation message a public reply was sent as. */
  @ManyToOne(() => Message, { ref: true, nullable: true, deleteRule: 'set null' })
  message?: Ref<Message> | null;
}

export enum TicketEventKind {
  CREATED = 'CREATED',
  STATUS = 'STATUS',
  PRIORITY = 'PRIORITY',
  ASSIGNEE = 'ASSIGNEE',
  DUE_AT = 'DUE_AT',
  FIRST_RESPONSE_BREACHED = 'FIRST_RESPONSE_BREACHED',
  RESOLUTION_BREACHED = 'RESOLUTION_BREACHED',
}
registerEnumType(TicketEventKind, { name: 'TicketEventKind', description: 'What changed in a ticket’s history.' });

@ObjectType({ description: 'One entry of a ticket’s history: what changed, from what, to what, by whom (null: the system).' })
@Entity()
@TenantScoped()
@Index({ properties: ['ticket', 'createdAt', 'id'] })
export class TicketEvent extends TenantEntity {
  @ManyToOne(() => Ticket, { ref: true, deleteRule: 'cascade' })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  actor?: Ref<User> | null;

  @Field(() => TicketEventKind)
  @Enum(() => TicketEventKind)
  kind!: TicketEventKind;

  @Field(() => String, { nullable: true, description: 'The value before (status, priority, assignee id or due time), null when there was none.' })
  @Property({ type: 'text', nullable: true })
  fromValue?: string | null;

  @Field(() => String, { nullable: true, description: 'The value after.' })
  @Property({ type: 'text', nullable: true })
  toValue?: string | null;
}
