import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scope, STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { ConnectionType, DEFAULT_PAGE_SIZE, ForwardPageArgs, type Connection } from '../../platform/pagination.js';
import { User } from '../auth/user.entity.js';
import { Contact } from '../contacts/contact.entity.js';
import { Conversation } from '../conversations/conversation.entity.js';
import { Ticket } from './ticket.entity.js';
import { CreateTicketInput, TicketFilter, UpdateTicketInput } from './ticket.inputs.js';
import { TicketService } from './ticket.service.js';

const TicketConnection = ConnectionType(Ticket);

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
