// SLA policies: per priority, a first-response and a resolution target in
// minutes, counted over the workspace's business hours (or around the clock).
// A ticket's targets are fixed when it is created and when its priority
// changes; a breach is recorded once (a history entry, a notification, the
// analytics) by whichever comes first: the `tickets.sla` sweep, the reply or
// the resolution that came too late.
import type { EntityManager } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { workspaceActor } from '../../platform/actor.js';
import type { Scope } from '../../platform/context.js';
import { badInput } from '../../platform/errors.js';
import { audit } from '../audit/index.js';
import type { Priority } from '../conversations/index.js';
import { addBusinessMinutes, calendarProblems, minutesOf, type Calendar } from './business-hours.js';
import { BusinessCalendar, SlaPolicy } from './sla.entity.js';
import type { BusinessHoursInput, SlaPolicyInput } from './sla.inputs.js';
import { TicketEvent, TicketEventKind } from './ticket-activity.entity.js';
import { Ticket, TicketStatus } from './ticket.entity.js';

export const DONE_STATUSES = new Set([TicketStatus.RESOLVED, TicketStatus.CLOSED]);

export enum SlaState {
  NONE = 'NONE',
  ON_TRACK = 'ON_TRACK',
  AT_RISK = 'AT_RISK',
  BREACHED = 'BREACHED',
  MET = 'MET',
}
registerEnumType(SlaState, {
  name: 'SlaState',
  valuesConfig: {
    NONE: { description: 'No target applies.' },
    ON_TRACK: { description: 'Every open target has more than a quarter of its time left.' },
    AT_RISK: { description: 'An open target has a quarter of its time or less left.' },
    BREACHED: { description: 'A target was missed.' },
    MET: { description: 'Every target was met.' },
  },
});

@ObjectType({ description: 'Where a ticket stands against its SLA targets, now.' })
export class TicketSla {
  @Field(() => SlaState)
  state!: SlaState;

  @Field(() => Date, { nullable: true })
  firstResponseDueAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'The first public reply.' })
  firstRespondedAt!: Date | null;

  @Field({ description: 'The first public reply came (or is) later than its target.' })
  firstResponseBreached!: boolean;

  @Field(() => Date, { nullable: true, description: 'The ticket’s dueAt.' })
  resolutionDueAt!: Date | null;

  @Field({ description: 'The resolution came (or is) later than dueAt.' })
  resolutionBreached!: boolean;

  @Field(() => Date, { nullable: true, description: 'The earliest target still open (not yet met), if any.' })
  nextDueAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Seconds from now to nextDueAt (negative once passed); null without an open target.' })
  secondsLeft!: number | null;
}

@ObjectType({ description: 'The workspace’s SLA set-up.' })
export class SlaSettings {
  @Field(() => BusinessCalendar, { nullable: true, description: 'Null until set: targets then count around the clock.' })
  businessHours!: BusinessCalendar | null;

  @Field(() => [SlaPolicy], { description: 'One per priority that has targets, LOW to URGENT.' })
  policies!: SlaPolicy[];
}

@ObjectType({ description: 'Tickets created in the range against their SLA targets (breaches as of now for tickets still open).' })
export class TicketSlaStats {
  @Field(() => Int, { description: 'Tickets created in the range with at least one target.' })
  withTargets!: number;

  @Field(() => Int)
  firstResponseBreached!: number;

  @Field(() => Int)
  resolutionBreached!: number;

  @Field(() => Float, { nullable: true, description: 'Tickets with targets and no breach ÷ tickets with targets; null without any.' })
  attainmentRate!: number | null;
}

const PRIORITY_ORDER = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

export async function loadCalendar(em: EntityManager, workspaceId: string): Promise<Calendar | null> {
  const cal = await em.findOne(BusinessCalendar, { workspace: workspaceId }, { filters: false });
  return cal ? { timezone: cal.timezone, intervals: cal.intervals, holidays: cal.holidays.map((h) => h.date) } : null;
}

/** The targets of a ticket of this priority created at `from` (nulls where the policy has none). */
export async function slaTargets(
  em: EntityManager,
  workspaceId: string,
  priority: Priority,
  from: Date,
): Promise<{ firstResponseDueAt: Date | null; dueAt: Date | null }> {
  const policy = await em.findOne(SlaPolicy, { workspace: workspaceId, priority }, { filters: false });
  if (!policy || (policy.firstResponseMinutes == null && policy.resolutionMinutes == null)) return { firstResponseDueAt: null, dueAt: null };
  const calendar = policy.businessHoursOnly ? await loadCalendar(em, workspaceId) : null;
  const at = (minutes: number | null | undefined) => (minutes == null ? null : addBusinessMinutes(from, minutes, calendar));
  return { firstResponseDueAt: at(policy.firstResponseMinutes), dueAt: at(policy.resolutionMinutes) };
}

const fmt = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Records every target missed as of `now` that is not recorded yet (the caller holds the ticket's row lock); returns what it recorded. */
export function recordBreaches(em: EntityManager, ticket: Ticket, now: Date): TicketEventKind[] {
  const recorded: TicketEventKind[] = [];
  const record = (kind: TicketEventKind, due: Date) => {
    // A millisecond apart when both are recorded at once: the history keeps their order.
    em.create(TicketEvent, {
      workspace: ticket.workspace,
      ticket,
      actor: null,
      kind,
      fromValue: null,
      toValue: fmt(due),
      createdAt: new Date(now.getTime() + recorded.length),
    });
    recorded.push(kind);
  };
  // A resolution without any reply stops the first-response clock too.
  const firstResponseBy = ticket.firstRespondedAt ?? ticket.resolvedAt ?? now;
  if (ticket.firstResponseDueAt && !ticket.firstResponseBreachedAt && firstResponseBy > ticket.firstResponseDueAt) {
    ticket.firstResponseBreachedAt = now;
    record(TicketEventKind.FIRST_RESPONSE_BREACHED, ticket.firstResponseDueAt);
  }
  const resolvedBy = ticket.resolvedAt ?? now;
  if (ticket.dueAt && !ticket.resolutionBreachedAt && resolvedBy > ticket.dueAt) {
    ticket.resolutionBreachedAt = now;
    record(TicketEventKind.RESOLUTION_BREACHED, ticket.dueAt);
  }
  return recorded;
}

export function slaView(ticket: Readonly<Ticket>, now = new Date()): TicketSla {
  const firstResponseBreached =
    Boolean(ticket.firstResponseBreachedAt) ||
    Boolean(ticket.firstResponseDueAt && (ticket.firstRespondedAt ?? ticket.resolvedAt ?? now) > ticket.firstResponseDueAt);
  const resolutionBreached = Boolean(ticket.resolutionBreachedAt) || Boolean(ticket.dueAt && (ticket.resolvedAt ?? now) > ticket.dueAt);
  const open: Date[] = [];
  if (ticket.firstResponseDueAt && !ticket.firstRespondedAt && !ticket.resolvedAt) open.push(ticket.firstResponseDueAt);
  if (ticket.dueAt && !ticket.resolvedAt) open.push(ticket.dueAt);
  const nextDueAt = open.length ? new Date(Math.min(...open.map((d) => d.getTime()))) : null;
  const hasTargets = Boolean(ticket.firstResponseDueAt || ticket.dueAt);
  let state = SlaState.NONE;
  if (firstResponseBreached || resolutionBreached) state = SlaState.BREACHED;
  else if (nextDueAt) {
    const span = nextDueAt.getTime() - ticket.createdAt.getTime();
    state = nextDueAt.getTime() - now.getTime() <= span / 4 ? SlaState.AT_RISK : SlaState.ON_TRACK;
  } else if (hasTargets) state = SlaState.MET;
  return {
    state,
    firstResponseDueAt: ticket.firstResponseDueAt ?? null,
    firstRespondedAt: ticket.firstRespondedAt ?? null,
    firstResponseBreached,
    resolutionDueAt: ticket.dueAt ?? null,
    resolutionBreached,
    nextDueAt,
    secondsLeft: nextDueAt ? Math.round((nextDueAt.getTime() - now.getTime()) / 1000) : null,
  };
}

export class SlaService {
  constructor(private readonly scope: Scope) {}

  private get em() {
    return this.scope.em;
  }

  async settings(): Promise<SlaSettings> {
    const [businessHours, policies] = await Promise.all([this.em.findOne(BusinessCalendar, {}), this.em.find(SlaPolicy, {})]);
    policies.sort((a, b) => PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority));
    return { businessHours, policies };
  }

  /** Replaces the opening hours and holidays (admins, audited). Targets already set on tickets stay as they are. */
  async setBusinessHours(input: BusinessHoursInput): Promise<BusinessCalendar> {
    const { workspaceId } = workspaceActor(this.scope.actor);
    const intervals = input.intervals
      .map((i) => ({ weekday: i.weekday, opens: i.opens, closes: i.closes }))
      .sort((a, b) => a.weekday - b.weekday || minutesOf(a.opens) - minutesOf(b.opens));
    const holidays = [...new Map((input.holidays ?? []).map((h) => [h.date, { date: h.date, name: h.name?.trim() || null }])).values()].sort((a, b) =>
      a.date.localeCompare(b.date),
    );
    const timezone = input.timezone.trim();
    const [problem] = calendarProblems({ timezone, intervals: input.intervals, holidays: holidays.map((h) => h.date) });
    if (problem) throw badInput(`${problem.field}: ${problem.message}`, problem.field);
    let calendar = await this.em.findOne(BusinessCalendar, {});
    if (calendar) Object.assign(calendar, { timezone, intervals, holidays, updatedAt: new Date() });
    else calendar = this.em.create(BusinessCalendar, { workspace: workspaceId, timezone, intervals, holidays });
    audit(this.scope, workspaceId, { action: 'sla.business_hours.set', targetType: 'BusinessHours', targetId: calendar.id });
    await this.em.flush();
    return calendar;
  }

  /** Creates or replaces the policy of a priority (admins, audited); applies to tickets created or re-prioritised from now on. */
  async setPolicy(input: SlaPolicyInput): Promise<SlaPolicy> {
    const { workspaceId } = workspaceActor(this.scope.actor);
    if (input.firstResponseMinutes == null && input.resolutionMinutes == null)
      throw badInput('Give a first response or a resolution target (or delete the policy)', 'firstResponseMinutes');
    const values = {
      firstResponseMinutes: input.firstResponseMinutes ?? null,
      resolutionMinutes: input.resolutionMinutes ?? null,
      businessHoursOnly: input.businessHoursOnly ?? true,
    };
    let policy = await this.em.findOne(SlaPolicy, { priority: input.priority });
    if (policy) Object.assign(policy, values);
    else policy = this.em.create(SlaPolicy, { workspace: workspaceId, priority: input.priority, ...values });
    audit(this.scope, workspaceId, { action: 'sla.policy.set', targetType: 'SlaPolicy', targetId: policy.id });
    await this.em.flush();
    return policy;
  }

  async deletePolicy(priority: Priority): Promise<boolean> {
    const { workspaceId } = workspaceActor(this.scope.actor);
    const policy = await this.em.findOne(SlaPolicy, { priority });
    if (!policy) return false;
    audit(this.scope, workspaceId, { action: 'sla.policy.delete', targetType: 'SlaPolicy', targetId: policy.id });
    this.em.remove(policy);
    await this.em.flush();
    return true;
  }
}
