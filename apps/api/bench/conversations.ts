// Conversation list + sendMessage throughput: our stack (Apollo Server +
// type-graphql + MikroORM on PostgreSQL) against a plain graphql-js baseline
// that sends the same SQL. See bench/baseline.ts for the baseline.
//
//   npm run bench -w @switchboard/api -- conversations
//
// Environment (all optional):
//   BENCH_DATABASE_URL    admin URL; a fresh sb_bench_<random> database is created and dropped
//                         (default postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_CONCURRENCY     concurrent clients (10)
//   BENCH_DURATION_S      measured seconds per phase (15)
//   BENCH_WARMUP_S        unmeasured warm-up seconds per phase (2)
//   BENCH_CONVERSATIONS   conversations to seed (200); BENCH_MESSAGES per conversation (5)
//   BENCH_PAGE            page size of the list query (50)
//   BENCH_ROUNDS          alternating list and send rounds; the median-ratio round is reported (5)
//   BENCH_SEND_LEAN       1: also run the baseline sendMessage with a plain row lock (1)
//   BENCH_PROFILE         auto: CPU-profile our list path when below 0.7x; 1 always; 0 never (auto)
//   BENCH_PROFILE_S       seconds to profile (6)
//   BENCH_PROFILE_OP      list or send: the operation profiled (list)
//   BENCH_PROFILE_STACK   ours or baseline: the server profiled (ours), to compare the two profiles
//   BENCH_PROFILE_OUT     also write the raw profile there (open in Chrome DevTools / speedscope)
//   BENCH_HEAP_PROFILE_OUT  also sample allocations during the profile, collected ones included,
//                         and write the .heapprofile there (what feeds the garbage collector)
//
// Layout: both servers live on the main thread (only one is loaded at a time);
// the load generator runs in a worker thread (bench/loadgen.worker.ts). Per
// phase it prints the server thread's event-loop utilisation (1 = CPU-bound),
// the load generator's, and whole-machine CPU (PostgreSQL runs on the same host).
// Caveats: the baseline shares the process, so it also pays for the
// AsyncLocalStorage promise hook MikroORM enables (~1-2%). Both cache parsed and
// validated documents. Our measured node runs no recurring maintenance
// (`maintenance: false`: no embedded schedules or alert evaluation), as an API
// node beside separate workers.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/platform/config.js';
import { forkFor } from '../src/platform/database.js';
import { createAppServer, type AppServer } from '../src/app/server.js';
import { hashPassword } from '../src/modules/auth/auth.service.js';
import { User, UserRole } from '../src/modules/auth/user.entity.js';
import { Contact } from '../src/modules/contacts/contact.entity.js';
import { Conversation, ConversationMode, ConversationStatus } from '../src/modules/conversations/conversation.entity.js';
import { AuthorType } from '../src/modules/conversations/message.entity.js';
import { appendMessage } from '../src/modules/conversations/timeline.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
import { createScratchDatabase } from '../test/scratch-database.js';
import { startBaseline, type Baseline } from './baseline.js';
import type { LoadResult, LoadSpec } from './loadgen.worker.js';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONCURRENCY = num('BENCH_CONCURRENCY', 10);
const DURATION_MS = num('BENCH_DURATION_S', 15) * 1000;
const WARMUP_MS = num('BENCH_WARMUP_S', 2) * 1000;
const CONVERSATIONS = num('BENCH_CONVERSATIONS', 200);
const MESSAGES = num('BENCH_MESSAGES', 5);
const PAGE = num('BENCH_PAGE', 50);
const ROUNDS = Math.max(1, num('BENCH_ROUNDS', 5));
const SEND_LEAN = (env.BENCH_SEND_LEAN ?? '1') === '1';
const PROFILE = env.BENCH_PROFILE ?? 'auto';
const PROFILE_MS = num('BENCH_PROFILE_S', 6) * 1000;
const PROFILE_OP = env.BENCH_PROFILE_OP === 'send' ? 'send' : 'list';
const PROFILE_STACK = env.BENCH_PROFILE_STACK === 'baseline' ? 'baseline' : 'ours';
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';
const PASSWORD = 'bench-password-123';
// Throughput ours/baseline (both caching parsed documents): issue targets.
const LIST_TARGET = 0.9;
const SEND_TARGET = 0.8;

export const listQuery = (first: number) =>
  `query Inbox { conversations(first: ${first}) { edges { node { id status mode lastMessageAt ` +
  `contact { id name email } assignee { id name } lastMessage { id seq body authorType createdAt } } } ` +
  `pageInfo { hasNextPage endCursor } } }`;
export const SEND_MUTATION = 'mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id conversationId seq body authorType createdAt } }';

const log = (...args: unknown[]) => console.log(...args);

// ---------------------------------------------------------------- database

export const createDatabase = (adminUrl: string) => createScratchDatabase(adminUrl, 'sb_bench');

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (res.status !== 200 || body.errors?.length) throw new Error(`GraphQL request failed (${res.status}): ${JSON.stringify(body)}`);
  return body.data;
}

/** One workspace, an admin + 3 agents, N conversations with M messages each (about half assigned). */
export async function seed(server: AppServer) {
  const em = forkFor(server.deps.orm, null);
  const workspace = em.create(Workspace, { name: 'Bench' });
  const adminEmail = `admin-${randomUUID().slice(0, 8)}@bench.example`;
  em.create(User, { workspace, email: adminEmail, name: 'Bench Admin', role: UserRole.ADMIN, passwordHash: await hashPassword(PASSWORD) });
  const agents = [1, 2, 3].map((n) =>
    em.create(User, { workspace, email: `agent${n}-${randomUUID().slice(0, 8)}@bench.example`, name: `Agent ${n}`, role: UserRole.AGENT }),
  );
  const base = Date.now() - (CONVERSATIONS + 5) * 60_000;
  const conversationIds: string[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const contact = em.create(Contact, { workspace, name: `Customer ${i}`, email: `customer${i}@bench.example` });
    const assignee = i % 2 === 1 ? agents[i % 3]! : null;
    const status = i % 5 === 0 ? ConversationStatus.RESOLVED : i % 5 === 1 ? ConversationStatus.PENDING : ConversationStatus.OPEN;
    const conversation = em.create(Conversation, {
      workspace,
      contact,
      assignee,
      status,
      mode: assignee ? ConversationMode.HUMAN : ConversationMode.AI,
      createdAt: new Date(base + i * 60_000),
    });
    for (let j = 0; j < MESSAGES; j++) {
      const fromCustomer = j % 2 === 0;
      const authorType = fromCustomer ? AuthorType.CUSTOMER : assignee ? AuthorType.AGENT : AuthorType.AI;
      const message = appendMessage(em, conversation, {
        authorType,
        body: fromCustomer ? `Hi, question ${j} about order #${1000 + i}?` : `Thanks, here is an answer to question ${j - 1}.`,
        authorUserId: authorType === AuthorType.AGENT ? assignee!.id : undefined,
      });
      message.createdAt = new Date(base + i * 60_000 + j * 1000);
      conversation.lastMessageAt = message.createdAt;
      conversation.updatedAt = message.createdAt;
    }
    if (status === ConversationStatus.RESOLVED) conversation.resolvedAt = conversation.lastMessageAt;
    conversationIds.push(conversation.id);
  }
  await em.flush();
  // Fresh tables have no statistics; production tables would (autovacuum). Same for both stacks.
  await em.getConnection().execute('analyze');
  return { workspaceId: workspace.id, adminEmail, conversationIds };
}

// ---------------------------------------------------------------- load

interface Stats {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  requests: number;
  errorSamples?: string[];
  /** Event-loop utilisation of the server thread (both servers live on the main thread). */
  serverElu: number;
  loadgenElu: number;
  /** Whole-machine CPU busy %, all cores (server + load generator + PostgreSQL). */
  hostCpu: number;
  /** The server thread's CPU time per measured request (ms): comparable on a busy host. */
  cpuMsPerReq: number;
  /** The kernel's share of cpuMsPerReq (socket writes and reads, epoll). */
  cpuSysMsPerReq: number;
}

function cpuTimes() {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

// process.threadCpuUsage (Node ≥ 22.19; not yet in the pinned @types/node): this thread's CPU time.
const threadCpuUsage = (previous?: NodeJS.CpuUsage): NodeJS.CpuUsage =>
  (process as NodeJS.Process & { threadCpuUsage(previous?: NodeJS.CpuUsage): NodeJS.CpuUsage }).threadCpuUsage(previous);

export function runLoad(spec: Omit<LoadSpec, 'concurrency' | 'warmupMs' | 'durationMs'> & Partial<LoadSpec>): Promise<Stats> {
  const full: LoadSpec = { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS, ...spec };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./loadgen.worker.ts', import.meta.url), { workerData: full });
    let elu0 = performance.eventLoopUtilization();
    let cpu0 = cpuTimes();
    let thread0 = threadCpuUsage();
    const mark = setTimeout(() => {
      elu0 = performance.eventLoopUtilization();
      cpu0 = cpuTimes();
      thread0 = threadCpuUsage();
    }, full.warmupMs);
    worker.once('error', reject);
    worker.once('message', (r: LoadResult) => {
      clearTimeout(mark);
      const serverElu = performance.eventLoopUtilization(elu0).utilization;
      const cpu1 = cpuTimes();
      // The server thread's own CPU time (user + system), which another job on the host does not inflate.
      const thread = threadCpuUsage(thread0);
      const sorted = r.latencies.sort();
      const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
      resolve({
        rps: round(r.ok / (r.elapsedMs / 1000), 1),
        p50: round(pct(50), 2),
        p95: round(pct(95), 2),
        p99: round(pct(99), 2),
        errors: r.errors,
        requests: r.measured,
        serverElu: round(serverElu, 2),
        cpuMsPerReq: round((thread.user + thread.system) / 1000 / Math.max(r.measured, 1), 3),
        cpuSysMsPerReq: round(thread.system / 1000 / Math.max(r.measured, 1), 3),
        loadgenElu: round(r.elu, 2),
        hostCpu: round((100 * (cpu1.busy - cpu0.busy)) / Math.max(cpu1.total - cpu0.total, 1), 0),
        ...(r.errorSamples.length ? { errorSamples: r.errorSamples } : {}),
      });
      void worker.terminate();
    });
  });
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------- profiling

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function bucketOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/apps/api/');
  if (src >= 0)
    return `app ${url
      .slice(src + '/apps/api/'.length)
      .split('/')
      .slice(0, 3)
      .join('/')}`;
  return url;
}

const shortUrl = (url: string) => {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length).replace(/\/(dist|build)\/(esm|cjs)\//, '/');
  const app = url.indexOf('/apps/api/');
  return app >= 0 ? url.slice(app + '/apps/api/'.length) : url;
};

export function summarizeProfile(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const { callFrame: cf } = byId.get(id)!;
    if (cf.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const bucket = bucketOf(cf.url, cf.functionName);
    const pkg = bucket.startsWith('node:') ? 'node core' : bucket;
    buckets.set(pkg, (buckets.get(pkg) ?? 0) + us);
    const fnKey = `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url) || bucket}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    const file = shortUrl(cf.url) || bucket;
    files.set(file, (files.get(file) ?? 0) + us);
    fns.set(fnKey, (fns.get(fnKey) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ name: k, ms: round(us / 1000, 0), pct: round((100 * us) / total, 1) }));
  return { busyMs: round(total / 1000, 0), idleMs: round(idle / 1000, 0), byPackage: top(buckets, 18), topFiles: top(files, 20), topFunctions: top(fns, 25) };
}

// ---------------------------------------------------------------- main

export async function main() {
  const started = Date.now();
  const db = await createDatabase(ADMIN_URL);
  log(`database ${db.name} created`);
  let ours: AppServer | undefined;
  let counting: AppServer | undefined;
  let baseline: Baseline | undefined;
  try {
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      JWT_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      SEED_DEMO: 'false',
      DATABASE_URL: db.url,
      // One user sends every request: keep the limiter on the path, but never tripping.
      RATE_LIMIT_PER_MINUTE: '1000000000',
    });
    // The measured server: no onQuery (no ORM query logging on the hot path).
    ours = await createAppServer({ config, maintenance: false });
    const oursUrl = await ours.listen(0, '127.0.0.1');
    const seeded = await seed(ours);
    const token = (
      await gql(oursUrl, `mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { accessToken } }`, {
        e: seeded.adminEmail,
        p: PASSWORD,
      })
    ).logIn.accessToken as string;
    log(`seeded 1 workspace, 4 users, ${CONVERSATIONS} conversations x ${MESSAGES} messages; our server at ${oursUrl}`);

    // -- counting pass: a second node on the same database with onQuery, used only here.
    const statements: string[] = [];
    counting = await createAppServer({ config, onQuery: (sql) => statements.push(sql) });
    const countingUrl = await counting.listen(0, '127.0.0.1');
    const countFor = async (first: number) => {
      await gql(countingUrl, listQuery(first), {}, token); // warm (metadata, prepared paths)
      statements.length = 0;
      await gql(countingUrl, listQuery(first), {}, token);
      return [...statements];
    };
    const sql5 = await countFor(5);
    const sql50 = await countFor(PAGE);
    // One sendMessage (to the last conversation, which the send phases reach last).
    const sendVars = (tag: string) => ({
      input: { conversationId: seeded.conversationIds.at(-1), body: `SQL check ${tag}`, clientMessageId: `sql-check-${tag}-${randomUUID().slice(0, 6)}` },
    });
    statements.length = 0;
    await gql(countingUrl, SEND_MUTATION, sendVars('ours'), token);
    const sendSql = [...statements];
    await counting.stop();
    counting = undefined;
    log(`\nSQL per list request: first:5 -> ${sql5.length}, first:${PAGE} -> ${sql50.length} (${sql5.length === sql50.length ? 'equal' : 'NOT EQUAL'})`);
    log(`Our SQL for conversations(first: ${PAGE}) (literals shown as ?):`);
    sql50.forEach((s, i) => log(`  [${i + 1}] ${s.length > 700 ? `${s.slice(0, 700)} … (${s.length} chars)` : s}`));

    // -- baseline, checked against ours: same SQL, same response.
    baseline = await startBaseline({ databaseUrl: db.url, jwtSecret: JWT_SECRET, poolMax: 10 });
    const baseStatementsFor = async (query: string, variables: Record<string, unknown> = {}) => {
      const statements: string[] = [];
      baseline!.setOnQuery((t) => statements.push(t));
      await gql(baseline!.url, query, variables, token);
      baseline!.setOnQuery(undefined);
      return statements;
    };
    const norm = (xs: string[]) => JSON.stringify([...xs].sort());
    const sqlDiff = (ours: string[], base: string[]) => {
      const only = (xs: string[], ys: string[]) =>
        xs
          .filter((x) => !ys.includes(x))
          .map((x) => `    ${x.slice(0, 400)}`)
          .join('\n') || '    (none)';
      return `  only in ours:\n${only(ours, base)}\n  only in the baseline:\n${only(base, ours)}`;
    };
    const baseListSql = await baseStatementsFor(listQuery(PAGE));
    const sameSql = norm(baseListSql) === norm(sql50);
    baseline.setLeanSend(false);
    const baseSendSql = await baseStatementsFor(SEND_MUTATION, sendVars('base'));
    const sameSendSql = norm(baseSendSql) === norm(sendSql);
    const [oursData, baseData] = [await gql(oursUrl, listQuery(PAGE), {}, token), await gql(baseline.url, listQuery(PAGE), {}, token)];
    const sameData = JSON.stringify(oursData) === JSON.stringify(baseData);
    log(`\nbaseline sends the same SQL statements as ours: list ${sameSql}, sendMessage ${sameSendSql}; same list response body: ${sameData}`);
    if (!sameSql) log(`list SQL differs:\n${sqlDiff(sql50, baseListSql)}`);
    if (!sameSendSql) log(`sendMessage SQL differs:\n${sqlDiff(sendSql, baseSendSql)}`);
    if (!sameData) log(`  ours: ${JSON.stringify(oursData).slice(0, 400)}\n  base: ${JSON.stringify(baseData).slice(0, 400)}`);

    // -- phases
    const listSpec = (url: string) => ({ url: `${url}/graphql`, token, kind: 'list' as const, query: listQuery(PAGE), expectEdges: PAGE, tag: 'list' });
    const sendSpec = (url: string, tag: string) => ({
      url: `${url}/graphql`,
      token,
      kind: 'send' as const,
      query: SEND_MUTATION,
      conversationIds: seeded.conversationIds,
      tag: `${tag}-${randomUUID().slice(0, 6)}`,
    });
    const phaseLog = (name: string, s: Stats) =>
      log(
        `  ${name.padEnd(26)} ${String(s.rps).padStart(8)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  errors ${s.errors}/${s.requests}  ` +
          `[server loop ${s.serverElu}, loadgen loop ${s.loadgenElu}, host CPU ${s.hostCpu}%]`,
      );
    log(`\nload: ${CONCURRENCY} concurrent clients, ${WARMUP_MS / 1000}s warm-up + ${DURATION_MS / 1000}s measured per phase`);
    // Each comparison runs in ROUNDS alternating rounds (ours first, then the
    // baseline first, …): the reported figures are the round with the median
    // ratio, so neither side profits from going first or from a passing burst
    // of other load on the host. Besides throughput, each phase reports the
    // server thread's CPU time per request, which other load on the host
    // does not inflate.
    type Side = 'ours' | 'base';
    const compare = async (what: string, spec: (side: Side, r: number) => Parameters<typeof runLoad>[0]) => {
      const rounds: { ours: Stats; base: Stats; ratio: number; cpuRatio: number }[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const order: Side[] = r % 2 === 0 ? ['ours', 'base'] : ['base', 'ours'];
        const got: Partial<Record<Side, Stats>> = {};
        for (const side of order) {
          got[side] = await runLoad(spec(side, r));
          phaseLog(`${what} ${side === 'ours' ? 'ours' : 'baseline'}${ROUNDS > 1 ? ` (round ${r + 1})` : ''}`, got[side]!);
        }
        rounds.push({
          ours: got.ours!,
          base: got.base!,
          ratio: round(got.ours!.rps / got.base!.rps, 3),
          cpuRatio: round(got.base!.cpuMsPerReq / got.ours!.cpuMsPerReq, 3),
        });
      }
      const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)]!;
      const cpuMedian = [...rounds.map((x) => x.cpuRatio)].sort((a, b) => a - b)[Math.floor((rounds.length - 1) / 2)]!;
      if (ROUNDS > 1)
        log(
          `  ${what} ratio per round: ${rounds.map((x) => x.ratio).join(', ')} (median ${median.ratio}); CPU/request baseline/ours: ${rounds.map((x) => x.cpuRatio).join(', ')} (median ${cpuMedian})`,
        );
      return { ...median, cpuRatio: cpuMedian, roundRatios: rounds.map((x) => x.ratio), roundCpuRatios: rounds.map((x) => x.cpuRatio) };
    };
    const list = await compare('list', (side) => listSpec(side === 'ours' ? oursUrl : baseline!.url));
    const { ours: listOurs, base: listBase } = list;
    baseline.setLeanSend(false);
    const send = await compare('send', (side, r) => sendSpec(side === 'ours' ? oursUrl : baseline!.url, `${side}${r}`));
    const { ours: sendOurs, base: sendBase } = send;
    let sendLean: Stats | undefined;
    if (SEND_LEAN) {
      baseline.setLeanSend(true);
      sendLean = await runLoad(sendSpec(baseline.url, 'lean'));
      phaseLog('send  baseline (lean lock)', sendLean);
    }

    const listRatio = list.ratio;
    const sendRatio = send.ratio;

    // -- optional profile of our list path
    let profile: ReturnType<typeof summarizeProfile> | undefined;
    if (PROFILE === '1' || (PROFILE === 'auto' && listRatio < LIST_TARGET)) {
      log(`\nprofiling the ${PROFILE_STACK} ${PROFILE_OP} path for ${PROFILE_MS / 1000}s (main thread)…`);
      const profiledUrl = PROFILE_STACK === 'baseline' ? baseline!.url : oursUrl;
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      if (env.BENCH_HEAP_PROFILE_OUT) {
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 16_384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        } as never);
      }
      const profiled = await runLoad({
        ...(PROFILE_OP === 'send' ? sendSpec(profiledUrl, 'profile') : listSpec(profiledUrl)),
        warmupMs: 0,
        durationMs: PROFILE_MS,
      });
      const { profile: raw } = (await session.post('Profiler.stop')) as unknown as { profile: Parameters<typeof summarizeProfile>[0] };
      if (env.BENCH_HEAP_PROFILE_OUT) {
        const { profile: heap } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: unknown };
        (await import('node:fs')).writeFileSync(env.BENCH_HEAP_PROFILE_OUT, JSON.stringify(heap));
      }
      session.disconnect();
      if (env.BENCH_PROFILE_OUT) (await import('node:fs')).writeFileSync(env.BENCH_PROFILE_OUT, JSON.stringify(raw));
      profile = summarizeProfile(raw);
      log(`  (under the profiler: ${profiled.rps} req/s)  main thread busy ${profile.busyMs} ms, idle ${profile.idleMs} ms`);
      log('  self time by package:');
      for (const b of profile.byPackage) log(`    ${String(b.pct).padStart(5)}%  ${b.name}`);
      log('  self time by file:');
      for (const f of profile.topFiles) log(`    ${String(f.pct).padStart(5)}%  ${f.name}`);
      log('  top functions (self time):');
      for (const f of profile.topFunctions) log(`    ${String(f.pct).padStart(5)}%  ${f.name}`);
    }

    // -- report
    const row = (op: string, stack: string, s: Stats) =>
      `| ${op.padEnd(11)} | ${stack.padEnd(26)} | ${String(s.rps).padStart(8)} | ${String(s.p50).padStart(8)} | ${String(s.p99).padStart(8)} | ${`${s.errors}/${s.requests}`.padStart(12)} |`;
    log('\n| operation   | stack                      |    req/s | p50 (ms) | p99 (ms) | errors/reqs  |');
    log('|-------------|----------------------------|----------|----------|----------|--------------|');
    log(row(`list ${PAGE}`, 'ours (Apollo+TGQL+Mikro)', listOurs));
    log(row(`list ${PAGE}`, 'baseline (graphql-js+pg)', listBase));
    log(row('sendMessage', 'ours (Apollo+TGQL+Mikro)', sendOurs));
    log(row('sendMessage', 'baseline (same SQL)', sendBase));
    if (sendLean) log(row('sendMessage', 'baseline (lean row lock)', sendLean));
    const verdict = (ratio: number, target: number) => `target >= ${target}: ${ratio >= target ? 'PASS' : 'FAIL'}`;
    log(
      `\nthroughput ours/baseline (median round): list ${listRatio} (${verdict(listRatio, LIST_TARGET)}), sendMessage ${sendRatio} (${verdict(sendRatio, SEND_TARGET)})` +
        (sendLean ? `; sendMessage vs lean-lock baseline ${round(sendOurs.rps / sendLean.rps, 3)}` : ''),
    );
    log(
      `server CPU per request, baseline/ours (median round): list ${list.cpuRatio} (${list.ours.cpuMsPerReq} vs ${list.base.cpuMsPerReq} ms), sendMessage ${send.cpuRatio} (${send.ours.cpuMsPerReq} vs ${send.base.cpuMsPerReq} ms)`,
    );
    log(`SQL statements per list request: first:5 = ${sql5.length}, first:${PAGE} = ${sql50.length} (${sql5.length === sql50.length ? 'equal' : 'NOT EQUAL'})`);
    const totalErrors = listOurs.errors + listBase.errors + sendOurs.errors + sendBase.errors + (sendLean?.errors ?? 0);
    for (const [name, s] of Object.entries({ listOurs, listBase, sendOurs, sendBase, sendLean })) {
      if (s?.errorSamples) log(`error samples (${name}): ${s.errorSamples.join(' | ')}`);
    }
    const result = {
      bench: 'conversations',
      node: process.version,
      cpus: os.availableParallelism(),
      concurrency: CONCURRENCY,
      warmupS: WARMUP_MS / 1000,
      durationS: DURATION_MS / 1000,
      seed: { conversations: CONVERSATIONS, messagesPerConversation: MESSAGES },
      rounds: ROUNDS,
      list: {
        page: PAGE,
        ours: listOurs,
        baseline: listBase,
        ratio: listRatio,
        roundRatios: list.roundRatios,
        cpuRatio: list.cpuRatio,
        roundCpuRatios: list.roundCpuRatios,
        target: LIST_TARGET,
        pass: listRatio >= LIST_TARGET,
      },
      sendMessage: {
        ours: sendOurs,
        baseline: sendBase,
        ratio: sendRatio,
        roundRatios: send.roundRatios,
        cpuRatio: send.cpuRatio,
        roundCpuRatios: send.roundCpuRatios,
        target: SEND_TARGET,
        pass: sendRatio >= SEND_TARGET,
        ...(sendLean ? { baselineLeanLock: sendLean, ratioVsLean: round(sendOurs.rps / sendLean.rps, 3) } : {}),
      },
      sqlPerListRequest: { first5: sql5.length, [`first${PAGE}`]: sql50.length, equal: sql5.length === sql50.length },
      baselineSameSql: sameSql,
      baselineSameSendSql: sameSendSql,
      baselineSameResponse: sameData,
      totalErrors,
      ...(profile ? { profile: { busyMs: profile.busyMs, idleMs: profile.idleMs, byPackage: profile.byPackage.slice(0, 10) } } : {}),
      elapsedS: round((Date.now() - started) / 1000, 1),
    };
    log(`\nRESULT ${JSON.stringify(result)}`);
  } finally {
    await counting?.stop().catch(() => undefined);
    await baseline?.stop().catch((err) => console.error('baseline stop failed', err));
    await ours?.stop().catch((err) => console.error('server stop failed', err));
    await db.drop();
    log(`database ${db.name} dropped`);
  }
}
