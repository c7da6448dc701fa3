// Webhook delivery on the production path: real PostgreSQL (a scratch
// sb_wh_bench_* database), real Redis/BullMQ (a queue prefix of its own), one
// API process that also runs the workers, and a local receiver that verifies
// nothing and answers 200 after BENCH_RECEIVER_DELAY_MS (a partner's server
// takes some time to answer; 0 measures our side alone).
//
//   npm run bench -w @switchboard/api -- webhooks
//
// Phases:
//   throughput  for each WEBHOOK_CONCURRENCY (1, 16): BENCH_EVENTS events are
//               written (emitWebhookEvents in transactions of 50, one endpoint
//               subscribed) and dispatched through the outbox; throughput =
//               events / (last arrival − first commit); event → delivered is
//               arrival at the receiver minus the event's timestamp (which is
//               taken just before its transaction commits); then BENCH_PACED
//               events one at a time (no backlog): event → delivered alone.
//   sendMessage latency of the sendMessage mutation over HTTP (an agent
//               replying in one conversation), with 0 and with 3 endpoints
//               subscribed to message.created, alternating rounds, on an API
//               node that runs no workers (RUN_WORKERS=false); the deliveries
//               run in a worker process (src/worker.ts), as in production.
//
// Environment (all optional):
//   BENCH_DATABASE_URL       admin URL (postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_REDIS_URL          (redis://127.0.0.1:6379/11); keys under a sbbench-wh-<random> prefix, deleted at the end
//   BENCH_CONCURRENCIES      (1,16); empty: the sendMessage phase alone
//   BENCH_EVENTS             events per concurrency (600)
//   BENCH_PACED              paced events per concurrency (100), one every BENCH_PACED_EVERY_MS (50)
//   BENCH_RECEIVER_DELAY_MS  (20)
//   BENCH_MESSAGES           sendMessage calls per round and setting (100); BENCH_ROUNDS (3)
//   BENCH_WORKER=false       no worker during the sendMessage phase: the request path alone
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { print } from 'graphql';
import { Redis } from 'ioredis';
import { LogInDocument } from '@switchboard/schema';
import { loadConfig } from '../src/platform/config.js';
import { forkFor } from '../src/platform/database.js';
import { createAppServer } from '../src/app/server.js';
import { hashPassword } from '../src/modules/auth/auth.service.js';
import { User, UserRole } from '../src/modules/auth/user.entity.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
import { emitWebhookEvents, pokeFanOut, WebhookEventType } from '../src/modules/webhooks/index.js';
import { createScratchDatabase } from '../test/scratch-database.js';
import { latencySummary, round, table } from './ai-corpus.js';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/11';
const CONCURRENCIES = (env.BENCH_CONCURRENCIES ?? '1,16').split(',').filter(Boolean).map(Number);
const EVENTS = num('BENCH_EVENTS', 600);
const DELAY_MS = num('BENCH_RECEIVER_DELAY_MS', 20);
const MESSAGES = num('BENCH_MESSAGES', 100);
const ROUNDS = num('BENCH_ROUNDS', 3);
/** false: no worker runs during the sendMessage phase (the request path alone; deliveries stay queued). */
const WORKER = env.BENCH_WORKER !== 'false';
const BATCH = 50;
const PACED = num('BENCH_PACED', 100);
const PACED_EVERY_MS = num('BENCH_PACED_EVERY_MS', 50);
const log = (...args: unknown[]) => console.log(...args);

/** Counts arrivals per path; resolves waiters when a path reaches a count. */
class Receiver {
  private server!: Server;
  url = '';
  readonly arrivals = new Map<string, { at: number; eventAt: number }[]>();
  private waiters = new Set<() => void>();
  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = Date.now();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
        const list = this.arrivals.get(req.url ?? '/') ?? [];
        list.push({ at, eventAt: Date.parse(body.timestamp) });
        this.arrivals.set(req.url ?? '/', list);
        setTimeout(() => {
          res.end('ok');
          for (const w of this.waiters) w();
        }, DELAY_MS);
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  until(path: string, count: number, timeoutMs = 300_000) {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if ((this.arrivals.get(path)?.length ?? 0) >= count) {
          this.waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => reject(new Error(`timed out: ${this.arrivals.get(path)?.length ?? 0}/${count} at ${path}`)), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

async function boot(concurrency: number, prefix: string, runWorkers = true) {
  const db = await createScratchDatabase(ADMIN_URL, 'sb_wh_bench');
  const vars = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-signing',
    DATABASE_URL: db.url,
    REDIS_URL,
    RUN_WORKERS: String(runWorkers),
    SEED_DEMO: 'false',
    AI_AUTO_REPLY: 'false',
    QUEUE_PREFIX: prefix,
    RATE_LIMIT_PER_MINUTE: '1000000',
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    WEBHOOK_CONCURRENCY: String(concurrency),
  };
  const config = loadConfig(vars);
  const server = await createAppServer({ config });
  const url = await server.listen(0, '127.0.0.1');
  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const em = forkFor(server.deps.orm, null);
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const workspace = em.create(Workspace, { name: 'Bench' });
  em.create(User, { workspace, email, name: 'Admin', role: UserRole.ADMIN, passwordHash: await hashPassword('password123') });
  await em.flush();
  const token = (await gql(print(LogInDocument), { input: { email, password: 'password123' } })).logIn.accessToken as string;
  return { server, db, gql, token, vars, workspaceId: workspace.id, widgetKey: workspace.widgetKey };
}

type Booted = Awaited<ReturnType<typeof boot>>;

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`;
const UPDATE = `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { id } }`;

async function throughput(b: Booted, receiver: Receiver, concurrency: number) {
  const path = `/throughput-${concurrency}`;
  await b.gql(CREATE, { input: { url: `${receiver.url}${path}`, eventTypes: ['TICKET_CREATED'] } }, b.token);
  const orm = b.server.deps.orm;
  const started = Date.now();
  for (let i = 0; i < EVENTS; i += BATCH) {
    const n = Math.min(BATCH, EVENTS - i);
    const pending = await forkFor(orm, b.workspaceId).transactional((tx) =>
      emitWebhookEvents(
        tx,
        b.workspaceId,
        Array.from({ length: n }, (_, k) => ({ type: WebhookEventType.TICKET_CREATED, data: { ticket: { id: `bench-${i + k}` } } })),
      ),
    );
    pokeFanOut(b.server.deps, pending);
  }
  const enqueuedMs = Date.now() - started;
  await receiver.until(path, EVENTS);
  const arrivals = receiver.arrivals.get(path)!;
  const last = Math.max(...arrivals.map((a) => a.at));
  const lag = arrivals.map((a) => a.at - a.eventAt);
  // Paced: one event at a time, PACED_EVERY_MS apart: event → delivered without a backlog.
  for (let i = 0; i < PACED; i++) {
    const pending = await forkFor(orm, b.workspaceId).transactional((tx) =>
      emitWebhookEvents(tx, b.workspaceId, [{ type: WebhookEventType.TICKET_CREATED, data: { ticket: { id: `paced-${i}` } } }]),
    );
    pokeFanOut(b.server.deps, pending);
    await new Promise((r) => setTimeout(r, PACED_EVERY_MS));
  }
  await receiver.until(path, EVENTS + PACED);
  const paced = receiver.arrivals
    .get(path)!
    .slice(EVENTS)
    .map((a) => a.at - a.eventAt);
  return {
    concurrency,
    events: EVENTS,
    enqueuedMs,
    seconds: (last - started) / 1000,
    perSecond: round(EVENTS / ((last - started) / 1000)),
    lag: latencySummary(lag),
    paced: latencySummary(paced),
  };
}

async function sendMessageLatency(b: Booted, receiver: Receiver) {
  const endpoints: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await b.gql(CREATE, { input: { url: `${receiver.url}/messages-${i}`, eventTypes: ['MESSAGE_CREATED'] } }, b.token);
    endpoints.push(created.createWebhookEndpoint.endpoint.id);
  }
  const setEnabled = (enabled: boolean) => Promise.all(endpoints.map((id) => b.gql(UPDATE, { input: { id, enabled } }, b.token)));
  const started = await b.gql(`mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } } }`, {
    input: { widgetKey: b.widgetKey },
  });
  const conversationId = started.startConversation.conversation.id as string;
  const send = async () => {
    const t0 = performance.now();
    await b.gql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { conversationId, body: 'Thanks, looking into it.' } },
      b.token,
    );
    return performance.now() - t0;
  };
  // Warm-up (JIT, pools, prepared plans), not measured.
  await setEnabled(false);
  for (let i = 0; i < 30; i++) await send();
  const samples: Record<'0' | '3', number[]> = { '0': [], '3': [] };
  let delivered = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const setting of ['0', '3'] as const) {
      await setEnabled(setting === '3');
      for (let i = 0; i < MESSAGES; i++) samples[setting].push(await send());
      if (setting === '3' && WORKER) {
        delivered += MESSAGES;
        // Let this round's deliveries finish before the next 0-endpoint round.
        await Promise.all([0, 1, 2].map((k) => receiver.until(`/messages-${k}`, delivered)));
      }
    }
  }
  return { zero: latencySummary(samples['0']), three: latencySummary(samples['3']) };
}

/** A worker process (src/worker.ts) on the same database and queues, as in production; resolves once it is ready. */
function startWorker(vars: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--experimental-async-context-frame', '--import', '@swc-node/register/esm-register', 'src/worker.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, ...vars, LOG_LEVEL: 'info', METRICS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('worker ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${out.slice(-500)}`)));
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function main() {
  const receiver = new Receiver();
  await receiver.start();
  log(`webhooks bench: receiver answers after ${DELAY_MS} ms; ${EVENTS} events per concurrency; Redis ${REDIS_URL}`);
  const results: Awaited<ReturnType<typeof throughput>>[] = [];
  let latency: Awaited<ReturnType<typeof sendMessageLatency>> | undefined;
  const prefixes: string[] = [];
  try {
    for (const c of CONCURRENCIES) {
      const prefix = `sbbench-wh-${randomUUID().slice(0, 8)}`;
      prefixes.push(prefix);
      const b = await boot(c, prefix);
      try {
        results.push(await throughput(b, receiver, c));
        log(`concurrency ${c}: ${JSON.stringify(results.at(-1))}`);
      } finally {
        await b.server.stop();
        await b.db.drop();
      }
    }
    // sendMessage on an API node that runs no workers; deliveries go to a worker process.
    const prefix = `sbbench-wh-${randomUUID().slice(0, 8)}`;
    prefixes.push(prefix);
    const b = await boot(CONCURRENCIES.at(-1) ?? 16, prefix, false);
    const worker = WORKER ? await startWorker(b.vars) : null;
    try {
      latency = await sendMessageLatency(b, receiver);
    } finally {
      if (worker) await stopWorker(worker);
      await b.server.stop();
      await b.db.drop();
    }
  } finally {
    await receiver.close();
    const redis = new Redis(REDIS_URL);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  }
  log('\nDelivery throughput (one endpoint, receiver answering after ' + DELAY_MS + ' ms)');
  log(
    table(
      ['worker concurrency', 'burst events', 'deliveries/s', 'burst event→delivered p50 ms', 'p95 ms', `paced (1 per ${PACED_EVERY_MS} ms) p50 ms`, 'p95 ms'],
      results.map((r) => [r.concurrency, r.events, r.perSecond, r.lag.p50, r.lag.p95, r.paced.p50, r.paced.p95]),
    ),
  );
  if (latency) {
    const overhead = (latency.three.p50 / latency.zero.p50 - 1) * 100;
    log(
      `\nsendMessage over HTTP (${ROUNDS} alternating rounds of ${MESSAGES}; API node without workers; ${WORKER ? 'deliveries in a worker process on the same machine' : 'no worker: the request path alone'})`,
    );
    log(
      table(
        ['endpoints subscribed', 'n', 'p50 ms', 'p95 ms', 'mean ms'],
        [
          ['0', latency.zero.n, latency.zero.p50, latency.zero.p95, latency.zero.mean],
          ['3', latency.three.n, latency.three.p50, latency.three.p95, latency.three.mean],
        ],
      ),
    );
    log(`p50 overhead with 3 endpoints: ${round(overhead)} % (target ≤ 5 %)`);
  }
}
