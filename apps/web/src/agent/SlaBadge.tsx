import { Badge, Tooltip } from '@mantine/core';
import type { SlaState } from '@switchboard/schema/client';
import { dateTime, duration } from '../lib/format';

const COLOR: Record<SlaState, string> = { NONE: 'gray', ON_TRACK: 'teal', AT_RISK: 'orange', BREACHED: 'red', MET: 'green' };

/** "2.5 h left", "overdue 20 min", "SLA met": where a ticket stands against its SLA, from `Ticket.sla`. */
export function slaText(sla: { state: SlaState; secondsLeft: number | null }): string {
  if (sla.state === 'NONE') return 'No SLA';
  if (sla.state === 'MET') return 'SLA met';
  if (sla.secondsLeft != null && sla.secondsLeft < 0) return `overdue ${duration(-sla.secondsLeft)}`;
  if (sla.state === 'BREACHED' || sla.secondsLeft == null) return 'SLA breached';
  return `${duration(sla.secondsLeft)} left`;
}

export function SlaBadge({ sla }: { sla: { state: SlaState; secondsLeft: number | null; nextDueAt: string | null } }) {
  const badge = (
    <Badge color={COLOR[sla.state]} variant={sla.state === 'BREACHED' ? 'filled' : 'light'} data-testid="sla-badge" data-state={sla.state}>
      {slaText(sla)}
    </Badge>
  );
  return sla.nextDueAt ? <Tooltip label={`Due ${dateTime(sla.nextDueAt)}`}>{badge}</Tooltip> : badge;
}
