// The analytics overview on the large dataset (100 000 conversations,
// 1 000 000 messages; scripts/large-dataset.ts), on real PostgreSQL, with the
// rollups (per-conversation reply facts kept by a trigger, hourly message
// rollups kept by the analytics.rollup job, by author type and by the
// conversation's mode, assignee and channel) and without them (everything
// recomputed from conversations and messages on every query), alternated in
// one run, unfiltered and filtered by each dimension and by combinations.
// Target: < 300 ms p95 for every 30-day overview with the rollups.
//
//   npm run bench -w @switchboard/api -- analytics
//
// Environment: BENCH_ANALYTICS_DATABASE_URL (postgres://postgres@127.0.0.1:5432/sb_analytics_bench;
// created and seeded on first use, kept for later runs), BENCH_RUNS (40 per mode and query),
// BENCH_ANALYTICS_RESEED=1 (drop and seed again), BENCH_CASES (a substring: only the cases whose name has it).
import 'reflect-metadata';
import { print } from 'graphql';
import { AnalyticsDocument } from '@switchboard/schema';
import { graphqlPoster, openLargeDataset } from './bench-db.js';
import { createAppServer } from '../src/app/server.js';
import { rollupJob } from '../src/modules/analytics/rollup.job.js';
import { LARGE_ADMIN_EMAIL, LARGE_ADMIN_PASSWORD } from '../scripts/large-dataset.js';

const env = process.env;
const DB_URL = env.BENCH_ANALYTICS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sb_analytics_bench';
const RUNS = Number(env.BENCH_RUNS ?? 40);
const TARGET_MS = 300;

// The admin dashboard's own operation (packages/schema/operations/analytics.graphql).
const OVERVIEW = print(AnalyticsDocument);

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function main() {
  const { logger, config, orm, ws } = await openLargeDataset(DB_URL, env.BENCH_ANALYTICS_RESEED === '1');
  const [counts] = await orm.em
    .getConnection()
    .execute<{ conversations: number; messages: number }[]>(
      `select (select count(*)::int from conversation where workspace_id = ?) as conversations, (select count(*)::int from message where workspace_id = ?) as messages`,
      [ws.id, ws.id],
    );
  // The hourly message rollups, as the scheduled analytics.rollup job keeps them.
  const t0 = Date.now();
  const rolled = await rollupJob.handle({}, { orm, logger, config } as never);
  console.log(`message rollups brought up to date (${(rolled as { hours: number }).hours} hours) in ${round((Date.now() - t0) / 1000)} s`);
  const server = await createAppServer({ config, orm, logger });
  const url = `${await server.listen(0, '127.0.0.1')}/graphql`;
  try {
    const post = graphqlPoster(url);
    const token = (
      await post(`mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { accessToken } }`, {
        e: LARGE_ADMIN_EMAIL,
        p: LARGE_ADMIN_PASSWORD,
      })
    ).logIn.accessToken as string;
    const now = Date.now();
    const days = (n: number) => ({ from: new Date(now - n * 86400_000).toISOString(), to: new Date(now).toISOString() });
    // The agent with the most conversations (each of the 25 has about 1/25 of the human ones).
    const [agent] = await orm.em
      .getConnection()
      .execute<{ id: string; name: string }[]>(
        `select u.id, u.name from "user" u join conversation c on c.assignee_id = u.id where u.workspace_id = ? group by 1, 2 order by count(*) desc, 1 limit 1`,
        [ws.id],
      );
    const month = (filter?: Record<string, string>) => ({ range: days(30), granularity: 'DAY', ...(filter ? { filter } : {}) });
    const cases = [
      { name: '30 days, DAY', vars: month() },
      { name: '30 days, HOUR', vars: { range: days(30), granularity: 'HOUR' } },
      { name: '30 days, mode HUMAN', vars: month({ mode: 'HUMAN' }) },
      { name: '30 days, mode AI', vars: month({ mode: 'AI' }) },
      { name: '30 days, assignee', vars: month({ assigneeId: agent!.id }) },
      { name: '30 days, channel EMAIL', vars: month({ channel: 'EMAIL' }) },
      { name: '30 days, channel WEB_WIDGET', vars: month({ channel: 'WEB_WIDGET' }) },
      { name: '30 days, HUMAN + assignee', vars: month({ mode: 'HUMAN', assigneeId: agent!.id }) },
      { name: '30 days, AI + WEB_WIDGET', vars: month({ mode: 'AI', channel: 'WEB_WIDGET' }) },
      { name: '30 days, HUMAN + assignee + API', vars: month({ mode: 'HUMAN', assigneeId: agent!.id, channel: 'API' }) },
      { name: '90 days, WEEK', vars: { range: days(90), granularity: 'WEEK' } },
    ].filter((c) => !env.BENCH_CASES || c.name.includes(env.BENCH_CASES));
    const rollupRows = (table: string) =>
      orm.em
        .getConnection()
        .execute<{ n: number }[]>(`select count(*)::int as n from ${table} where workspace_id = ? and hour >= ?`, [ws.id, days(30).from])
        .then(
          ([r]) => r!.n,
          () => 'n/a',
        ); // before the dimension rollups existed
    console.log(
      `Analytics overview on PostgreSQL: ${counts!.conversations} conversations, ${counts!.messages} messages in the workspace; ${RUNS} runs per mode and query, alternated`,
    );
    console.log(
      `Rollup rows in the last 30 days: ${await rollupRows('message_rollup_hourly')} by author type and model, ${await rollupRows('message_dimension_rollup_hourly')} by author type, mode, assignee and channel; assignee: ${agent!.name}`,
    );
    const table: string[] = [
      '| query | conversations | messages | rollups p50 | rollups p95 | recomputed p50 | recomputed p95 | same |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    let pass = true;
    for (const c of cases) {
      const times: Record<'rollups' | 'recomputed', number[]> = { rollups: [], recomputed: [] };
      const results: Record<string, string> = {};
      for (let i = 0; i < RUNS + 2; i++) {
        for (const mode of i % 2 ? (['recomputed', 'rollups'] as const) : (['rollups', 'recomputed'] as const)) {
          config.analyticsRollups = mode === 'rollups';
          const t0 = performance.now();
          const data = await post(OVERVIEW, c.vars, token);
          const ms = performance.now() - t0;
          if (i >= 2) times[mode].push(ms); // two warm-up rounds
          results[mode] = JSON.stringify(data);
        }
      }
      config.analyticsRollups = true;
      for (const list of Object.values(times)) list.sort((a, b) => a - b);
      const same = results.rollups === results.recomputed;
      const line = (mode: 'rollups' | 'recomputed') => {
        const s = times[mode];
        return `${mode} p50 ${round(pct(s, 50))} ms, p95 ${round(pct(s, 95))} ms`;
      };
      const p95 = pct(times.rollups, 95);
      // The target is for 30-day ranges; longer ones are reported for information.
      const targeted = c.name.startsWith('30 days');
      const ok = (!targeted || p95 < TARGET_MS) && same;
      pass &&= ok;
      const { analytics } = JSON.parse(results.rollups!);
      const created = analytics.conversationsCreated;
      const messages = analytics.messagesByAuthorType.reduce((n: number, r: { count: number }) => n + r.count, 0);
      console.log(
        `  ${c.name.padEnd(32)} (${created} conversations, ${messages} messages) ${line('rollups')} | ${line('recomputed')} | speed-up ${round(pct(times.recomputed, 50) / pct(times.rollups, 50), 1)}× | same numbers: ${same} ${ok ? 'PASS' : 'FAIL'}${targeted ? '' : ' (no latency target)'}`,
      );
      const ms = (mode: 'rollups' | 'recomputed', p: number) => round(pct(times[mode], p));
      table.push(
        `| ${c.name} | ${created} | ${messages} | ${ms('rollups', 50)} | ${ms('rollups', 95)} | ${ms('recomputed', 50)} | ${ms('recomputed', 95)} | ${same} |`,
      );
    }
    console.log(table.join('\n'));
    console.log(`Every 30-day overview < ${TARGET_MS} ms p95 with rollups, and every figure identical to the recomputed ones: ${pass ? 'PASS' : 'FAIL'}`);
  } finally {
    await server.stop();
    await orm.close(true);
  }
}
