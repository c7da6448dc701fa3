// Maintains the hourly message rollups that the analytics overview reads for
// whole hours instead of scanning messages: message_rollup_hourly (by author
// type and model configuration) and message_dimension_rollup_hourly (by
// author type and the conversation's mode, assignee and channel, for the
// filtered overview; a conversation changing those moves its counts itself,
// see the conversation_dimension_rollups trigger).
// Also the daily conversation rollups (conversation_rollup_daily, see
// rollUpConversations below and the conversation_rollups migration): the
// conversation figures of each UTC day, under every combination of those
// filters, recomputed for the days that have ended and for every day a
// conversation change has marked dirty since.
// Each run recomputes every hour from the watermark up to the last hour that
// ended more than GRACE ago (late commits of that hour have landed by then),
// in one transaction, and moves the watermark. Idempotent; concurrent runs
// serialise on the state row.
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';

export const ROLLUP_STATE = 'message_hourly';
/** The conversation rollups' watermark: every UTC day before it is rolled up (the days marked dirty since excepted). */
export const CONVERSATION_ROLLUP_STATE = 'conversation_daily';
const GRACE = "interval '5 minutes'";
/** At most this many hours per run, so the first run on a large database is a series of bounded transactions. */
const MAX_HOURS_PER_RUN = 24 * 31;

export type RollupData = Record<string, never>;

export const rollupJob: JobDefinition<RollupData> = {
  name: 'analytics.rollup',
  queue: QUEUES.maintenance,
  async handle(_data, { orm, logger }) {
    let hours = 0;
    for (;;) {
      const done = await forkFor(orm, null).transactional(async (tx) => {
        const run = <T>(sql: string, params: unknown[] = []) => tx.execute<T[]>(sql, params as never[]);
        await run(
          `insert into analytics_rollup_state (name, rolled_up_to) values (?, date_trunc('hour', coalesce((select min(created_at) from message), now()), 'UTC'))
                     on conflict (name) do nothing`,
          [ROLLUP_STATE],
        );
        const [state] = await run<{ from: Date; to: Date }>(
          `select rolled_up_to as "from",
                  least(date_trunc('hour', now() - ${GRACE}, 'UTC'), rolled_up_to + interval '${MAX_HOURS_PER_RUN} hours') as "to"
             from analytics_rollup_state where name = ? for update`,
          [ROLLUP_STATE],
        );
        const from = new Date(state!.from);
        const to = new Date(state!.to);
        // Rows that moves between dimension values left empty (no move runs while this lock is held).
        await run(`delete from message_dimension_rollup_hourly where messages = 0`);
        if (!(to > from)) return 0;
        await run(`delete from message_rollup_hourly where hour >= ? and hour < ?`, [from, to]);
        await run(`delete from message_dimension_rollup_hourly where hour >= ? and hour < ?`, [from, to]);
        await run(
          `insert into message_rollup_hourly (workspace_id, hour, author_type, model_config_id, messages, prompt_tokens, completion_tokens, latency_ms_sum, latency_n)
           select workspace_id, date_trunc('hour', created_at, 'UTC'), author_type, model_config_id, count(*),
                  coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), coalesce(sum(latency_ms), 0), count(latency_ms)
             from message where created_at >= ? and created_at < ? and kind = 'MESSAGE'
            group by 1, 2, 3, 4`,
          [from, to],
        );
        // The conversation's dimensions as they are now; the state row lock keeps moves out until this commits.
        await run(
          `insert into message_dimension_rollup_hourly (workspace_id, hour, mode, assignee_id, channel, author_type, messages)
           select m.workspace_id, date_trunc('hour', m.created_at, 'UTC'), c.mode, c.assignee_id, c.channel, m.author_type, count(*)
             from message m join conversation c on c.id = m.conversation_id
            where m.created_at >= ? and m.created_at < ? and m.kind = 'MESSAGE'
            group by 1, 2, 3, 4, 5, 6`,
          [from, to],
        );
        await run(`update analytics_rollup_state set rolled_up_to = ? where name = ?`, [to, ROLLUP_STATE]);
        return Math.round((to.getTime() - from.getTime()) / 3600_000);
      });
      hours += done;
      if (done < MAX_HOURS_PER_RUN) break;
    }
    let days = 0;
    for (;;) {
      const done = await forkFor(orm, null).transactional((tx) =>
        rollUpConversations(<T>(sql: string, params: unknown[] = []) => tx.execute<T[]>(sql, params as never[])),
      );
      days += done;
      if (done < MAX_DAYS_PER_RUN) break;
    }
    if (hours || days) logger.debug({ hours, days }, 'analytics: rollups advanced');
    return { hours };
  },
};

/** At most this many days past the watermark per transaction (the first run on a large database). */
const MAX_DAYS_PER_RUN = 31;

/** Handoffs the AI or the customer caused (as the overview counts them). */
const HANDOFF = "handoff_reason is not null and handoff_reason not in ('agent_took_over', 'agent_request')";
/** A rollup row's filter values, for joining the parts computed per row (null-safe: dims tells "any" from "none"). */
const KEY = `format('%s|%s|%s|%s|%s|%s', workspace_id, day, dims, mode, assignee_id, channel)`;
const GROUPS = `workspace_id, day, 7 - grouping(channel, assignee_id, mode) as dims, mode, assignee_id, channel`;
/** Every filter combination of each day: dims is its bitmask (1 mode, 2 assignee, 4 channel). */
const CUBE = `group by workspace_id, day, cube(mode, assignee_id, channel)`;

/**
 * Recomputes the conversation rollups of the days past the watermark that
 * have ended (at most MAX_DAYS_PER_RUN of them) and of every earlier day
 * marked dirty, and moves the watermark; one transaction. The marks deleted
 * are those this run read (a statement's snapshot): a change committed later
 * keeps its mark, and its day is read from the conversations until the next run.
 */
async function rollUpConversations(run: <T>(sql: string, params?: unknown[]) => Promise<T[]>): Promise<number> {
  await run(
    `insert into analytics_rollup_state (name, rolled_up_to) values (?, date_trunc('day', coalesce((select min(created_at) from conversation), now()), 'UTC'))
       on conflict (name) do nothing`,
    [CONVERSATION_ROLLUP_STATE],
  );
  const [state] = await run<{ from: Date; to: Date }>(
    `select rolled_up_to as "from", greatest(rolled_up_to, least(date_trunc('day', now() - ${GRACE}, 'UTC'), rolled_up_to + interval '${MAX_DAYS_PER_RUN} days')) as "to"
       from analytics_rollup_state where name = ? for update`,
    [CONVERSATION_ROLLUP_STATE],
  );
  const from = new Date(state!.from);
  const to = new Date(state!.to);
  const marked = await run<{ workspace_id: string; day: Date | string }>(
    `with m as (delete from conversation_rollup_dirty where day < ? returning workspace_id, day) select distinct workspace_id, day from m where day < ?`,
    [to, from],
  );
  if (!(to > from) && !marked.length) return 0;
  const ws = `{${marked.map((m) => m.workspace_id).join(',')}}`;
  const ds = `{${marked.map((m) => `"${new Date(m.day).toISOString()}"`).join(',')}}`;
  const targets = `select * from unnest(?::uuid[], ?::timestamptz[]) t (workspace_id, day)`;
  await run(`delete from conversation_rollup_daily where (day >= ? and day < ?) or (workspace_id, day) in (${targets})`, [from, to, ws, ds]);
  const facts = `c.workspace_id, date_trunc('day', c.created_at, 'UTC') as day, extract(hour from c.created_at at time zone 'UTC')::int as h,
      c.mode, c.assignee_id, c.channel, c.resolved_at is not null as resolved, c.resolved_at,
      (c.resolved_at is not null and c.status = 'RESOLVED') as done, c.handoff_reason, c.csat_score,
      c.had_agent_reply as had_agent, c.had_ai_reply as had_ai, c.first_responder, c.intent,
      extract(epoch from c.first_response_at - c.created_at) as frt_x, extract(epoch from c.resolved_at - c.created_at) as rt_x,
      extract(epoch from c.first_response_at - c.created_at)::float8 as frt, extract(epoch from c.resolved_at - c.created_at)::float8 as rt`;
  const csat = (name: string, where: string) => `count(csat_score) filter (where ${where})::int as csat_${name}_ratings,
      count(*) filter (where csat_score >= 4 and ${where})::int as csat_${name}_positive,
      count(*) filter (where resolved and ${where})::int as csat_${name}_resolved,
      count(csat_score) filter (where resolved and ${where})::int as csat_${name}_rated_resolved`;
  const OTHER = "first_responder is distinct from 'AI' and first_responder is distinct from 'AGENT'";
  await run(
    `insert into conversation_rollup_daily (workspace_id, day, dims, mode, assignee_id, channel, created, resolved, ai_handled, ai_resolved, handed_off,
        csat_ai_ratings, csat_ai_positive, csat_ai_resolved, csat_ai_rated_resolved, csat_human_ratings, csat_human_positive, csat_human_resolved, csat_human_rated_resolved,
        frt_ai, frt_human, frt_other, rt, frt_ai_sum, frt_human_sum, frt_other_sum, rt_sum, durable_at, reasons, intents, frt_med, rt_med,
        hours, h_created, h_resolved, h_handed_off, h_ai_handled, h_ai_resolved, h_ratings, h_positive, h_frt_med, h_rt_med)
     with conv as materialized (
       select ${facts} from conversation c where c.created_at >= ? and c.created_at < ?
       union all
       select ${facts} from (${targets}) t join conversation c on c.workspace_id = t.workspace_id and c.created_at >= t.day and c.created_at < t.day + interval '1 day'),
     daily as (select ${GROUPS},
         count(*)::int as created, count(*) filter (where resolved)::int as resolved, count(*) filter (where had_ai)::int as ai_handled,
         count(*) filter (where had_ai and resolved and not had_agent)::int as ai_resolved, count(*) filter (where ${HANDOFF})::int as handed_off,
         ${csat('ai', 'not had_agent')}, ${csat('human', 'had_agent')},
         coalesce(array_agg(frt) filter (where frt is not null and first_responder = 'AI'), '{}') as frt_ai,
         coalesce(array_agg(frt) filter (where frt is not null and first_responder = 'AGENT'), '{}') as frt_human,
         coalesce(array_agg(frt) filter (where frt is not null and ${OTHER}), '{}') as frt_other,
         coalesce(array_agg(rt) filter (where rt is not null), '{}') as rt,
         coalesce(sum(frt_x) filter (where first_responder = 'AI'), 0) as frt_ai_sum,
         coalesce(sum(frt_x) filter (where first_responder = 'AGENT'), 0) as frt_human_sum,
         coalesce(sum(frt_x) filter (where ${OTHER}), 0) as frt_other_sum,
         coalesce(sum(rt_x), 0) as rt_sum,
         coalesce(array_agg(resolved_at order by resolved_at) filter (where done), '{}') as durable_at,
         percentile_cont(0.5) within group (order by frt) as frt_med, percentile_cont(0.5) within group (order by rt) as rt_med
       from conv ${CUBE}),
     hourly as (select ${GROUPS}, h,
         count(*)::int as created, count(*) filter (where resolved)::int as resolved, count(*) filter (where ${HANDOFF})::int as handed_off,
         count(*) filter (where had_ai)::int as ai_handled, count(*) filter (where had_ai and resolved and not had_agent)::int as ai_resolved,
         count(csat_score)::int as ratings, count(*) filter (where csat_score >= 4)::int as positive,
         percentile_cont(0.5) within group (order by frt) as frt_med, percentile_cont(0.5) within group (order by rt) as rt_med
       from conv group by workspace_id, day, h, cube(mode, assignee_id, channel)),
     hours as (select ${KEY} as k, array_agg(h order by h) as hours, array_agg(created order by h) as created, array_agg(resolved order by h) as resolved,
         array_agg(handed_off order by h) as handed_off, array_agg(ai_handled order by h) as ai_handled, array_agg(ai_resolved order by h) as ai_resolved,
         array_agg(ratings order by h) as ratings, array_agg(positive order by h) as positive, array_agg(frt_med order by h) as frt_med, array_agg(rt_med order by h) as rt_med
       from hourly group by ${KEY}),
     reasons as (select ${KEY} as k, jsonb_object_agg(label, n) as reasons from (
         select ${GROUPS}, handoff_reason as label, count(*)::int as n from conv where ${HANDOFF} group by workspace_id, day, handoff_reason, cube(mode, assignee_id, channel)) x
       group by 1),
     intents as (select ${KEY} as k, jsonb_object_agg(label, n) as intents from (
         select ${GROUPS}, coalesce(intent, 'unknown') as label, count(*)::int as n from conv group by workspace_id, day, coalesce(intent, 'unknown'), cube(mode, assignee_id, channel)) x
       group by 1)
     select d.workspace_id, d.day, d.dims, d.mode, d.assignee_id, d.channel, d.created, d.resolved, d.ai_handled, d.ai_resolved, d.handed_off,
        d.csat_ai_ratings, d.csat_ai_positive, d.csat_ai_resolved, d.csat_ai_rated_resolved, d.csat_human_ratings, d.csat_human_positive, d.csat_human_resolved, d.csat_human_rated_resolved,
        d.frt_ai, d.frt_human, d.frt_other, d.rt, d.frt_ai_sum, d.frt_human_sum, d.frt_other_sum, d.rt_sum, d.durable_at,
        coalesce(r.reasons, '{}'), coalesce(i.intents, '{}'), d.frt_med, d.rt_med,
        h.hours, h.created, h.resolved, h.handed_off, h.ai_handled, h.ai_resolved, h.ratings, h.positive, h.frt_med, h.rt_med
       from (select ${KEY} as k, daily.* from daily) d
       join hours h using (k) left join reasons r using (k) left join intents i using (k)`,
    [from, to, ws, ds],
  );
  await run(`update analytics_rollup_state set rolled_up_to = ? where name = ?`, [to, CONVERSATION_ROLLUP_STATE]);
  return Math.round((to.getTime() - from.getTime()) / 86400_000);
}
