// Subscription fan-out: N graphql-ws subscribers on ONE conversation's
// `conversationEvents`, M messages sent over HTTP at a fixed rate, measured
// send→receive, against a bare `ws` broadcast server (the physical limit) and
// across two API nodes sharing PostgreSQL and Redis.
//
//   npm run bench -w @switchboard/api -- fanout
//
// Environment (all optional):
//   BENCH_FANOUT_N            subscriber counts, comma-separated (1000,5000)
//   BENCH_FANOUT_MESSAGES     messages per phase (50)
//   BENCH_FANOUT_RATE         messages per second (10)
//   BENCH_FANOUT_BODY         message body length in characters (120)
//   BENCH_FANOUT_DRAIN_S      max seconds to wait for deliveries after the last send (15)
//   BENCH_FANOUT_IDLE_S       seconds connected-and-idle before the memory reading (3)
//   BENCH_FANOUT_PHASES       which of raw,one,two to run (raw,one,two)
//   BENCH_FANOUT_WORKERS      client worker threads per phase (1 per 2500 sockets, 2..4)
//   BENCH_FANOUT_PROFILE      1: also CPU-profile one extra single-node phase at the largest N (0)
//   BENCH_FANOUT_PROFILE_OUT  write that raw .cpuprofile there (Chrome DevTools / speedscope)
//   BENCH_FANOUT_HEAP_DIR     write server heap snapshots (before connecting, connected+idle) there
//   BENCH_FANOUT_QUIET_S      wait up to this long before each phase for the host to be < 30% busy (0)
//   BENCH_DATABASE_URL        admin URL; a fresh sb_fanout_<random> database is created and dropped
//                             (postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_REDIS_URL           (REDIS_URL, else redis://127.0.0.1:6379)
//
// Layout, so that nobody measures on someone else's event loop:
//   - each server runs in its own child process (bench/fanout.server.ts): our
//     API as production builds it (createAppServer), or the raw ws broadcaster;
//     a bench-only control port there reports process.memoryUsage(), CPU,
//     event-loop use and SQL statement counts, and forces GCs;
//   - the subscribers live in worker threads of this process
//     (bench/fanout.client.worker.ts), plain ws sockets speaking graphql-transport-ws;
//   - this thread only seeds, sends (fetch, open loop at a fixed rate) and reports.
// Every phase starts fresh server processes (so memory readings start clean)
// and its own conversation. Sockets: one fd each in the client process and in
// the server process; the script checks `ulimit -n` (raise it in the shell).
// The machine also runs PostgreSQL, Redis and the clients: on few cores the
// latencies include CPU contention; host CPU is reported per phase.
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { forkFor, migrate } from '../src/platform/database.js';
import { createOrm } from '../src/app/database.js';
import { TokenService } from '../src/modules/auth/tokens.js';
import { User, UserRole } from '../src/modules/auth/user.entity.js';
import { Contact } from '../src/modules/contacts/contact.entity.js';
import { Conversation, ConversationMode, ConversationStatus } from '../src/modules/conversations/conversation.entity.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
import { createScratchDatabase, type ScratchDatabase } from '../test/scratch-database.js';
import type { ClientCommand, ClientResult, ClientSpec, ClientStatus } from './fanout.client.worker.js';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const N_LIST = (env.BENCH_FANOUT_N ?? '1000,5000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const MESSAGES = num('BENCH_FANOUT_MESSAGES', 50);
const RATE = num('BENCH_FANOUT_RATE', 10);
const BODY_CHARS = num('BENCH_FANOUT_BODY', 120);
const DRAIN_MS = num('BENCH_FANOUT_DRAIN_S', 15) * 1000;
const SEND_TIMEOUT_MS = 15_000;
const IDLE_MS = num('BENCH_FANOUT_IDLE_S', 3) * 1000;
const PHASES = new Set((env.BENCH_FANOUT_PHASES ?? 'raw,one,two').split(',').map((s) => s.trim()));
const PROFILE = env.BENCH_FANOUT_PROFILE === '1';
const QUIET_MS = num('BENCH_FANOUT_QUIET_S', 0) * 1000;
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';
const CONNECT_CONCURRENCY = 50;
const PROBE_TIMEOUT_MS = 5000;
const PROBE_ATTEMPTS = 8;

// cpuVsRaw: server CPU time per delivery, ours over the raw broadcaster's at the
// same N. Unlike latency it barely moves with other load on the host, so it is
// the figure to judge a busy machine by.
const TARGETS = { delivered: 1, p95Ms: 250, p95AtN: 5000, throughputVsRaw: 0.5, kbPerConnection: 50, cpuVsRaw: 1.3 };

/** The selection every subscriber asks for (the raw server sends a frame of the same shape). */
const SUBSCRIPTION =
  'subscription Feed($id: ID!) { conversationEvents(conversationId: $id) { __typename ... on MessageAdded { message { id seq body authorType createdAt } } } }';
const SEND_MUTATION = 'mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq } }';

const log = (...args: unknown[]) => console.log(...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

// ---------------------------------------------------------------- resources (always cleaned up)

const children = new Set<ServerProcess>();
const workers = new Set<Worker>();

interface ServerLogLine {
  stage: string;
  level: string;
  text: string;
}

class ServerProcess {
  url = '';
  controlUrl = '';
  readonly problems: ServerLogLine[] = [];
  problemCount = 0;
  readonly problemsByStage: Record<string, number> = {};
  /** What the bench is doing now (startup, connect, measure, shutdown): labels log lines. */
  stage = 'startup';
  private exited: Promise<void>;
  private exitCode: number | null = null;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    children.add(this);
    this.exited = new Promise((resolve) => proc.once('exit', (code) => ((this.exitCode = code), resolve())));
    const record = (level: string, text: string) => {
      this.problemCount += 1;
      this.problemsByStage[this.stage] = (this.problemsByStage[this.stage] ?? 0) + 1;
      if (this.problems.length < 20) this.problems.push({ stage: this.stage, level, text: text.slice(0, 1200) });
    };
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let entry: { level?: number; msg?: string; err?: { message?: string; type?: string } } | undefined;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = undefined;
      }
      if (!entry || typeof entry.level !== 'number') return record('stdout', line);
      if (entry.level >= 40) {
        const level = entry.level >= 50 ? 'error' : 'warn';
        record(level, `${entry.msg ?? ''}${entry.err ? ` — ${entry.err.type ?? ''}: ${entry.err.message ?? JSON.stringify(entry.err)}` : ''}`);
      }
    });
    // One stderr write (e.g. a crash's stack trace) is one problem.
    proc.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString().trim();
      if (text) record('stderr', text.replace(/\n\s*/g, ' ⏎ '));
    });
  }

  get alive() {
    return this.exitCode === null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async control<T = any>(path: string, body?: string): Promise<T> {
    const res = await fetch(`${this.controlUrl}${path}`, { method: path === '/stats' ? 'GET' : 'POST', body, signal: AbortSignal.timeout(60_000) });
    return (await res.json()) as T;
  }

  async stop() {
    if (this.alive) {
      this.proc.send?.('stop', () => undefined);
      const killed = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(killed);
    }
    children.delete(this);
  }
}

function startServer(name: string, mode: 'app' | 'raw', databaseUrl: string): Promise<ServerProcess> {
  const proc = fork(fileURLToPath(new URL('./fanout.server.ts', import.meta.url)), [], {
    // As `npm start` runs the API (AsyncLocalStorage without async hooks), plus what the control port needs.
    execArgv: ['--experimental-async-context-frame', '--import', '@swc-node/register/esm-register', '--expose-gc', '--enable-source-maps'],
    env: {
      ...process.env,
      FANOUT_MODE: mode,
      FANOUT_DATABASE_URL: databaseUrl,
      FANOUT_REDIS_URL: REDIS_URL,
      FANOUT_JWT_SECRET: JWT_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const server = new ServerProcess(name, proc);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name}: not ready after 90 s`)), 90_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      void server.stop();
      reject(err);
    };
    proc.once('exit', (code) => fail(new Error(`${name} exited (${code}) before it was ready: ${server.problems.map((p) => p.text).join(' | ')}`)));
    proc.on('message', (m: { type: string; url?: string; controlUrl?: string; error?: string }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        server.url = m.url!;
        server.controlUrl = m.controlUrl!;
        resolve(server);
      } else if (m.type === 'failed') fail(new Error(`${name} failed to start: ${m.error}`));
    });
  });
}

async function cleanupAll() {
  await Promise.allSettled([...workers].map((w) => w.terminate()));
  workers.clear();
  await Promise.allSettled([...children].map((c) => c.stop()));
}

// ---------------------------------------------------------------- client workers

class ClientWorker {
  readonly worker: Worker;
  private waiters = new Map<string, ((m: any) => void)[]>();
  failure: Error | undefined;

  constructor(
    readonly node: string,
    readonly spec: ClientSpec,
  ) {
    this.worker = new Worker(new URL('./fanout.client.worker.ts', import.meta.url), { workerData: spec });
    workers.add(this.worker);
    this.worker.on('message', (m: { kind: string }) => {
      const q = this.waiters.get(m.kind);
      q?.shift()?.(m);
    });
    this.worker.on('error', (err) => {
      this.failure = err;
      for (const q of this.waiters.values()) q.splice(0).forEach((w) => w({ kind: 'error', error: err }));
    });
  }

  request<T = any>(cmd: ClientCommand, reply: string, timeoutMs = 120_000): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client worker: no ${reply} after ${timeoutMs} ms`)), timeoutMs);
      const q = this.waiters.get(reply) ?? [];
      q.push((m) => {
        clearTimeout(timer);
        if (m.kind === 'error') reject(m.error);
        else resolve(m);
      });
      this.waiters.set(reply, q);
      this.worker.postMessage(cmd);
    });
  }

  async terminate() {
    await this.worker.terminate();
    workers.delete(this.worker);
  }
}

function sumStatus(xs: ClientStatus[]): ClientStatus {
  const out: ClientStatus = {
    opened: 0,
    subscribed: 0,
    failed: 0,
    closedEarly: 0,
    gotEvent: 0,
    measured: 0,
    duplicates: 0,
    errors: 0,
    errorSamples: [],
    frameBytes: 0,
  };
  for (const s of xs) {
    out.opened += s.opened;
    out.subscribed += s.subscribed;
    out.failed += s.failed;
    out.closedEarly += s.closedEarly;
    out.gotEvent += s.gotEvent;
    out.measured += s.measured;
    out.duplicates += s.duplicates;
    out.errors += s.errors;
    out.frameBytes ||= s.frameBytes;
    for (const e of s.errorSamples) if (out.errorSamples.length < 8 && !out.errorSamples.includes(e)) out.errorSamples.push(e);
  }
  return out;
}

// ---------------------------------------------------------------- seed

interface Seeded {
  workspaceId: string;
  userId: string;
  token: string;
  conversationIds: string[];
}

async function seed(databaseUrl: string, conversations: number): Promise<Seeded> {
  const orm = await createOrm({ databaseUrl, dataDir: 'memory://', poolMax: 2 });
  try {
    await migrate(orm);
    const em = forkFor(orm, null);
    const workspace = em.create(Workspace, { name: 'Fan-out bench' });
    const user = em.create(User, {
      workspace,
      email: `fanout-${randomUUID().slice(0, 8)}@bench.example`,
      name: 'Fan-out Agent',
      role: UserRole.ADMIN,
      passwordHash: 'x', // never logs in: the token is signed below
    });
    const conversationIds: string[] = [];
    for (let i = 0; i < conversations; i++) {
      const contact = em.create(Contact, { workspace, name: `Customer ${i}`, email: `customer${i}@bench.example` });
      // Assigned to the sender and in HUMAN mode, so sendMessage publishes only the message
      // (no handed_off/assigned updates in the measured stream).
      const conversation = em.create(Conversation, { workspace, contact, assignee: user, mode: ConversationMode.HUMAN, status: ConversationStatus.OPEN });
      conversationIds.push(conversation.id);
    }
    await em.flush();
    const token = await new TokenService(JWT_SECRET, 3600, 86400).signAccess({ id: user.id, workspaceId: workspace.id, role: UserRole.ADMIN });
    return { workspaceId: workspace.id, userId: user.id, token, conversationIds };
  } finally {
    await orm.close(true);
  }
}

// ---------------------------------------------------------------- one phase

type PhaseKind = 'raw' | 'one' | 'two';
const PHASE_LABEL: Record<PhaseKind, string> = { raw: 'raw ws broadcast', one: 'ours, 1 node', two: 'ours, 2 nodes (A+B)' };

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

interface PhaseResult {
  kind: PhaseKind;
  label: string;
  n: number;
  connected: number;
  connectS: number;
  ready: number;
  probes: number;
  expected: number;
  delivered: number;
  deliveredRatio: number;
  duplicates: number;
  latencyMs: Latency;
  latencyByNodeMs?: Record<string, Latency>;
  deliveriesPerS: number;
  sendSpanS: number;
  deliverySpanS: number;
  sendLatencyMs: { p50: number; p99: number };
  sendErrors: number;
  frameBytes: number;
  rssPerConnKB: number;
  heapPerConnKB: number;
  memory: { node: string; rssBeforeMB: number; rssIdleMB: number; heapBeforeMB: number; heapIdleMB: number; connections: number }[];
  serverCpuPct: number[];
  /** Server process CPU time (all servers, user+system) over the send+drain window per delivery. */
  serverCpuUsPerDelivery: number;
  /** The part of it spent on the servers' main threads (the rest: GC and compiler threads, libuv's pool). */
  serverMainCpuUsPerDelivery: number;
  serverElu: number[];
  hostCpuPct: number;
  loadAvg1: number;
  hostBusyBeforePct: number;
  sqlPerEvent?: number;
  sqlPerMessage?: number;
  clientErrors: number;
  clientErrorSamples: string[];
  serverProblems: number;
  serverProblemsByStage: Record<string, number>;
  serverProblemSamples: string[];
  profile?: unknown;
  nodeIds?: string[];
  error?: string;
}

function percentiles(sorted: Float64Array): Latency {
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN);
  return { p50: round(pct(50)), p95: round(pct(95)), p99: round(pct(99)), max: round(sorted.length ? sorted[sorted.length - 1]! : NaN) };
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

function workerCount(n: number) {
  if (env.BENCH_FANOUT_WORKERS) return Math.max(1, Number(env.BENCH_FANOUT_WORKERS));
  return Math.min(4, Math.max(2, Math.ceil(n / 2500)));
}

async function runPhase(kind: PhaseKind, n: number, conversationId: string, db: ScratchDatabase, seeded: Seeded, profile = false): Promise<PhaseResult> {
  const servers: ServerProcess[] = [];
  const clients: ClientWorker[] = [];
  const result: Partial<PhaseResult> = { kind, label: PHASE_LABEL[kind] + (profile ? ' (under profiler)' : ''), n, loadAvg1: round(os.loadavg()[0]!, 2) };
  let seqCounter = 0; // raw: our own seq numbers
  let serverCpuMs: number;
  let serverMainCpuMs: number;
  result.clientErrors = 0;
  result.clientErrorSamples = [];
  result.serverCpuPct = [];
  result.serverElu = [];
  // How busy the host is before we start (other work on the machine skews everything).
  const quietUntil = performance.now() + QUIET_MS;
  for (;;) {
    const busy0 = cpuTimes();
    await sleep(1000);
    const busy1 = cpuTimes();
    result.hostBusyBeforePct = round((100 * (busy1.busy - busy0.busy)) / Math.max(busy1.total - busy0.total, 1), 0);
    if (result.hostBusyBeforePct < 30 || performance.now() >= quietUntil) break;
  }
  log(`    host CPU busy before the phase: ${result.hostBusyBeforePct}% (load ${result.loadAvg1})`);
  try {
    // -- servers
    if (kind === 'raw') servers.push(await startServer('raw', 'raw', db.url));
    else {
      servers.push(await startServer('node A', 'app', db.url));
      if (kind === 'two') servers.push(await startServer('node B', 'app', db.url));
    }
    const sender = servers[0]!;
    const stage = (name: string) => servers.forEach((sv) => (sv.stage = name));
    // -- send one message (warm-up, probe or measured)
    const sendLatencies: number[] = [];
    let sendErrors = 0;
    const sendErrorSamples: string[] = [];
    const sendOne = async (tag: string): Promise<number | null> => {
      const ts = now();
      const head = `fanout ${tag} t=${ts.toFixed(3)} `;
      const body = head + 'x'.repeat(Math.max(0, BODY_CHARS - head.length));
      try {
        if (kind === 'raw') {
          const seq = ++seqCounter;
          const res = await fetch(`${sender.url}/send`, { method: 'POST', body: JSON.stringify({ body, seq }), signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          await res.text();
          sendLatencies.push(now() - ts);
          return seq;
        }
        const res = await fetch(`${sender.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.token}` },
          body: JSON.stringify({ query: SEND_MUTATION, variables: { input: { conversationId, body } } }),
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
        const json = (await res.json()) as { data?: { sendMessage?: { seq: number } }; errors?: unknown[] };
        if (res.status !== 200 || json.errors?.length || !json.data?.sendMessage) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
        sendLatencies.push(now() - ts);
        return json.data.sendMessage.seq;
      } catch (err) {
        sendErrors += 1;
        if (sendErrorSamples.length < 3) sendErrorSamples.push((err as Error).message);
        return null;
      }
    };

    // -- warm-up: one socket per server, one message through, closed again, so that
    //    the memory baseline already includes lazily loaded code and JIT state.
    stage('warm-up');
    await warmUp(servers, kind === 'raw' ? 'raw' : 'graphql', seeded.token, conversationId, () => sendOne('warmup'));
    await waitForSockets(servers, 0, 10_000);
    const before = await Promise.all(servers.map((s) => s.control('/gc')));
    const snapshot = (when: string) =>
      env.BENCH_FANOUT_HEAP_DIR
        ? Promise.all(servers.map((s, i) => s.control('/heapsnapshot', `${env.BENCH_FANOUT_HEAP_DIR}/fanout-${kind}-${n}-node${i}-${when}.heapsnapshot`)))
        : undefined;
    await snapshot('before');
    stage('connect');

    // -- subscribers: N split evenly over the servers, each server's share over worker threads
    const perServer = servers.map((_, i) => Math.floor(n / servers.length) + (i < n % servers.length ? 1 : 0));
    const totalWorkers = Math.max(servers.length, workerCount(n));
    servers.forEach((server, si) => {
      const w = Math.max(1, Math.round((totalWorkers * perServer[si]!) / n));
      for (let k = 0; k < w; k++) {
        const count = Math.floor(perServer[si]! / w) + (k < perServer[si]! % w ? 1 : 0);
        if (!count) continue;
        clients.push(
          new ClientWorker(server.name, {
            url: server.url.replace(/^http/, 'ws') + '/graphql',
            protocol: kind === 'raw' ? 'raw' : 'graphql',
            count,
            token: seeded.token,
            query: SUBSCRIPTION,
            variables: { id: conversationId },
            connectConcurrency: CONNECT_CONCURRENCY,
          }),
        );
      }
    });
    const t0 = performance.now();
    const connected = sumStatus(
      (await Promise.all(clients.map((c) => c.request<{ status: ClientStatus }>({ cmd: 'connect' }, 'connected', 300_000)))).map((r) => r.status),
    );
    result.connected = connected.subscribed;
    result.connectS = round((performance.now() - t0) / 1000, 1);
    log(
      `    ${connected.subscribed}/${n} sockets ${kind === 'raw' ? 'open' : 'subscribed'} in ${round((performance.now() - t0) / 1000, 1)} s` +
        (connected.failed ? ` (${connected.failed} failed)` : ''),
    );

    const status = async () =>
      sumStatus((await Promise.all(clients.map((c) => c.request<{ status: ClientStatus }>({ cmd: 'status' }, 'status')))).map((r) => r.status));

    // -- readiness: probe messages until every subscriber has received one
    let lastProbeSeq = 0;
    let probes = 0;
    let ready = 0;
    for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
      probes = attempt;
      lastProbeSeq = (await sendOne(`probe${attempt}`)) ?? lastProbeSeq;
      const deadline = performance.now() + PROBE_TIMEOUT_MS;
      while (performance.now() < deadline) {
        ready = (await status()).gotEvent;
        if (ready >= connected.subscribed) break;
        await sleep(100);
      }
      if (ready >= connected.subscribed) break;
    }
    result.ready = ready;
    result.probes = probes;
    if (ready < n) log(`    only ${ready}/${n} subscribers received a probe after ${probes} probes; measuring anyway`);

    // -- idle memory
    stage('idle');
    await sleep(IDLE_MS);
    const idle = await Promise.all(servers.map((s) => s.control('/gc')));
    result.nodeIds = idle.map((x) => x.nodeId).filter(Boolean);
    await snapshot('idle');
    const mb = (b: number) => round(b / 2 ** 20, 1);
    result.memory = servers.map((s, i) => ({
      node: s.name,
      rssBeforeMB: mb(before[i].rss),
      rssIdleMB: mb(idle[i].rss),
      heapBeforeMB: mb(before[i].heapUsed),
      heapIdleMB: mb(idle[i].heapUsed),
      connections: idle[i].sockets,
    }));
    const sumDelta = (key: 'rss' | 'heapUsed') => servers.reduce((a, _, i) => a + (idle[i][key] - before[i][key]), 0);
    result.rssPerConnKB = round(sumDelta('rss') / 1024 / Math.max(connected.subscribed, 1), 2);
    result.heapPerConnKB = round(sumDelta('heapUsed') / 1024 / Math.max(connected.subscribed, 1), 2);

    // -- measured messages at a fixed rate (open loop)
    stage('measure');
    sendLatencies.length = 0;
    sendErrors = 0;
    const measureFrom = kind === 'raw' ? seqCounter + 1 : lastProbeSeq + 1;
    await Promise.all(clients.map((c) => c.request({ cmd: 'measure', from: measureFrom, messages: MESSAGES }, 'measuring')));
    await Promise.all(servers.map((s) => s.control('/mark')));
    const sqlBefore = await Promise.all(servers.map((s) => s.control('/stats')));
    if (profile) await sender.control('/profile/start');
    const cpu0 = cpuTimes();
    const start = now() + 50;
    let firstSend = Number.POSITIVE_INFINITY;
    let lastSendDone = 0;
    await Promise.all(
      Array.from({ length: MESSAGES }, async (_, i) => {
        const at = start + (i * 1000) / RATE;
        const wait = at - now();
        if (wait > 0) await sleep(wait);
        firstSend = Math.min(firstSend, now());
        await sendOne(`m${i}`);
        lastSendDone = Math.max(lastSendDone, now());
      }),
    );
    const expected = MESSAGES * connected.subscribed;
    const drainDeadline = now() + DRAIN_MS;
    let s = await status();
    while (s.measured < expected && now() < drainDeadline) {
      await sleep(100);
      s = await status();
    }
    const cpu1 = cpuTimes();
    if (profile) {
      result.profile = await sender.control('/profile/stop', env.BENCH_FANOUT_PROFILE_OUT ?? '');
    }
    const after = await Promise.all(servers.map((sv) => sv.control('/stats')));
    result.serverCpuPct = after.map((a) => round(a.cpuPct, 0));
    result.serverElu = after.map((a) => round(a.elu, 2));
    serverCpuMs = after.reduce((a, x) => a + x.cpuMs, 0);
    serverMainCpuMs = after.reduce((a, x) => a + x.mainCpuMs, 0);
    result.hostCpuPct = round((100 * (cpu1.busy - cpu0.busy)) / Math.max(cpu1.total - cpu0.total, 1), 0);

    // -- collect
    stage('collect');
    const results = await Promise.all(clients.map((c) => c.request<{ result: ClientResult }>({ cmd: 'collect' }, 'result')));
    const all = results.map((r) => r.result);
    const total = all.reduce((a, r) => a + r.latencies.length, 0);
    const merged = new Float64Array(total);
    let off = 0;
    const byNode = new Map<string, Float64Array[]>();
    all.forEach((r, i) => {
      merged.set(r.latencies, off);
      off += r.latencies.length;
      const key = clients[i]!.node;
      byNode.set(key, [...(byNode.get(key) ?? []), r.latencies]);
    });
    merged.sort();
    const summed = sumStatus(all);
    const lastReceive = Math.max(...all.map((r) => r.lastReceive));
    result.expected = expected;
    result.delivered = summed.measured;
    result.deliveredRatio = round(summed.measured / Math.max(expected, 1), 4);
    result.duplicates = summed.duplicates;
    result.latencyMs = percentiles(merged);
    if (servers.length > 1) {
      result.latencyByNodeMs = Object.fromEntries(
        [...byNode].map(([node, arrs]) => {
          const joined = new Float64Array(arrs.reduce((a, x) => a + x.length, 0));
          let o = 0;
          for (const x of arrs) {
            joined.set(x, o);
            o += x.length;
          }
          return [node, percentiles(joined.sort())];
        }),
      );
    }
    result.sendSpanS = round((lastSendDone - firstSend) / 1000, 2);
    result.deliverySpanS = round((lastReceive - firstSend) / 1000, 2);
    result.deliveriesPerS = round(summed.measured / Math.max((lastReceive - firstSend) / 1000, 1e-3), 0);
    const sortedSend = Float64Array.from(sendLatencies).sort();
    result.sendLatencyMs = { p50: percentiles(sortedSend).p50, p99: percentiles(sortedSend).p99 };
    result.sendErrors = sendErrors;
    result.frameBytes = summed.frameBytes;
    result.serverCpuUsPerDelivery = round((serverCpuMs * 1000) / Math.max(summed.measured, 1), 1);
    result.serverMainCpuUsPerDelivery = round((serverMainCpuMs * 1000) / Math.max(summed.measured, 1), 1);
    result.clientErrors = summed.errors;
    result.clientErrorSamples = [...summed.errorSamples, ...sendErrorSamples.map((e) => `send: ${e}`)];
    if (kind !== 'raw') {
      const sql = after.reduce((a, x, i) => a + (x.sqlQueries - sqlBefore[i].sqlQueries), 0);
      result.sqlPerMessage = round(sql / MESSAGES, 1);
      result.sqlPerEvent = round(sql / Math.max(summed.measured, 1), 3);
    }
  } catch (err) {
    result.error = (err as Error).stack ?? String(err);
    log(`    phase failed: ${(err as Error).message}`);
  } finally {
    servers.forEach((sv) => (sv.stage = 'disconnect'));
    await Promise.allSettled(clients.map((c) => c.request({ cmd: 'close' }, 'closed', 30_000)));
    await Promise.allSettled(clients.map((c) => c.terminate()));
    // Let the servers finish their close handlers (presence bookkeeping in Redis) first.
    await waitForSockets(servers, 0, 15_000).catch(() => undefined);
    servers.forEach((sv) => (sv.stage = 'shutdown'));
    await Promise.allSettled(servers.map((s) => s.stop()));
    result.serverProblemsByStage = {};
    for (const sv of servers)
      for (const [k, v] of Object.entries(sv.problemsByStage)) result.serverProblemsByStage[k] = (result.serverProblemsByStage[k] ?? 0) + v;
    result.serverProblems = servers.reduce((a, s) => a + s.problemCount, 0);
    result.serverProblemSamples = [...new Set(servers.flatMap((s) => s.problems.map((p) => `${s.name} [${p.stage}] ${p.level}: ${p.text}`)))].slice(0, 10);
  }
  return result as PhaseResult;
}

// ---------------------------------------------------------------- warm-up

async function waitForSockets(servers: ServerProcess[], count: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await Promise.all(servers.map((s) => s.control('/stats')));
    const open = stats.reduce((a, x) => a + (x.sockets ?? 0), 0);
    if (open === count) return;
    if (performance.now() > deadline) throw new Error(`servers still report ${open} sockets (want ${count})`);
    await sleep(100);
  }
}

async function warmUp(servers: ServerProcess[], protocol: 'graphql' | 'raw', token: string, conversationId: string, send: () => Promise<unknown>) {
  const sockets = servers.map((server) => {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/graphql', protocol === 'graphql' ? 'graphql-transport-ws' : undefined);
    const state = { ws, ready: false, received: false };
    ws.on('open', () => {
      if (protocol === 'raw') state.ready = true;
      else ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { id: conversationId } } }));
        state.ready = true;
      } else if (msg.type === 'ping') ws.send('{"type":"pong"}');
      else if (msg.type === 'next') state.received = true;
    });
    ws.on('error', () => undefined);
    return state;
  });
  try {
    for (let i = 0; i < 50 && !sockets.every((s) => s.ready); i++) await sleep(100);
    for (let attempt = 0; attempt < 5 && !sockets.every((s) => s.received); attempt++) {
      await sleep(200);
      await send();
      for (let i = 0; i < 30 && !sockets.every((s) => s.received); i++) await sleep(100);
    }
    if (!sockets.every((s) => s.received)) log('    warm-up message did not arrive everywhere');
  } finally {
    for (const s of sockets) s.ws.close();
  }
}

// ---------------------------------------------------------------- report

const pad = (v: unknown, w: number) => String(v ?? '-').padStart(w);

function printTable(rows: PhaseResult[]) {
  log(
    '\n| phase                  |     N | delivered        | p50 ms | p95 ms | p99 ms |  max ms | deliveries/s | vs raw | CPU/delivery vs raw | idle RSS/conn KB | heap/conn KB | SQL/event | server CPU % | CPU µs/delivery | host CPU % (before) | connect s |',
  );
  log(
    '|------------------------|-------|------------------|--------|--------|--------|---------|--------------|--------|---------------------|------------------|--------------|-----------|--------------|-----------------|---------------------|-----------|',
  );
  for (const r of rows) {
    if (r.error && r.delivered === undefined) {
      log(`| ${r.label.padEnd(22)} | ${pad(r.n, 5)} | FAILED: ${r.error.split('\n')[0]!.slice(0, 120)}`);
      continue;
    }
    const raw = rows.find((x) => x.kind === 'raw' && x.n === r.n && x.deliveriesPerS);
    const vs = r.kind !== 'raw' && raw ? round(r.deliveriesPerS / raw.deliveriesPerS, 2) : r.kind === 'raw' ? 1 : '-';
    const cpuVs =
      r.kind !== 'raw' && raw?.serverCpuUsPerDelivery ? round(r.serverCpuUsPerDelivery / raw.serverCpuUsPerDelivery, 2) : r.kind === 'raw' ? 1 : '-';
    log(
      `| ${r.label.padEnd(22)} | ${pad(r.n, 5)} | ${`${r.delivered}/${r.expected} (${round(100 * r.deliveredRatio, 2)}%)`.padEnd(16)} | ${pad(r.latencyMs.p50, 6)} | ${pad(r.latencyMs.p95, 6)} | ` +
        `${pad(r.latencyMs.p99, 6)} | ${pad(r.latencyMs.max, 7)} | ${pad(r.deliveriesPerS, 12)} | ${pad(vs, 6)} | ${pad(cpuVs, 19)} | ${pad(r.rssPerConnKB, 16)} | ${pad(r.heapPerConnKB, 12)} | ` +
        `${pad(r.sqlPerEvent, 9)} | ${pad(r.serverCpuPct.join('+'), 12)} | ${pad(r.serverCpuUsPerDelivery, 15)} | ${pad(`${r.hostCpuPct} (${r.hostBusyBeforePct})`, 19)} | ${pad(r.connectS, 9)} |`,
    );
  }
}

function openFilesLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    return Number(line?.split(/\s+/)[3]) || Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

// ---------------------------------------------------------------- main

export async function main() {
  const started = Date.now();
  const limit = openFilesLimit();
  const nList = N_LIST.filter((n) => {
    if (n + 256 <= limit) return true;
    log(`skipping N=${n}: needs ~${n + 256} open files in this process, ulimit -n is ${limit} (raise it: ulimit -n ${n + 1024})`);
    return false;
  });
  const kinds = (['raw', 'one', 'two'] as PhaseKind[]).filter((k) => PHASES.has(k));
  log(
    `fan-out: N=${nList.join(',')} subscribers on one conversation, ${MESSAGES} messages at ${RATE}/s, ${BODY_CHARS}-char bodies; phases ${kinds.join(', ')}`,
  );
  log(
    `host: ${os.availableParallelism()} CPUs, ${round(os.totalmem() / 2 ** 30, 0)} GiB, load ${os
      .loadavg()
      .map((l) => round(l, 2))
      .join(' ')}; Redis ${REDIS_URL}; ulimit -n ${limit}`,
  );

  let db: ScratchDatabase | undefined;
  let seeded: Seeded | undefined;
  const rows: PhaseResult[] = [];
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: cleaning up…`);
    void (async () => {
      await cleanupAll();
      await db?.drop().catch(() => undefined);
      process.exit(130);
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const nodeIds = new Set<string>();
  try {
    db = await createScratchDatabase(ADMIN_URL, 'sb_fanout');
    log(`database ${db.name} created`);
    const conversations = nList.length * kinds.length + (PROFILE ? 1 : 0);
    seeded = await seed(db.url, Math.max(conversations, 1));
    let c = 0;
    for (const n of nList) {
      for (const kind of kinds) {
        log(`\n[${PHASE_LABEL[kind]}, N=${n}]`);
        const r = await runPhase(kind, n, seeded.conversationIds[c++]!, db, seeded);
        rows.push(r);
        for (const id of r.nodeIds ?? []) nodeIds.add(id);
        if (r.latencyMs) {
          log(
            `    delivered ${r.delivered}/${r.expected}, latency p50 ${r.latencyMs.p50} p95 ${r.latencyMs.p95} p99 ${r.latencyMs.p99} max ${r.latencyMs.max} ms, ` +
              `${r.deliveriesPerS} deliveries/s, idle ${r.rssPerConnKB} KB RSS (${r.heapPerConnKB} KB heap)/conn, server ${r.serverCpuUsPerDelivery} µs CPU/delivery (main thread ${r.serverMainCpuUsPerDelivery})` +
              (r.sqlPerEvent !== undefined ? `, ${r.sqlPerMessage} SQL per message` : '') +
              `; send HTTP p50 ${r.sendLatencyMs.p50} p99 ${r.sendLatencyMs.p99} ms${r.sendErrors ? `, ${r.sendErrors} sends failed/timed out (${SEND_TIMEOUT_MS / 1000} s)` : ''}`,
          );
        }
        if (r.serverProblems) log(`    server log problems by stage: ${JSON.stringify(r.serverProblemsByStage)}`);
        if (r.clientErrors) log(`    client errors: ${r.clientErrors} (${r.clientErrorSamples.slice(0, 3).join(' | ')})`);
      }
    }
    let profiled: PhaseResult | undefined;
    if (PROFILE && nList.length) {
      const n = Math.max(...nList);
      log(`\n[profile: ours, 1 node, N=${n}]`);
      profiled = await runPhase('one', n, seeded.conversationIds[c++]!, db, seeded, true);
      for (const id of profiled.nodeIds ?? []) nodeIds.add(id);
      printProfile(profiled.profile as ProfileSummary | undefined);
    }

    // -- report
    printTable(rows);
    const verdicts: string[] = [];
    const ours = rows.filter((r) => r.kind !== 'raw');
    const check = (ok: boolean, text: string) => verdicts.push(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
    for (const r of ours) {
      if (!r.latencyMs) {
        check(false, `${r.label} N=${r.n}: phase failed`);
        continue;
      }
      check(r.deliveredRatio >= TARGETS.delivered, `${r.label} N=${r.n}: delivered ${round(100 * r.deliveredRatio, 2)}% (target 100%)`);
      if (r.n === TARGETS.p95AtN)
        check(r.latencyMs.p95 <= TARGETS.p95Ms, `${r.label} N=${r.n}: p95 ${r.latencyMs.p95} ms (target <= ${TARGETS.p95Ms} ms at ${TARGETS.p95AtN})`);
      const raw = rows.find((x) => x.kind === 'raw' && x.n === r.n && x.deliveriesPerS);
      if (raw?.serverCpuUsPerDelivery) {
        const ratio = r.serverCpuUsPerDelivery / raw.serverCpuUsPerDelivery;
        check(
          ratio <= TARGETS.cpuVsRaw,
          `${r.label} N=${r.n}: server CPU ${r.serverCpuUsPerDelivery} µs per delivery, ${round(ratio, 2)}x raw's ${raw.serverCpuUsPerDelivery} µs (target <= ${TARGETS.cpuVsRaw}x)`,
        );
      }
      if (raw)
        check(
          r.deliveriesPerS / raw.deliveriesPerS >= TARGETS.throughputVsRaw,
          `${r.label} N=${r.n}: throughput ${round(r.deliveriesPerS / raw.deliveriesPerS, 2)}x raw (target >= ${TARGETS.throughputVsRaw}x); p95 ${round(r.latencyMs.p95 / raw.latencyMs.p95, 1)}x raw`,
        );
      check(
        r.rssPerConnKB <= TARGETS.kbPerConnection,
        `${r.label} N=${r.n}: ${r.rssPerConnKB} KB RSS per idle connection (target <= ${TARGETS.kbPerConnection} KB)`,
      );
    }
    for (const r of rows.filter((x) => x.kind === 'raw' && x.latencyMs)) {
      verdicts.push(
        `info  raw N=${r.n}: delivered ${round(100 * r.deliveredRatio, 2)}%, ${r.deliveriesPerS}/s, ${r.rssPerConnKB} KB RSS/conn, frame ${r.frameBytes} B`,
      );
    }
    const busy = rows.filter((r) => r.hostBusyBeforePct >= 30);
    if (busy.length) {
      verdicts.push(
        `WARN  the host was already busy before ${busy.map((r) => `${r.label} N=${r.n} (${r.hostBusyBeforePct}%)`).join(', ')}: ` +
          'latencies there include CPU contention from other work (BENCH_FANOUT_QUIET_S=60 waits for a quiet host)',
      );
    }
    log('\n' + verdicts.join('\n'));
    for (const r of rows) {
      if (r.latencyByNodeMs)
        log(
          `${r.label} N=${r.n} by node: ${Object.entries(r.latencyByNodeMs)
            .map(([k, v]) => `${k} p50 ${v.p50} p95 ${v.p95} p99 ${v.p99}`)
            .join('; ')}`,
        );
    }
    for (const r of rows) {
      const problems = [...r.serverProblemSamples, ...r.clientErrorSamples];
      if (problems.length) log(`${r.label} N=${r.n} problems (server ${r.serverProblems}, client ${r.clientErrors}):\n  ${problems.join('\n  ')}`);
    }

    const result = {
      bench: 'fanout',
      node: process.version,
      cpus: os.availableParallelism(),
      config: { n: nList, messages: MESSAGES, rate: RATE, bodyChars: BODY_CHARS, drainS: DRAIN_MS / 1000, redis: true, database: 'postgresql' },
      targets: TARGETS,
      phases: rows.map(({ profile: _p, ...r }) => r),
      ...(profiled ? { profile: profiled.profile, profiledPhase: { ...profiled, profile: undefined } } : {}),
      pass: verdicts.every((v) => !v.startsWith('FAIL')),
      elapsedS: round((Date.now() - started) / 1000, 1),
    };
    log(`\nRESULT ${JSON.stringify(result)}`);
  } finally {
    await cleanupAll();
    if (seeded) {
      // Presence bookkeeping the bench user left in Redis (sockets are gone by now).
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      await redis
        .multi()
        .del(`sb:presence:conns:${seeded.userId}`)
        .hdel('sb:presence:users', seeded.userId)
        .hdel('sb:presence:status', seeded.userId)
        .exec()
        .catch(() => undefined);
      for (const id of nodeIds) await redis.del(`sb:node:${id}`).catch(() => undefined);
      await redis.quit().catch(() => undefined);
    }
    if (db) {
      await db.drop();
      log(`database ${db.name} dropped`);
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  byPackage: { name: string; ms: number; pct: number }[];
  topFunctions: { name: string; ms: number; pct: number }[];
}

function printProfile(p: ProfileSummary | undefined) {
  if (!p) return;
  log(`  node A main thread: busy ${p.busyMs} ms, idle ${p.idleMs} ms`);
  log('  self time by package:');
  for (const b of p.byPackage) log(`    ${String(b.pct).padStart(5)}%  ${b.name}`);
  log('  top functions (self time):');
  for (const f of p.topFunctions) log(`    ${String(f.pct).padStart(5)}%  ${f.name}`);
}
