// tickets.sla: records SLA breaches as they happen. Every minute it finds the
// unresolved tickets whose first-response or resolution target has passed
// unrecorded (partial indexes keep that scan to the few that qualify), and
// for each, under the ticket's row lock, records the breach once (history,
// metric), then notifies the assignee (or the admins) and the inbox feeds.
// A reply or a resolution that comes late records its own breach at once;
// the sweep is for tickets nobody touches.
import { LockMode } from '@mikro-orm/core';
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { recordBreaches } from './sla.service.js';
import { Ticket } from './ticket.entity.js';
import { notifyBreaches } from './ticket.service.js';
import type { TicketEventKind } from './ticket-activity.entity.js';

const BATCH = 500;

export const slaBreachJob: JobDefinition<Record<string, never>> = {
  name: 'tickets.sla',
  queue: QUEUES.maintenance,
  async handle(_data, ctx) {
    const now = new Date();
    const em = forkFor(ctx.orm, null);
    const due = await em.execute<{ id: string; workspace_id: string }[]>(
      `select id, workspace_id from ticket
        where status not in ('RESOLVED', 'CLOSED')
          and ((first_response_due_at <= ? and first_responded_at is null and first_response_breached_at is null)
            or (due_at <= ? and resolution_breached_at is null))
        order by coalesce(least(first_response_due_at, due_at), due_at, first_response_due_at)
        limit ${BATCH}`,
      [now, now],
    );
    let recorded = 0;
    for (const row of due) {
      const wem = forkFor(ctx.orm, row.workspace_id);
      let breaches: TicketEventKind[] = [];
      const ticket = await wem.transactional(async (tx) => {
        const ticket = await tx.findOne(Ticket, { id: row.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // Resolved or answered since the scan: recordBreaches finds nothing to record.
        if (ticket) breaches = recordBreaches(tx, ticket, new Date());
        return ticket;
      });
      if (!ticket || !breaches.length) continue;
      recorded += breaches.length;
      await notifyBreaches(wem, ctx.pubSub, ticket, breaches);
    }
    if (recorded) ctx.logger.info({ breaches: recorded }, 'SLA breaches recorded');
    return { recorded };
  },
};
