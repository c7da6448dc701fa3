// Support analytics computed in PostgreSQL. Raw SQL for aggregates: every
// query is bound to the caller's workspace explicitly (the ORM filter does
// not apply to raw SQL).
import type { Scope } from '../../platform/context.js';
import { workspaceActor } from '../../platform/actor.js';
import { badInput } from '../../platform/errors.js';
import type { Em } from '../../platform/database.js';
import { User } from '../auth/index.js';
import { CONVERSATION_ROLLUP_STATE, ROLLUP_STATE } from './rollup.job.js';
import type { Analytics, AnalyticsBucket, AnalyticsFilter, Csat, DateRangeInput, DurationStats } from './analytics.types.js';
import { Granularity } from './analytics.types.js';

const MAX_RANGE_DAYS = 400;
const MAX_BUCKETS = 1000;
const STEP_MS: Record<Granularity, number> = { HOUR: 3600_000, DAY: 86400_000, WEEK: 7 * 86400_000 };
const TRUNC: Record<Granularity, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week' };
/** Handoffs the AI or the customer caused; agent take-overs are not counted as handoffs. */
const HANDOFF = "handoff_reason is not null and handoff_reason not in ('agent_took_over', 'agent_request')";

/**
 * Per-conversation facts kept on each conversation row: the reply facts (the
 * `message_reply_facts` trigger) and the intent, i.e. the first analysed
 * customer message's (the `message_conversation_intent` trigger).
 */
const CONVERSATION_FACTS = `c.had_agent_reply as had_agent, c.had_ai_reply as had_ai, c.first_responder, c.intent`;
/** The same facts recomputed from the messages (ANALYTICS_ROLLUPS=false). */
// (Private notes are no reply, and no message in any count: kind = 'MESSAGE'.)
const CONVERSATION_FACTS_FROM_MESSAGES = `exists (select 1 from message m where m.conversation_id = c.id and m.author_type = 'AGENT' and m.kind = 'MESSAGE') as had_agent,
        exists (select 1 from message m where m.conversation_id = c.id and m.author_type = 'AI') as had_ai,
        (select m.author_type from message m where m.conversation_id = c.id and m.author_type in ('AGENT', 'AI') and m.kind = 'MESSAGE' order by m.seq limit 1) as first_responder,
        (select m.analysis->>'intent' from message m
          where m.conversation_id = c.id and m.author_type = 'CUSTOMER' and m.analysis is not null order by m.seq limit 1) as intent`;

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v == null ? null : Number(v));
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * Count, average, median and p90 of a duration. The average is taken over the
 * exact durations (numeric seconds, `${expr}_x`), so that it does not depend
 * on the order the values are added in: the rollups' sums give the same figure.
 */
function durationColumns(prefix: string, expr: string, where = 'true') {
  return `count(*) filter (where ${expr} is not null and ${where})::int as ${prefix}_n,
    (avg(${expr}_x) filter (where ${where}))::float8 as ${prefix}_avg,
    percentile_cont(0.5) within group (order by ${expr}) filter (where ${where}) as ${prefix}_med,
    percentile_cont(0.9) within group (order by ${expr}) filter (where ${where}) as ${prefix}_p90`;
}

const durations = (r: Row, prefix: string): DurationStats => ({
  count: Number(r[`${prefix}_n`] ?? 0),
  avgSeconds: num(r[`${prefix}_avg`]),
  medianSeconds: num(r[`${prefix}_med`]),
  p90Seconds: num(r[`${prefix}_p90`]),
});

const csatOf = (r: Row, prefix: string): Csat => {
  const ratings = Number(r[`${prefix}_ratings`] ?? 0);
  const positive = Number(r[`${prefix}_positive`] ?? 0);
  const resolved = Number(r[`${prefix}_resolved`] ?? 0);
  // Of the resolved conversations, how many were rated (ratings of open or reopened ones do not count here).
  const ratedResolved = Number(r[`${prefix}_rated_resolved`] ?? 0);
  return { ratings, score: ratings ? (positive / ratings) * 100 : null, responseRate: ratio(ratedResolved, resolved) };
};

/** The overview's buckets computed from the `conv` set (one row per conversation): the recomputed overview's, and the rolled-up one's for days it reads from the conversations. */
function bucketsFromConversations(granularity: Granularity) {
  return `select date_trunc('${TRUNC[granularity]}', created_at at time zone 'UTC') as bucket,
           count(*)::int as created, count(*) filter (where resolved)::int as resolved,
           count(*) filter (where ${HANDOFF})::int as handed_off,
           percentile_cont(0.5) within group (order by frt) as frt_med,
           percentile_cont(0.5) within group (order by rt) as rt_med,
           count(*) filter (where had_ai)::int as ai_handled,
           count(*) filter (where had_ai and resolved and not had_agent)::int as ai_resolved,
           count(csat_score)::int as ratings, count(*) filter (where csat_score >= 4)::int as positive
         from conv group by 1`;
}

function csatColumns(prefix: string, where: string) {
  return `count(csat_score) filter (where ${where})::int as ${prefix}_ratings,
    count(*) filter (where csat_score >= 4 and ${where})::int as ${prefix}_positive,
    count(*) filter (where resolved and ${where})::int as ${prefix}_resolved,
    count(csat_score) filter (where resolved and ${where})::int as ${prefix}_rated_resolved`;
}

export class AnalyticsService {
  constructor(private readonly scope: Scope) {}

  async overview(range: DateRangeInput, granularity: Granularity, filter: AnalyticsFilter | null = {}): Promise<Analytics> {
    filter ??= {}; // an explicit `filter: null` means no filter
    const { workspaceId } = workspaceActor(this.scope.actor);
    const from = range.from;
    const to = range.to;
    if (!(to > from)) throw badInput('range.to must be after range.from', 'range');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86400_000) throw badInput(`The range may span at most ${MAX_RANGE_DAYS} days`, 'range');
    if ((to.getTime() - from.getTime()) / STEP_MS[granularity] > MAX_BUCKETS)
      throw badInput(`At most ${MAX_BUCKETS} buckets: choose a coarser granularity`, 'granularity');

    const em = this.scope.em;
    const where: string[] = ['c.workspace_id = ?', 'c.created_at >= ?', 'c.created_at < ?'];
    const params: unknown[] = [workspaceId, from, to];
    if (filter.channel) {
      where.push('c.channel = ?');
      params.push(filter.channel);
    }
    if (filter.assigneeId) {
      where.push('c.assignee_id = ?');
      params.push(filter.assigneeId);
    }
    if (filter.mode) {
      where.push('c.mode = ?');
      params.push(filter.mode);
    }
    if (filter.labelIds?.length) {
      // Carrying every label asked for (the labels module's conversation_label table, read by name).
      const ids = [...new Set(filter.labelIds)];
      where.push(`(select count(*) from conversation_label cl where cl.conversation_id = c.id and cl.label_id in (${ids.map(() => '?').join(', ')})) = ?`);
      params.push(...ids, ids.length);
    }
    const durableBefore = new Date(Math.min(to.getTime(), Date.now()) - 7 * 86400_000);
    // Only what the aggregates read, so that the materialised range stays small (in memory, not spilled to a temporary file).
    const conv = `with conv as (
      select c.created_at, c.resolved_at is not null as resolved,
        (c.resolved_at is not null and c.status = 'RESOLVED' and c.resolved_at <= ?) as durable,
        c.handoff_reason, c.csat_score, c.assignee_id,
        extract(epoch from c.first_response_at - c.created_at)::float8 as frt,
        extract(epoch from c.resolved_at - c.created_at)::float8 as rt,
        extract(epoch from c.first_response_at - c.created_at) as frt_x,
        extract(epoch from c.resolved_at - c.created_at) as rt_x,
        ${this.scope.deps.config.analyticsRollups ? CONVERSATION_FACTS : CONVERSATION_FACTS_FROM_MESSAGES}
      from conversation c where ${where.join(' and ')})`;

    // With the conversation rollups: the whole UTC days they cover from them, the rest from the conversations.
    const days = this.scope.deps.config.analyticsRollups && !filter.labelIds?.length ? await rolledUpDays(em, from, to) : null;
    // Everything per conversation comes from one statement: the range is
    // scanned once (materialised), and each part is aggregated from it.
    const cohortQuery = days
      ? em.execute<Row[]>(...rolledUpCohort(workspaceId, where, params, dimensionsOf(filter), days, durableBefore, granularity))
      : em.execute<Row[]>(
          `${conv.replace('with conv as (', 'with conv as materialized (')},
      totals as (select
        count(*)::int as created,
        count(*) filter (where resolved)::int as resolved,
        count(*) filter (where had_ai)::int as ai_handled,
        count(*) filter (where had_ai and resolved and not had_agent)::int as ai_resolved,
        count(*) filter (where ${HANDOFF})::int as handed_off,
        count(*) filter (where durable)::int as durable,
        ${durationColumns('frt', 'frt')},
        ${durationColumns('frt_ai', 'frt', "first_responder = 'AI'")},
        ${durationColumns('frt_human', 'frt', "first_responder = 'AGENT'")},
        ${durationColumns('rt', 'rt')},
        ${csatColumns('csat_all', 'true')},
        ${csatColumns('csat_ai', 'not had_agent')},
        ${csatColumns('csat_human', 'had_agent')}
      from conv),
      reasons as (select handoff_reason as label, count(*)::int as count from conv where ${HANDOFF} group by 1),
      -- A conversation's intent is its first analysed customer message's (the workspace's own labels once trained).
      intents as (select coalesce(intent, 'unknown') as label, count(*)::int as count from conv group by 1),
      agents as (select assignee_id, count(*)::int as handled,
           percentile_cont(0.5) within group (order by frt) as frt_med,
           percentile_cont(0.5) within group (order by rt) as rt_med,
           count(csat_score)::int as ratings, count(*) filter (where csat_score >= 4)::int as positive
         from conv where assignee_id is not null group by 1),
      buckets as (${bucketsFromConversations(granularity)})
      select (select row_to_json(totals) from totals) as totals,
        (select coalesce(json_agg(reasons order by count desc, label), '[]') from reasons) as reasons,
        (select coalesce(json_agg(intents order by count desc, label), '[]') from intents) as intents,
        (select coalesce(json_agg(agents order by handled desc, assignee_id), '[]') from agents) as agents,
        (select coalesce(json_agg(buckets), '[]') from buckets) as buckets`,
          [durableBefore, ...params],
        );
    const messages = messageFigures(em, workspaceId, from, to, this.scope.deps.config.analyticsRollups);
    // The message and ticket figures are independent of it: all run at once.
    const [[cohort], byAuthor, tickets, backlog, breaches, [sla], ai, aiBuckets] = await Promise.all([
      cohortQuery,
      // Labels are many to many and change freely: no rollup carries them, so a label filter reads the messages.
      filter.labelIds?.length
        ? em.execute<Row[]>(
            `select m.author_type as label, count(*)::int as count from message m join conversation c on c.id = m.conversation_id
              where m.workspace_id = ? and m.created_at >= ? and m.created_at < ? and m.kind = 'MESSAGE' ${where
                .slice(3)
                .map((w) => `and ${w}`)
                .join(' ')}
              group by 1 order by 1`,
            [workspaceId, from, to, ...params.slice(3)],
          )
        : messages.then((m) => m.byAuthor(dimensionsOf(filter))),
      em.execute<Row[]>(
        `select count(*) filter (where created_at >= ? and created_at < ?)::int as created,
                count(*) filter (where resolved_at >= ? and resolved_at < ?)::int as resolved
           from ticket where workspace_id = ?`,
        [from, to, from, to, workspaceId],
      ),
      em.execute<Row[]>(
        `select status, priority, count(*)::int as count from ticket where workspace_id = ? and status not in ('RESOLVED', 'CLOSED') group by 1, 2 order by 1, 2`,
        [workspaceId],
      ),
      em.execute<Row[]>(
        `select count(*)::int as n from ticket where workspace_id = ? and status not in ('RESOLVED', 'CLOSED')
            and (due_at < now() or (first_response_due_at < now() and first_responded_at is null))`,
        [workspaceId],
      ),
      // A breach recorded, or one that the sweep has not recorded yet (same rule as Ticket.sla).
      em.execute<Row[]>(
        `select count(*) filter (where first_response_due_at is not null or due_at is not null)::int as with_targets,
                count(*) filter (where fr)::int as fr_breached,
                count(*) filter (where res)::int as res_breached,
                count(*) filter (where (first_response_due_at is not null or due_at is not null) and not fr and not res)::int as met
           from (select first_response_due_at, due_at,
                        coalesce(first_response_breached_at is not null or coalesce(first_responded_at, resolved_at, now()) > first_response_due_at, false) as fr,
                        coalesce(resolution_breached_at is not null or coalesce(resolved_at, now()) > due_at, false) as res
                   from ticket where workspace_id = ? and created_at >= ? and created_at < ?) t`,
        [workspaceId, from, to],
      ),
      messages.then((m) => m.aiUsage()),
      messages.then((m) => m.aiBuckets(TRUNC[granularity])),
    ]);

    const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
    const t = json<Row>(cohort!.totals);
    const reasons = json<Row[]>(cohort!.reasons);
    const intents = json<Row[]>(cohort!.intents);
    const agents = json<Row[]>(cohort!.agents);
    const buckets = json<Row[]>(cohort!.buckets);
    const created = Number(t.created);
    const resolved = Number(t.resolved);

    const users = await em.find(User, { id: { $in: agents.map((a) => a.assignee_id as string) } });
    return {
      conversationsCreated: created,
      messagesByAuthorType: byAuthor.map((r) => ({ label: String(r.label), count: Number(r.count) })),
      ticketsCreated: Number(tickets[0]?.created ?? 0),
      ticketsResolved: Number(tickets[0]?.resolved ?? 0),
      firstResponseTime: durations(t, 'frt'),
      firstResponseTimeAi: durations(t, 'frt_ai'),
      firstResponseTimeHuman: durations(t, 'frt_human'),
      resolutionTime: durations(t, 'rt'),
      resolutionRate: ratio(resolved, created),
      automatedResolutionRate: ratio(Number(t.ai_resolved), Number(t.ai_handled)),
      handoffRate: ratio(Number(t.handed_off), created),
      handoffReasons: reasons.map((r) => ({ label: String(r.label), count: Number(r.count) })),
      conversationsByIntent: intents.map((r) => ({ label: String(r.label), count: Number(r.count) })),
      durableResolutionRate: ratio(Number(t.durable), resolved),
      csat: csatOf(t, 'csat_all'),
      csatAi: csatOf(t, 'csat_ai'),
      csatHuman: csatOf(t, 'csat_human'),
      ticketBacklog: backlog.map((r) => ({ status: String(r.status), priority: String(r.priority), count: Number(r.count) })),
      slaBreaches: Number(breaches[0]?.n ?? 0),
      ticketSla: {
        withTargets: Number(sla?.with_targets ?? 0),
        firstResponseBreached: Number(sla?.fr_breached ?? 0),
        resolutionBreached: Number(sla?.res_breached ?? 0),
        attainmentRate: ratio(Number(sla?.met ?? 0), Number(sla?.with_targets ?? 0)),
      },
      agents: agents.map((a) => ({
        agent: users.find((u) => u.id === a.assignee_id) ?? null,
        handled: Number(a.handled),
        firstResponseMedianSeconds: num(a.frt_med),
        resolutionMedianSeconds: num(a.rt_med),
        csatScore: Number(a.ratings) ? (Number(a.positive) / Number(a.ratings)) * 100 : null,
      })),
      aiUsage: ai.map((r) => ({
        modelConfigId: (r.model_config_id as string) ?? null,
        answers: Number(r.answers),
        promptTokens: Number(r.prompt),
        completionTokens: Number(r.completion),
        avgLatencyMs: Number(r.lat_n) ? Number(r.lat_sum) / Number(r.lat_n) : null,
      })),
      timeseries: this.fill(from, to, granularity, buckets, aiBuckets),
    };
  }

  /** One bucket per step of the range, empty ones included. */
  private fill(from: Date, to: Date, granularity: Granularity, rows: Row[], aiRows: Row[]): AnalyticsBucket[] {
    const key = (d: unknown) =>
      new Date(
        `${String(d instanceof Date ? d.toISOString() : d)
          .replace(' ', 'T')
          .replace(/Z?$/, 'Z')}`,
      ).getTime();
    const byStart = new Map(rows.map((r) => [key(r.bucket), r]));
    const aiByStart = new Map(aiRows.map((r) => [key(r.bucket), Number(r.n)]));
    const first = truncUtc(from, granularity);
    const out: AnalyticsBucket[] = [];
    for (let s = first.getTime(); s < to.getTime(); s += STEP_MS[granularity]) {
      const r = byStart.get(s);
      out.push({
        start: new Date(s),
        conversationsCreated: Number(r?.created ?? 0),
        resolved: Number(r?.resolved ?? 0),
        handedOff: Number(r?.handed_off ?? 0),
        firstResponseMedianSeconds: num(r?.frt_med),
        resolutionMedianSeconds: num(r?.rt_med),
        aiHandled: Number(r?.ai_handled ?? 0),
        resolvedByAi: Number(r?.ai_resolved ?? 0),
        csatScore: r && Number(r.ratings) ? (Number(r.positive) / Number(r.ratings)) * 100 : null,
        aiAnswers: aiByStart.get(s) ?? 0,
      });
    }
    return out;
  }
}

/** Start of the UTC hour, day or ISO week (Monday) containing `d`, as PostgreSQL's date_trunc computes it. */
export function truncUtc(d: Date, g: Granularity): Date {
  const t = new Date(d);
  t.setUTCMinutes(0, 0, 0);
  if (g === Granularity.HOUR) return t;
  t.setUTCHours(0);
  if (g === Granularity.DAY) return t;
  const day = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - day);
  return t;
}

/**
 * The filters the dimension rollups carry, as columns of both
 * message_dimension_rollup_hourly and conversation. They are the
 * conversation's current values: a message counts under the mode, assignee
 * and channel its conversation has when the overview is asked for, wherever
 * they were when it was written (which is what the recompute's join reads;
 * the rollups follow changes through the conversation_dimension_rollups trigger).
 */
type Dimensions = [column: 'mode' | 'assignee_id' | 'channel', value: string][];

function dimensionsOf(filter: AnalyticsFilter): Dimensions {
  const dims: Dimensions = [];
  if (filter.mode) dims.push(['mode', filter.mode]);
  if (filter.assigneeId) dims.push(['assignee_id', filter.assigneeId]);
  if (filter.channel) dims.push(['channel', filter.channel]);
  return dims;
}

/**
 * Message-level figures for [from, to): from the hourly rollups for the whole
 * hours the `analytics.rollup` job has completed, plus the messages
 * themselves for the rest (the partial hours at either end and everything
 * after the rollups' watermark); from the messages alone without rollups.
 */
async function messageFigures(em: Em, workspaceId: string, from: Date, to: Date, useRollups: boolean) {
  let start = to;
  let end = to; // [start, end): the hours read from the rollups
  if (useRollups) {
    const [state] = await em.execute<{ rolled_up_to: Date | string }[]>(`select rolled_up_to from analytics_rollup_state where name = ?`, [ROLLUP_STATE]);
    const hour = 3600_000;
    const first = Math.ceil(from.getTime() / hour) * hour;
    const last = Math.min(Math.floor(to.getTime() / hour) * hour, state ? new Date(state.rolled_up_to).getTime() : 0);
    if (last > first) [start, end] = [new Date(first), new Date(last)];
  }
  // Messages outside the rolled-up hours (all of [from, to) when there are none).
  const rawOf = (m = '') => `${m}workspace_id = ? and ((${m}created_at >= ? and ${m}created_at < ?) or (${m}created_at >= ? and ${m}created_at < ?))`;
  const raw = rawOf();
  const rawParams = [workspaceId, from, start, end, to];
  const rolled = `workspace_id = ? and hour >= ? and hour < ?`;
  const rolledParams = [workspaceId, start, end];
  return {
    /** Messages by author type; with dimensions, of the conversations that have them. */
    byAuthor: (dims: Dimensions = []) => {
      if (!dims.length)
        return em.execute<Row[]>(
          `select label, sum(n)::int as count from (
             select author_type as label, sum(messages) as n from message_rollup_hourly where ${rolled} group by 1
             union all
             select author_type, count(*) from message where ${raw} and kind = 'MESSAGE' group by 1) x
           group by 1 order by 1`,
          [...rolledParams, ...rawParams],
        );
      const values = dims.map(([, v]) => v);
      return em.execute<Row[]>(
        `select label, sum(n)::int as count from (
           select author_type as label, sum(messages) as n from message_dimension_rollup_hourly
            where ${rolled} ${dims.map(([c]) => `and ${c} = ?`).join(' ')} group by 1
           union all
           select m.author_type, count(*) from message m join conversation c on c.id = m.conversation_id
            where ${rawOf('m.')} and m.kind = 'MESSAGE' ${dims.map(([c]) => `and c.${c} = ?`).join(' ')} group by 1) x
         group by 1 having sum(n) > 0 order by 1`, // rows a move emptied linger until the next rollup run
        [...rolledParams, ...values, ...rawParams, ...values],
      );
    },
    aiUsage: () =>
      em.execute<Row[]>(
        `select model_config_id, sum(answers)::int as answers, sum(prompt)::float8 as prompt, sum(completion)::float8 as completion,
                sum(lat_sum)::float8 as lat_sum, sum(lat_n)::float8 as lat_n from (
           select model_config_id, sum(messages) as answers, sum(prompt_tokens) as prompt, sum(completion_tokens) as completion,
                  sum(latency_ms_sum) as lat_sum, sum(latency_n) as lat_n
             from message_rollup_hourly where ${rolled} and author_type = 'AI' group by 1
           union all
           select model_config_id, count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), coalesce(sum(latency_ms), 0), count(latency_ms)
             from message where ${raw} and author_type = 'AI' group by 1) x
         group by 1 order by 2 desc, 1`,
        [...rolledParams, ...rawParams],
      ),
    aiBuckets: (trunc: string) =>
      em.execute<Row[]>(
        `select bucket, sum(n)::int as n from (
           select date_trunc('${trunc}', hour at time zone 'UTC') as bucket, sum(messages) as n from message_rollup_hourly where ${rolled} and author_type = 'AI' group by 1
           union all
           select date_trunc('${trunc}', created_at at time zone 'UTC'), count(*) from message where ${raw} and author_type = 'AI' group by 1) x
         group by 1`,
        [...rolledParams, ...rawParams],
      ),
  };
}

const DAY_MS = 86400_000;
/** The bit of each filter in conversation_rollup_daily.dims. */
const DIM_BITS: Record<Dimensions[number][0], number> = { mode: 1, assignee_id: 2, channel: 4 };

/**
 * The whole UTC days of [from, to) that the conversation rollups cover
 * ([first, last)), or null when there are none. Read before the overview's
 * statement: a run of the job that commits in between only makes more days
 * available than these (it replaces a day's rows and deletes its marks at once).
 */
async function rolledUpDays(em: Em, from: Date, to: Date) {
  const [state] = await em.execute<{ rolled_up_to: Date | string }[]>(`select rolled_up_to from analytics_rollup_state where name = ?`, [
    CONVERSATION_ROLLUP_STATE,
  ]);
  if (!state) return null;
  const first = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const last = Math.min(Math.floor(to.getTime() / DAY_MS) * DAY_MS, new Date(state.rolled_up_to).getTime());
  return last > first ? { first: new Date(first), last: new Date(last) } : null;
}

/**
 * The overview's conversation figures from the daily conversation rollups for
 * the days they cover and have not been marked dirty since (see the
 * conversation_rollups migration), and from the conversations themselves for
 * the rest: the partial days at either end, the days after the watermark and
 * the dirty days. One statement, so that the marks, the rollups and the
 * conversations are read at one moment. The filters are the conversation's
 * current mode, assignee and channel, as in the recompute: a conversation
 * that changes them marks its day dirty, and the job files it under its new
 * values. Sums and counts add up; medians and p90s are taken over the union of
 * the durations the rows keep and those of the conversations read; a DAY or
 * HOUR bucket is a single day's (a day is read from one side only), so its
 * medians are the row's own; a WEEK bucket's are taken over its days' values.
 */
function rolledUpCohort(
  workspaceId: string,
  where: string[],
  params: unknown[],
  dims: Dimensions,
  days: { first: Date; last: Date },
  durableBefore: Date,
  granularity: Granularity,
): [string, unknown[]] {
  const args: unknown[] = [];
  const p = (...values: unknown[]) => {
    args.push(...values);
    return values.map(() => '?').join(', ');
  };
  const columns = () => `c.created_at, c.resolved_at is not null as resolved,
        (c.resolved_at is not null and c.status = 'RESOLVED' and c.resolved_at <= ${p(durableBefore)}) as durable,
        c.handoff_reason, c.csat_score, c.assignee_id,
        extract(epoch from c.first_response_at - c.created_at)::float8 as frt,
        extract(epoch from c.resolved_at - c.created_at)::float8 as rt,
        extract(epoch from c.first_response_at - c.created_at) as frt_x,
        extract(epoch from c.resolved_at - c.created_at) as rt_x,
        ${CONVERSATION_FACTS}`;
  // The filter's conditions, with their parameters added in place.
  const filtered = () => {
    let i = 0;
    return where.map((w) => w.replace(/\?/g, () => p(params[i++]))).join(' and ');
  };
  const mask = dims.reduce((m, [c]) => m | DIM_BITS[c], 0);
  const rows = (m: number, extra = '') =>
    `select * from conversation_rollup_daily r where r.workspace_id = ${p(workspaceId)} and r.dims = ${p(m)}
       ${dims.map(([c, v]) => `and r.${c} = ${p(v)}`).join(' ')} ${extra}
       and r.day >= ${p(days.first)} and r.day < ${p(days.last)} and r.day not in (select day from dirty)`;
  const cte = `with dirty as materialized (
      select distinct day from conversation_rollup_dirty where workspace_id = ${p(workspaceId)} and day >= ${p(days.first)} and day < ${p(days.last)}),
    conv as materialized (
      select ${columns()} from conversation c where ${filtered()} and c.created_at < ${p(days.first)}
      union all
      select ${columns()} from conversation c where ${filtered()} and c.created_at >= ${p(days.last)}
      union all
      select ${columns()} from dirty d join conversation c on c.created_at >= d.day and c.created_at < d.day + interval '1 day' where ${filtered()}),
    ru as materialized (${rows(mask)}),
    ra as materialized (${mask & DIM_BITS.assignee_id ? 'select * from ru where assignee_id is not null' : rows(mask | DIM_BITS.assignee_id, 'and r.assignee_id is not null')})`;
  const sum = (expr: string) => `coalesce(sum(${expr}), 0)`;
  const FRT_N = 'cardinality(frt_ai) + cardinality(frt_human) + cardinality(frt_other)';
  const duration = (name: string, n: string, total: string) =>
    `a.${n} + b.${n} as ${name}_n, ((a.${total} + b.${total}) / nullif(a.${n} + b.${n}, 0))::float8 as ${name}_avg, v.${name}_med, v.${name}_p90`;
  const csat = (name: string) => ['ratings', 'positive', 'resolved', 'rated_resolved'].map((f) => `a.${name}_${f} + b.${name}_${f} as ${name}_${f}`).join(', ');
  const ruCsat = (name: string, of: (f: string) => string) =>
    ['ratings', 'positive', 'resolved', 'rated_resolved'].map((f) => `${sum(of(f))}::int as ${name}_${f}`).join(', ');
  const pct = (name: string, expr: string, where = 'true') =>
    `percentile_cont(0.5) within group (order by ${expr}) filter (where ${where}) as ${name}_med,
     percentile_cont(0.9) within group (order by ${expr}) filter (where ${where}) as ${name}_p90`;
  const week = granularity === Granularity.WEEK;
  const ruBuckets =
    granularity === Granularity.HOUR
      ? `select (ru.day at time zone 'UTC') + x.h * interval '1 hour', x.created, x.resolved, x.handed_off, x.frt_med, x.rt_med, x.ai_handled, x.ai_resolved, x.ratings, x.positive
           from ru, unnest(ru.hours, ru.h_created, ru.h_resolved, ru.h_handed_off, ru.h_frt_med, ru.h_rt_med, ru.h_ai_handled, ru.h_ai_resolved, ru.h_ratings, ru.h_positive)
             x (h, created, resolved, handed_off, frt_med, rt_med, ai_handled, ai_resolved, ratings, positive)`
      : `select date_trunc('${TRUNC[granularity]}', ru.day at time zone 'UTC'), created, resolved, handed_off, frt_med, rt_med, ai_handled, ai_resolved,
                csat_ai_ratings + csat_human_ratings, csat_ai_positive + csat_human_positive from ru`;
  const rawBuckets = bucketsFromConversations(granularity);
  // A week mixes rolled-up days and days read from the conversations: its counts add up, its medians come from the values.
  const buckets = week
    ? `bucket_counts as (select bucket, sum(created)::int as created, sum(resolved)::int as resolved, sum(handed_off)::int as handed_off,
           sum(ai_handled)::int as ai_handled, sum(ai_resolved)::int as ai_resolved, sum(ratings)::int as ratings, sum(positive)::int as positive
         from (select bucket, created, resolved, handed_off, ai_handled, ai_resolved, ratings, positive from (${rawBuckets}) r
               union all
               select date_trunc('week', day at time zone 'UTC'), created, resolved, handed_off, ai_handled, ai_resolved,
                      csat_ai_ratings + csat_human_ratings, csat_ai_positive + csat_human_positive from ru) x group by 1),
       bucket_values as (select date_trunc('week', created_at at time zone 'UTC') as bucket, frt, rt from conv
         union all select date_trunc('week', day at time zone 'UTC'), v, null::float8 from ru, unnest(ru.frt_ai || ru.frt_human || ru.frt_other) v
         union all select date_trunc('week', day at time zone 'UTC'), null::float8, v from ru, unnest(ru.rt) v),
       buckets as (select c.bucket, c.created, c.resolved, c.handed_off, m.frt_med, m.rt_med, c.ai_handled, c.ai_resolved, c.ratings, c.positive
         from bucket_counts c left join (select bucket, percentile_cont(0.5) within group (order by frt) as frt_med, percentile_cont(0.5) within group (order by rt) as rt_med
                                      from bucket_values group by 1) m using (bucket))`
    : `buckets as (${rawBuckets} union all ${ruBuckets})`;
  const sql = `${cte},
    raw_totals as (select count(*)::int as created, count(*) filter (where resolved)::int as resolved,
        count(*) filter (where had_ai)::int as ai_handled, count(*) filter (where had_ai and resolved and not had_agent)::int as ai_resolved,
        count(*) filter (where ${HANDOFF})::int as handed_off, count(*) filter (where durable)::int as durable,
        count(frt)::int as frt_n, ${sum('frt_x')} as frt_sum,
        count(frt) filter (where first_responder = 'AI')::int as frt_ai_n, coalesce(sum(frt_x) filter (where first_responder = 'AI'), 0) as frt_ai_sum,
        count(frt) filter (where first_responder = 'AGENT')::int as frt_human_n, coalesce(sum(frt_x) filter (where first_responder = 'AGENT'), 0) as frt_human_sum,
        count(rt)::int as rt_n, ${sum('rt_x')} as rt_sum,
        ${csatColumns('csat_all', 'true')}, ${csatColumns('csat_ai', 'not had_agent')}, ${csatColumns('csat_human', 'had_agent')}
      from conv),
    ru_totals as (select ${sum('created')}::int as created, ${sum('resolved')}::int as resolved, ${sum('ai_handled')}::int as ai_handled,
        ${sum('ai_resolved')}::int as ai_resolved, ${sum('handed_off')}::int as handed_off,
        ${sum(`(select count(*) from unnest(durable_at) t where t <= ${p(durableBefore)})`)}::int as durable,
        ${sum(FRT_N)}::int as frt_n, ${sum('frt_ai_sum + frt_human_sum + frt_other_sum')} as frt_sum,
        ${sum('cardinality(frt_ai)')}::int as frt_ai_n, ${sum('frt_ai_sum')} as frt_ai_sum,
        ${sum('cardinality(frt_human)')}::int as frt_human_n, ${sum('frt_human_sum')} as frt_human_sum,
        ${sum('cardinality(rt)')}::int as rt_n, ${sum('rt_sum')} as rt_sum,
        ${ruCsat('csat_all', (f) => `csat_ai_${f} + csat_human_${f}`)}, ${ruCsat('csat_ai', (f) => `csat_ai_${f}`)}, ${ruCsat('csat_human', (f) => `csat_human_${f}`)}
      from ru),
    vals as (select frt, first_responder, rt from conv
      union all select v, 'AI', null::float8 from ru, unnest(ru.frt_ai) v
      union all select v, 'AGENT', null::float8 from ru, unnest(ru.frt_human) v
      union all select v, null::text, null::float8 from ru, unnest(ru.frt_other) v
      union all select null::float8, null::text, v from ru, unnest(ru.rt) v),
    pcts as (select ${pct('frt', 'frt')}, ${pct('frt_ai', 'frt', "first_responder = 'AI'")}, ${pct('frt_human', 'frt', "first_responder = 'AGENT'")}, ${pct('rt', 'rt')}
      from vals),
    totals as (select a.created + b.created as created, a.resolved + b.resolved as resolved, a.ai_handled + b.ai_handled as ai_handled,
        a.ai_resolved + b.ai_resolved as ai_resolved, a.handed_off + b.handed_off as handed_off, a.durable + b.durable as durable,
        ${duration('frt', 'frt_n', 'frt_sum')}, ${duration('frt_ai', 'frt_ai_n', 'frt_ai_sum')}, ${duration('frt_human', 'frt_human_n', 'frt_human_sum')},
        ${duration('rt', 'rt_n', 'rt_sum')}, ${csat('csat_all')}, ${csat('csat_ai')}, ${csat('csat_human')}
      from raw_totals a, ru_totals b, pcts v),
    reasons as (select label, sum(n)::int as count from (
        select handoff_reason as label, count(*) as n from conv where ${HANDOFF} group by 1
        union all select key, value::int from ru, jsonb_each_text(ru.reasons)) x group by 1),
    intents as (select label, sum(n)::int as count from (
        select coalesce(intent, 'unknown') as label, count(*) as n from conv group by 1
        union all select key, value::int from ru, jsonb_each_text(ru.intents)) x group by 1),
    agent_counts as (select assignee_id, sum(handled)::int as handled, sum(ratings)::int as ratings, sum(positive)::int as positive from (
        select assignee_id, count(*) as handled, count(csat_score) as ratings, count(*) filter (where csat_score >= 4) as positive from conv where assignee_id is not null group by 1
        union all select assignee_id, created, csat_ai_ratings + csat_human_ratings, csat_ai_positive + csat_human_positive from ra) x group by 1),
    agent_values as (select assignee_id, frt, rt from conv where assignee_id is not null
        union all select assignee_id, v, null::float8 from ra, unnest(ra.frt_ai || ra.frt_human || ra.frt_other) v
        union all select assignee_id, null::float8, v from ra, unnest(ra.rt) v),
    agents as (select c.assignee_id, c.handled, m.frt_med, m.rt_med, c.ratings, c.positive
        from agent_counts c left join (select assignee_id, percentile_cont(0.5) within group (order by frt) as frt_med, percentile_cont(0.5) within group (order by rt) as rt_med
                                    from agent_values group by 1) m using (assignee_id)),
    ${buckets}
    select (select row_to_json(totals) from totals) as totals,
      (select coalesce(json_agg(reasons order by count desc, label), '[]') from reasons) as reasons,
      (select coalesce(json_agg(intents order by count desc, label), '[]') from intents) as intents,
      (select coalesce(json_agg(agents order by handled desc, assignee_id), '[]') from agents) as agents,
      (select coalesce(json_agg(buckets), '[]') from buckets) as buckets`;
  return [sql, args];
}
