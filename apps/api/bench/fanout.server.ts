// A server process for bench/fanout.ts, started with child_process.fork():
//
//   FANOUT_MODE=app  our API (createAppServer: Apollo + graphql-ws + MikroORM,
//                    PostgreSQL, Redis pub/sub), exactly as production builds it;
//   FANOUT_MODE=raw  the physical limit: a bare `ws` WebSocketServer on the same
//                    path that broadcasts one pre-encoded frame of the same shape
//                    and size to every socket on POST /send.
//
// Either way it also listens on a second, bench-only control port (never part
// of src/) that reports this process's memory, CPU and event-loop use, forces
// a GC (the process runs with --expose-gc) and takes CPU profiles. It tells
// the parent both URLs over IPC and exits when the parent goes away.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

const mode = process.env.FANOUT_MODE === 'raw' ? 'raw' : 'app';
const env = process.env;

// Node 22.19+ (the typings here predate it): CPU time of the calling thread alone.
const threadCpuUsage = (previous?: NodeJS.CpuUsage) =>
  (process as NodeJS.Process & { threadCpuUsage(previous?: NodeJS.CpuUsage): NodeJS.CpuUsage }).threadCpuUsage(previous);

let mark = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage(), mainCpu: threadCpuUsage(), at: performance.now() };
let profiler: Session | undefined;

let counters: () => Record<string, unknown> = () => ({});
let stopServer: () => Promise<void> = async () => {};

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function stats() {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage(mark.cpu);
  // The main thread alone (the event loop); the rest is V8's GC and compiler threads and libuv's pool.
  const mainCpu = threadCpuUsage(mark.mainCpu);
  const wallMs = performance.now() - mark.at;
  return {
    pid: process.pid,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    elu: performance.eventLoopUtilization(mark.elu).utilization,
    cpuPct: (100 * (cpu.user + cpu.system)) / 1000 / Math.max(wallMs, 1),
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainCpuMs: (mainCpu.user + mainCpu.system) / 1000,
    ...counters(),
  };
}

async function gc() {
  const g = (globalThis as { gc?: (opts?: unknown) => unknown }).gc;
  if (!g) return;
  for (let i = 0; i < 3; i++) {
    g();
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------------------------------------------------------------- profile summary

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

function where(url: string, fn: string) {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node core';
  const app = url.indexOf('/apps/api/');
  return app >= 0 ? `app ${url.slice(app + '/apps/api/'.length)}` : url;
}

function summarize(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const pkgs = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const pkg = where(cf.url, cf.functionName);
    pkgs.set(pkg.startsWith('app ') ? 'app (apps/api/src)' : pkg, (pkgs.get(pkg.startsWith('app ') ? 'app (apps/api/src)' : pkg) ?? 0) + us);
    const key = `${cf.functionName || '(anonymous)'}  ${pkg}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / busy) / 10 }));
  return { busyMs: Math.round(busy / 1000), idleMs: Math.round(idle / 1000), byPackage: top(pkgs, 15), topFunctions: top(fns, 25) };
}

// ---------------------------------------------------------------- control port

const control = createServer(async (req, res) => {
  try {
    const body = req.method === 'POST' ? await readBody(req) : '';
    if (req.url === '/stats') return json(res, 200, stats());
    if (req.url === '/gc') {
      await gc();
      return json(res, 200, stats());
    }
    if (req.url === '/mark') {
      mark = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage(), mainCpu: threadCpuUsage(), at: performance.now() };
      return json(res, 200, { ok: true });
    }
    if (req.url === '/profile/start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
      return json(res, 200, { ok: true });
    }
    if (req.url === '/profile/stop') {
      if (!profiler) return json(res, 409, { error: 'not profiling' });
      const { profile } = (await profiler.post('Profiler.stop')) as unknown as { profile: Parameters<typeof summarize>[0] };
      profiler.disconnect();
      profiler = undefined;
      if (body) (await import('node:fs')).writeFileSync(body, JSON.stringify(profile));
      return json(res, 200, summarize(profile));
    }
    if (req.url === '/heapsnapshot') {
      await gc();
      const { writeHeapSnapshot } = await import('node:v8');
      return json(res, 200, { file: writeHeapSnapshot(body || undefined) });
    }
    json(res, 404, { error: 'not found' });
  } catch (err) {
    json(res, 500, { error: (err as Error).message });
  }
});

// ---------------------------------------------------------------- the server under test

async function startApp(): Promise<string> {
  const { loadConfig } = await import('../src/platform/config.js');
  const { createAppServer } = await import('../src/app/server.js');
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: env.FANOUT_LOG_LEVEL ?? 'warn',
    JWT_SECRET: env.FANOUT_JWT_SECRET,
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    DATABASE_URL: env.FANOUT_DATABASE_URL,
    REDIS_URL: env.FANOUT_REDIS_URL,
    SEED_DEMO: 'false',
    // Every subscriber and the sender are one user: keep the limiter on the path, never tripping.
    RATE_LIMIT_PER_MINUTE: '1000000000',
  });
  // Count the SQL statements the ORM sends (pg.Client#query of the pg copy
  // MikroORM loads): one increment per statement, nothing on the ORM's side.
  const { createRequire } = await import('node:module');
  const pg = createRequire(import.meta.resolve('@mikro-orm/postgresql'))('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  let sqlQueries = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    sqlQueries += 1;
    return query.apply(this, args);
  };
  const server = await createAppServer({ config });
  const url = await server.listen(0, '127.0.0.1');
  const rt = server.deps.realtime;
  counters = () => ({ sockets: rt.sockets, subscriptions: rt.subscriptions, nodeId: rt.nodeId, sqlQueries });
  stopServer = () => server.stop();
  return url;
}

async function startRaw(): Promise<string> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/graphql', perMessageDeflate: false, maxPayload: 1024 * 1024 });
  let broadcasts = 0;
  counters = () => ({ sockets: wss.clients.size, broadcasts });
  const send = (body: string, seq: number) => {
    // The frame our server sends for MessageAdded with the bench's selection set.
    const frame = Buffer.from(
      JSON.stringify({
        id: '1',
        type: 'next',
        payload: {
          data: {
            conversationEvents: {
              __typename: 'MessageAdded',
              message: { id: randomUUID(), seq, body, authorType: 'AGENT', createdAt: new Date().toISOString() },
            },
          },
        },
      }),
    );
    let n = 0;
    for (const ws of wss.clients) {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(frame, { binary: false });
        n += 1;
      }
    }
    broadcasts += 1;
    return n;
  };
  http.on('request', async (req, res) => {
    if (req.method === 'POST' && req.url === '/send') {
      const { body, seq } = JSON.parse(await readBody(req)) as { body: string; seq: number };
      return json(res, 200, { sent: send(body, seq) });
    }
    json(res, 404, { error: 'not found' });
  });
  stopServer = async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    await new Promise<void>((r) => http.close(() => r()));
  };
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

// ---------------------------------------------------------------- lifecycle

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(code), 10_000);
  timer.unref();
  profiler?.disconnect();
  await stopServer().catch((err) => console.error('stop failed:', (err as Error).message));
  control.close();
  process.exit(code);
}

process.on('disconnect', () => void shutdown(0)); // the parent went away
process.on('message', (m) => {
  if (m === 'stop') void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));

try {
  const url = mode === 'raw' ? await startRaw() : await startApp();
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  process.send!({ type: 'ready', url, controlUrl, pid: process.pid });
} catch (err) {
  console.error('server failed to start:', err);
  process.send?.({ type: 'failed', error: (err as Error).stack ?? String(err) });
  await shutdown(1);
}
