import { type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { Conversation, Priority } from '../conversations/index.js';
import { MutableTenantEntity } from '../workspaces/index.js';

export enum TicketStatus {
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}
registerEnumType(TicketStatus, { name: 'TicketStatus' });

@ObjectType({ description: 'A tracked piece of work, optionally raised from a conversation.' })
@Entity()
@TenantScoped()
@Index({ properties: ['workspace', 'createdAt', 'id'] })
@Index({ properties: ['workspace', 'status'] })
export class Ticket extends MutableTenantEntity<
  'status' | 'priority' | 'firstResponseDueAt' | 'firstRespondedAt' | 'firstResponseBreachedAt' | 'resolutionBreachedAt'
> {
  @Field()
  @Property({ length: 200 })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => TicketStatus)
  @Enum(() => TicketStatus)
  status: TicketStatus = TicketStatus.OPEN;

  @Field(() => Priority)
  @Enum(() => Priority)
  priority: Priority = Priority.NORMAL;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  assignee?: Ref<User> | null;

  @ManyToOne(() => Contact, { ref: true, nullable: true, deleteRule: 'set null' })
  requester?: Ref<Contact> | null;

  @ManyToOne(() => Conversation, { ref: true, nullable: true, deleteRule: 'set null' })
  conversation?: Ref<Conversation> | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When it must be resolved: from the SLA policy of its priority (business hours and holidays counted), or set by hand.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  dueAt?: Date | null;

  /** When the first public reply is due (SLA policy of its priority). */
  @Property({ type: 'timestamptz', nullable: true })
  firstResponseDueAt?: Date | null;

  /** The first public reply by an agent. */
  @Property({ type: 'timestamptz', nullable: true })
  firstRespondedAt?: Date | null;

  /** Set once, when the first response target was missed. */
  @Property({ type: 'timestamptz', nullable: true })
  firstResponseBreachedAt?: Date | null;

  /** Set once, when the resolution target (dueAt) was missed. */
  @Property({ type: 'timestamptz', nullable: true })
  resolutionBreachedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;
}
