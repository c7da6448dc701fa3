// Maintains the hourly message rollups that the analytics overview reads for
// whole hours instead of scanning messages: message_rollup_hourly (by author
// type and model configuration) and message_dimension_rollup_hourly (by
// author type and the conversation's mode, assignee and channel, for the
// filtered overview; a conversation changing those moves its counts itself,
// see the conversation_dimension_rollups trigger).
// Each run recomputes every hour from the watermark up to the last hour that
// ended more than GRACE ago (late commits of that hour have landed by then),
// in one transaction, and moves the watermark. Idempotent; concurrent runs
// serialise on the state row.
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';

export const ROLLUP_STATE = 'message_hourly';
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
    if (hours) logger.debug({ hours }, 'analytics: message rollups advanced');
    return { hours };
  },
};
