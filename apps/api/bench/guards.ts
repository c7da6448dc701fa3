// What the query guards cost, and how fast they turn attacks away.
//
//   npm run bench -w @switchboard/api -- guards
//
// 1. Overhead: requests/s of an ordinary inbox query (conversations(first: 20)
//    with contact, assignee and last message) against two API servers on the
//    same PostgreSQL data, one with the guards (depth, aliases, directives,
//    tokens, cost) and one built without them, alternated A/B/A/B in one run.
//    Target: the guards cost ≤ 5 %.
// 2. Rejection: each attack document is sent repeatedly to the guarded server;
//    we report client-side round-trip p50/p95/p99 (target: median < 5 ms), the
//    HTTP status (4xx), the error code, and the number of SQL statements it
//    caused (must be 0: rejected before execution).
//
// Environment: BENCH_DATABASE_URL (admin URL; a scratch database is created
// and dropped), BENCH_DURATION_S (5), BENCH_CONCURRENCY (10), BENCH_ROUNDS (6),
// BENCH_REJECT_RUNS (200).
import 'reflect-metadata';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { createAppServer, type AppServer } from '../src/platform/server.js';
import { createOrm, migrate } from '../src/platform/database.js';
import { createDatabase, listQuery, runLoad, seed } from './conversations.js';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION_MS = num('BENCH_DURATION_S', 5) * 1000;
const ROUNDS = num('BENCH_ROUNDS', 6);
const REJECT_RUNS = num('BENCH_REJECT_RUNS', 200);
const PAGE = 20;

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

function attacks() {
  let tail = 'id';
  for (let i = 0; i < 11; i++) tail = `deeper${i} { ${tail} }`;
  const json = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
  return [
    { name: 'depth 20', body: json(`{ tickets { edges { node { conversation { messages { edges { node { author { workspace { ${tail} } } } } } } } } } }`) },
    { name: '1000 aliases', body: json(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: me { id }`).join(' ')} }`) },
    { name: 'first: 100000 (cost)', body: json(`query($n: Int) { conversations(first: $n) { edges { node { id contact { id } } } } }`, { n: 100_000 }) },
    { name: '50 directives', body: json(`{ me ${Array.from({ length: 50 }, () => '@include(if: true)').join(' ')} { id } }`) },
    { name: '200-operation batch', body: JSON.stringify(Array.from({ length: 200 }, () => ({ query: '{ me { id } }' }))) },
    { name: '1 MB document', body: json(`{ me { id } } # ${'x'.repeat(1024 * 1024)}`) },
  ];
}

export async function main() {
  const db = await createDatabase(ADMIN_URL);
  const logger = createLogger('warn');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: '',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000000',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-signing',
  });
  let sql = 0;
  const orm = await createOrm({ databaseUrl: db.url, dataDir: config.dataDir, logger, onQuery: () => void (sql += 1) });
  const servers: { name: string; server: AppServer; url: string }[] = [];
  try {
    await migrate(orm);
    for (const [name, guards] of [['guarded', true], ['unguarded', false]] as const) {
      const server = await createAppServer({ config, orm, logger, guards });
      servers.push({ name, server, url: await server.listen(0, '127.0.0.1') });
    }
    const seeded = await seed(servers[0]!.server);
    const login = await fetch(`${servers[0]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation($e: String!) { logIn(input: {email: $e, password: "bench-password-123"}) { accessToken } }`, variables: { e: seeded.adminEmail } }),
    });
    const token = ((await login.json()) as any).data.logIn.accessToken as string;
    console.log(`Guard overhead: ${PAGE}-row inbox query, ${ROUNDS} × ${DURATION_MS / 1000} s per server, alternated`);
    // One unmeasured pass over both servers first, so neither meets a cold JIT.
    for (const s of servers) await runLoad({ url: `${s.url}/graphql`, token, kind: 'list', query: listQuery(PAGE), expectEdges: PAGE, tag: `${s.name}-warm`, durationMs: DURATION_MS });
    const rps: Record<string, number[]> = { guarded: [], unguarded: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 ? [...servers].reverse() : servers) {
        const stats = await runLoad({ url: `${s.url}/graphql`, token, kind: 'list', query: listQuery(PAGE), expectEdges: PAGE, tag: `${s.name}-${r}`, durationMs: DURATION_MS });
        if (stats.errors) throw new Error(`${s.name}: ${stats.errors} errors: ${JSON.stringify(stats.errorSamples)}`);
        rps[s.name]!.push(stats.rps);
        console.log(`  ${s.name.padEnd(10)} round ${r + 1}: ${stats.rps} req/s, p50 ${stats.p50} ms, p99 ${stats.p99} ms (host CPU ${stats.hostCpu}%)`);
      }
    }
    // Rounds are paired (each round measures both servers back to back); the
    // median of the per-round ratios discounts bursts of other load.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratios = rps.guarded!.map((g, i) => g / rps.unguarded![i]!).sort((a, b) => a - b);
    const ratio = ratios.length % 2 ? ratios[(ratios.length - 1) / 2]! : (ratios[ratios.length / 2 - 1]! + ratios[ratios.length / 2]!) / 2;
    console.log(
      `  guarded ${round(mean(rps.guarded!), 1)} vs unguarded ${round(mean(rps.unguarded!), 1)} req/s (means); per-round guarded/unguarded ${ratios.map((r) => round(r, 3)).join(', ')}; ` +
        `median cost ${round((1 - ratio) * 100, 1)} % (target ≤ 5 %) ${1 - ratio <= 0.05 ? 'PASS' : 'FAIL'}`,
    );

    console.log(`\nRejection (${REJECT_RUNS} runs each, guarded server, client round trip):`);
    const url = `${servers[0]!.url}/graphql`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    let allFast = true;
    for (const attack of attacks()) {
      const times: number[] = [];
      let status = 0;
      let code = '';
      const sqlBefore = sql;
      for (let i = 0; i < REJECT_RUNS + 5; i++) {
        const t0 = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body: attack.body });
        const body = (await res.json()) as any;
        const ms = performance.now() - t0;
        if (i >= 5) times.push(ms); // the first few warm up
        status = res.status;
        code = body.errors?.[0]?.extensions?.code ?? 'none';
      }
      const sorted = times.sort((a, b) => a - b);
      const statements = sql - sqlBefore;
      // Judged on the median: the tail of a client-side round trip on a shared
      // 2-core host is mostly the host (GC, scheduling), not the guard.
      const ok = code !== 'none' && status >= 400 && status < 500 && statements === 0 && pct(sorted, 50) < 5;
      allFast &&= ok;
      console.log(
        `  ${attack.name.padEnd(22)} HTTP ${status} ${code.padEnd(16)} p50 ${round(pct(sorted, 50))} ms, p95 ${round(pct(sorted, 95))} ms, p99 ${round(pct(sorted, 99))} ms, ` +
          `SQL statements ${statements} ${ok ? 'PASS' : 'FAIL'}`,
      );
    }
    console.log(`  every attack rejected with a 4xx before execution (0 SQL), median round trip < 5 ms: ${allFast ? 'PASS' : 'FAIL'}`);
  } finally {
    for (const s of servers) await s.server.stop();
    await orm.close(true);
    await db.drop();
  }
}
