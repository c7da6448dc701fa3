import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ADMIN_ONLY, scope, STAFF } from '../../platform/auth-checker.js';
import { validateArgs } from '../../platform/validation.js';
import { Conversation, Priority } from '../conversations/index.js';
import { BusinessCalendar, SlaPolicy } from './sla.entity.js';
import { BusinessHoursInput, SlaPolicyInput } from './sla.inputs.js';
import { SlaService, SlaSettings, slaView, TicketSla } from './sla.service.js';
import { TicketComment, TicketEvent } from './ticket-activity.entity.js';
import type { Context } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { ConnectionType, DEFAULT_PAGE_SIZE, ForwardPageArgs, type Connection } from '../../platform/pagination.js';
import { User } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { Ticket } from './ticket.entity.js';
import { AddTicketCommentInput, CreateTicketInput, TicketFilter, UpdateTicketInput } from './ticket.inputs.js';
import { TicketService } from './ticket.service.js';

const TicketConnection = ConnectionType(Ticket);
const TicketCommentConnection = ConnectionType(TicketComment);
const TicketEventConnection = ConnectionType(TicketEvent);

@Resolver(() => Ticket)
export class TicketResolver {
  @Authorized([...STAFF, scope('tickets:read')])
  @Query(() => TicketConnection, { description: 'Tickets, newest first.' })
  tickets(
    @Args() page: ForwardPageArgs,
    @Arg('filter', () => TicketFilter, { nullable: true }) filter: TicketFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Ticket>> {
    return new TicketService(ctx).list(filter, page.first ?? DEFAULT_PAGE_SIZE, page.after);
  }

  @Authorized([...STAFF, scope('tickets:read')])
  @Query(() => Ticket)
  ticket(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Ticket> {
    return new TicketService(ctx).get(id);
  }

  @Authorized(STAFF)
  @Mutation(() => Ticket)
  createTicket(@Arg('input') input: CreateTicketInput, @Ctx() ctx: Context): Promise<Ticket> {
    return new TicketService(ctx).create(staff(ctx.actor), input);
  }

  @Authorized(STAFF)
  @Mutation(() => Ticket)
  updateTicket(@Arg('input') input: UpdateTicketInput, @Ctx() ctx: Context): Promise<Ticket> {
    return new TicketService(ctx).update(staff(ctx.actor), input);
  }

  @Authorized(STAFF)
  @Mutation(() => TicketComment, {
    description:
      'A public reply (also sent to the requester’s conversation when the ticket was raised from one; stops the first-response clock) or an internal comment (audited).',
  })
  addTicketComment(@Arg('input', { validateFn: validateArgs }) input: AddTicketCommentInput, @Ctx() ctx: Context): Promise<TicketComment> {
    return new TicketService(ctx).addComment(staff(ctx.actor), input);
  }

  @Authorized(STAFF)
  @Query(() => SlaSettings, { description: 'The workspace’s business hours, holidays and SLA policies.' })
  slaSettings(@Ctx() ctx: Context): Promise<SlaSettings> {
    return new SlaService(ctx).settings();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => BusinessCalendar, {
    description: 'Admins: replaces the opening hours and holidays (audited). Tickets keep the targets they have; new tickets and priority changes use these.',
  })
  setBusinessHours(@Arg('input', { validateFn: validateArgs }) input: BusinessHoursInput, @Ctx() ctx: Context): Promise<BusinessCalendar> {
    return new SlaService(ctx).setBusinessHours(input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => SlaPolicy, { description: 'Admins: creates or replaces the SLA policy of a priority (audited).' })
  setSlaPolicy(@Arg('input', { validateFn: validateArgs }) input: SlaPolicyInput, @Ctx() ctx: Context): Promise<SlaPolicy> {
    return new SlaService(ctx).setPolicy(input);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Boolean, { description: 'Admins: removes the SLA policy of a priority (audited); false when it had none.' })
  deleteSlaPolicy(@Arg('priority', () => Priority) priority: Priority, @Ctx() ctx: Context): Promise<boolean> {
    return new SlaService(ctx).deletePolicy(priority);
  }

  @FieldResolver(() => TicketSla, { description: 'Where it stands against its SLA targets, as of this request.' })
  sla(@Root() ticket: Readonly<Ticket>): TicketSla {
    return slaView(ticket);
  }

  @FieldResolver(() => TicketCommentConnection, { description: 'Public replies and internal comments, oldest first.' })
  comments(@Root() ticket: Readonly<Ticket>, @Args() page: ForwardPageArgs, @Ctx() ctx: Context): Promise<Connection<TicketComment>> {
    return new TicketService(ctx).comments(ticket, page.first ?? DEFAULT_PAGE_SIZE, page.after);
  }

  @FieldResolver(() => TicketEventConnection, { description: 'Status, priority, assignee and due time changes and SLA breaches, oldest first.' })
  history(@Root() ticket: Readonly<Ticket>, @Args() page: ForwardPageArgs, @Ctx() ctx: Context): Promise<Connection<TicketEvent>> {
    return new TicketService(ctx).history(ticket, page.first ?? DEFAULT_PAGE_SIZE, page.after);
  }

  @FieldResolver(() => User, { nullable: true })
  assignee(@Root() ticket: Readonly<Ticket>, @Ctx() ctx: Context) {
    return ticket.assignee ? ctx.loaders.user.load(ticket.assignee.id) : null;
  }

  @FieldResolver(() => Contact, { nullable: true })
  requester(@Root() ticket: Readonly<Ticket>, @Ctx() ctx: Context) {
    return ticket.requester ? ctx.loaders.contact.load(ticket.requester.id) : null;
  }

  @FieldResolver(() => Conversation, { nullable: true })
  conversation(@Root() ticket: Readonly<Ticket>, @Ctx() ctx: Context) {
    return ticket.conversation ? ctx.loaders.conversation.load(ticket.conversation.id) : null;
  }
}

@Resolver(() => TicketComment)
export class TicketCommentResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Null once the author’s account is deleted.' })
  author(@Root() comment: Readonly<TicketComment>, @Ctx() ctx: Context) {
    return comment.author ? ctx.loaders.user.load(comment.author.id) : null;
  }
}

@Resolver(() => TicketEvent)
export class TicketEventResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who made the change; null for the system (SLA breaches).' })
  actor(@Root() event: Readonly<TicketEvent>, @Ctx() ctx: Context) {
    return event.actor ? ctx.loaders.user.load(event.actor.id) : null;
  }
}
