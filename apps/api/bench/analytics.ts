// The analytics overview on the large dataset (100 000 conversations,
// 1 000 000 messages; scripts/large-dataset.ts), on real PostgreSQL, with the
// rollups (per-conversation reply facts and intent kept by triggers, hourly message
// rollups kept by the analytics.rollup job, by author type and by the
// conversation's mode, assignee and channel, and daily conversation rollups
// by every combination of those) and without them (everything
// recomputed from conversations and messages on every query), alternated in
// one run, unfiltered and filtered by each dimension and by combinations.
// Target: < 300 ms p95 for every 30-day overview with the rollups.
//
//   npm run bench -w @switchboard/api -- analytics
//
// Environment: BENCH_ANALYTICS_DATABASE_URL (postgres://postgres@127.0.0.1:5432/sb_analytics_bench;
// created and seeded on first use, kept for later runs), BENCH_RUNS (40 per mode and query),
// BENCH_ANALYTICS_RESEED=1 (drop and seed again), BENCH_CASES (a substring: only the cases whose name has it),
// BENCH_ANALYTICS_BASE (a git revision, e.g. main: its analytics.service.ts, loaded from git,
// runs as a third mode "base" with its rollups, alternated with the other two: before/after in one run),
// BENCH_ANALYTICS_MODES (e.g. base,rollups: the modes timed; the recomputed figures are still
// fetched once per query to compare with).
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { print } from 'graphql';
import { AnalyticsDocument } from '@switchboard/schema';
import { graphqlPoster, openLargeDataset } from './bench-db.js';
import { createAppServer } from '../src/app/server.js';
import { rollupJob } from '../src/modules/analytics/rollup.job.js';
import { AnalyticsService } from '../src/modules/analytics/analytics.service.js';
import { LARGE_ADMIN_EMAIL, LARGE_ADMIN_PASSWORD } from '../scripts/large-dataset.js';

const env = process.env;
const DB_URL = env.BENCH_ANALYTICS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sb_analytics_bench';
const RUNS = Number(env.BENCH_RUNS ?? 40);
const TARGET_MS = 300;

// The admin dashboard's own operation (packages/schema/operations/analytics.graphql).
const OVERVIEW = print(AnalyticsDocument);

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

type Mode = 'rollups' | 'recomputed' | 'base';

/**
 * The overview as another revision computes it: its analytics.service.ts from
 * git, written to a temporary file whose relative imports point back into
 * this tree (the rest of the code is this revision's).
 */
async function baseOverview(rev: string): Promise<AnalyticsService['overview']> {
  const original = new URL('../src/modules/analytics/analytics.service.ts', import.meta.url);
  const text = execFileSync('git', ['show', `${rev}:apps/api/src/modules/analytics/analytics.service.ts`], {
    cwd: fileURLToPath(new URL('.', original)),
    encoding: 'utf8',
  }).replace(/from '(\.\.?\/[^']+)'/g, (_, spec: string) => `from '${new URL(spec.replace(/\.js$/, '.ts'), original).href}'`); // as the TypeScript loader resolves it
  const dir = mkdtempSync(join(tmpdir(), 'analytics-base-'));
  const file = join(dir, 'analytics.service.ts');
  writeFileSync(file, text);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { AnalyticsService: typeof AnalyticsService };
    return mod.AnalyticsService.prototype.overview;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main() {
  const base = env.BENCH_ANALYTICS_BASE ? await baseOverview(env.BENCH_ANALYTICS_BASE) : null;
  const current = AnalyticsService.prototype.overview;
  const modes = ((base ? ['base', 'rollups', 'recomputed'] : ['rollups', 'recomputed']) as Mode[]).filter(
    (m) => !env.BENCH_ANALYTICS_MODES || m === 'rollups' || env.BENCH_ANALYTICS_MODES.split(',').includes(m),
  );
  const { logger, config, orm, ws } = await openLargeDataset(DB_URL, env.BENCH_ANALYTICS_RESEED === '1');
  const [counts] = await orm.em
    .getConnection()
    .execute<{ conversations: number; messages: number }[]>(
      `select (select count(*)::int from conversation where workspace_id = ?) as conversations, (select count(*)::int from message where workspace_id = ?) as messages`,
      [ws.id, ws.id],
    );
  // The hourly message rollups and the daily conversation rollups, as the scheduled analytics.rollup job keeps them.
  const t0 = Date.now();
  const rolled = await rollupJob.handle({}, { orm, logger, config } as never);
  console.log(`message rollups brought up to date (${(rolled as { hours: number }).hours} hours) in ${round((Date.now() - t0) / 1000)} s`);
  // What autovacuum does to them soon after a large catch-up: statistics (and a visibility map) for the rows the job just wrote.
  await orm.em.getConnection().execute('vacuum analyze message_rollup_hourly, message_dimension_rollup_hourly, conversation_rollup_daily');
  const server = await createAppServer({ config, orm, logger });
  const url = `${await server.listen(0, '127.0.0.1')}/graphql`;
  try {
    const post = graphqlPoster(url);
    // A fresh access token per query: a long run outlives one.
    const logIn = async () =>
      (
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
      `| query | conversations | messages | ${modes.map((m) => `${m} p50 | ${m} p95`).join(' | ')} | same |`,
      `| --- | --- | --- | ${modes.map(() => '--- | ---').join(' | ')} | --- |`,
    ];
    console.log(
      `load average at start: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    let pass = true;
    for (const c of cases) {
      const token = await logIn();
      const times = Object.fromEntries(modes.map((m) => [m, [] as number[]])) as Record<Mode, number[]>;
      const results: Partial<Record<Mode, string>> = {};
      for (let i = 0; i < RUNS + 2; i++) {
        // Each round in another order, so that no mode always follows the same one.
        const order = modes.map((_, k) => modes[(k + i) % modes.length]!);
        for (const mode of order) {
          config.analyticsRollups = mode !== 'recomputed';
          AnalyticsService.prototype.overview = mode === 'base' ? base! : current;
          const t0 = performance.now();
          const data = await post(OVERVIEW, c.vars, token);
          const ms = performance.now() - t0;
          if (i >= 2) times[mode].push(ms); // two warm-up rounds
          results[mode] = JSON.stringify(data);
        }
      }
      AnalyticsService.prototype.overview = current;
      if (!modes.includes('recomputed')) {
        config.analyticsRollups = false;
        results.recomputed = JSON.stringify(await post(OVERVIEW, c.vars, token));
      }
      config.analyticsRollups = true;
      for (const list of Object.values(times)) list.sort((a, b) => a - b);
      const same = modes.every((m) => results[m] === results.recomputed);
      const line = (mode: Mode) => {
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
        `  ${c.name.padEnd(32)} (${created} conversations, ${messages} messages) ${modes.map(line).join(' | ')} | ${times.recomputed ? `speed-up ${round(pct(times.recomputed, 50) / pct(times.rollups, 50), 1)}× | ` : ''}same numbers: ${same} ${ok ? 'PASS' : 'FAIL'}${targeted ? '' : ' (no latency target)'} | load ${loadavg()[0]!.toFixed(2)}`,
      );
      const ms = (mode: Mode, p: number) => round(pct(times[mode], p));
      table.push(`| ${c.name} | ${created} | ${messages} | ${modes.map((m) => `${ms(m, 50)} | ${ms(m, 95)}`).join(' | ')} | ${same} |`);
    }
    console.log(table.join('\n'));
    console.log(`Every 30-day overview < ${TARGET_MS} ms p95 with rollups, and every figure identical to the recomputed ones: ${pass ? 'PASS' : 'FAIL'}`);
  } finally {
    await server.stop();
    await orm.close(true);
  }
}
