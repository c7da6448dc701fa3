// Tickets and their SLAs.
export { TicketSlaStats } from './sla.service.js';
export { Ticket } from './ticket.entity.js';
