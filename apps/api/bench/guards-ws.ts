// graphql-ws side of bench/guards.ts.
//
// `runWsLoad` is the closed-loop load generator of the overhead part, run (like
// bench/loadgen.worker.ts for HTTP) in a worker thread — this same file — so it
// shares an event loop with neither server: `sockets` long-lived graphql-ws
// clients (`createClient`, `webSocketImpl` from `ws`, `lazy: false`), opened
// before the warm-up, and `concurrency` loops each keeping one query in flight
// as a `subscribe` message on socket `c % sockets`. Every response is checked
// (no errors, the expected number of edges) and any socket closing mid-run
// counts as an error.
//
// `openSocket` and `operation` are for the rejection part, which runs on the
// main thread like the HTTP one: one open socket, one operation at a time.
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createClient, type Client, type SubscribePayload } from 'graphql-ws';
import { WebSocket } from 'ws';

export interface WsLoadSpec {
  /** ws://host:port/graphql */
  url: string;
  token: string;
  query: string;
  expectEdges: number;
  sockets: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

interface WsLoadResult {
  ok: number;
  errors: number;
  measured: number;
  elapsedMs: number;
  latencies: Float64Array;
  errorSamples: string[];
  elu: number;
}

export interface WsStats {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  errorSamples?: string[];
  serverElu: number;
  loadgenElu: number;
  hostCpu: number;
}

export interface OpenSocket {
  client: Client;
  /** Times the socket connected (1 while it was never re-opened). */
  readonly connects: number;
  /** Times the socket closed. */
  readonly closes: number;
}

/** Opens one graphql-ws socket (authenticated in connection_init) and resolves once it is acknowledged. */
export function openSocket(url: string, token: string): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    let connects = 0;
    let closes = 0;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: (err) => reject(err instanceof Error ? err : new Error(`socket failed: ${describe(err)}`)),
      on: {
        connected: () => {
          connects += 1;
          if (connects === 1) resolve(socket);
        },
        closed: () => void (closes += 1),
      },
    });
    const socket: OpenSocket = {
      client,
      get connects() {
        return connects;
      },
      get closes() {
        return closes;
      },
    };
  });
}

export type OperationOutcome = { result: { data?: any; errors?: readonly any[] } } | { errors: readonly any[] } | { failure: string };

/** One operation (query) on an open socket: its result, the graphql-ws `error` message's errors, or a transport failure. */
export function operation(client: Client, payload: SubscribePayload): Promise<OperationOutcome> {
  return new Promise((resolve) => {
    let result: { data?: any; errors?: readonly any[] } | undefined;
    client.subscribe(payload, {
      next: (value) => void (result = value as typeof result),
      error: (err) => resolve(Array.isArray(err) ? { errors: err } : { failure: describe(err) }),
      complete: () => resolve(result ? { result } : { failure: 'completed without a result' }),
    });
  });
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  const e = err as { code?: number; reason?: string } | null;
  if (e && typeof e.code === 'number') return `socket closed ${e.code} ${e.reason ?? ''}`.trim();
  return JSON.stringify(err)?.slice(0, 300) ?? String(err);
}

// ---------------------------------------------------------------- load generator (worker)

async function run(spec: WsLoadSpec): Promise<WsLoadResult> {
  const sockets = await Promise.all(Array.from({ length: spec.sockets }, () => openSocket(spec.url, spec.token)));
  const payload: SubscribePayload = { query: spec.query, variables: {} };
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let ok = 0;
  let errors = 0;
  let lastEnd = 0;
  const t0 = performance.now();
  const measureStart = t0 + spec.warmupMs;
  const measureEnd = measureStart + spec.durationMs;
  let eluStart = performance.eventLoopUtilization();
  setTimeout(() => (eluStart = performance.eventLoopUtilization()), spec.warmupMs).unref();

  const check = (outcome: OperationOutcome): string | null => {
    if ('failure' in outcome) return outcome.failure;
    if ('errors' in outcome) return `error message: ${JSON.stringify(outcome.errors).slice(0, 300)}`;
    if (outcome.result.errors?.length) return `GraphQL errors: ${JSON.stringify(outcome.result.errors).slice(0, 300)}`;
    const n = outcome.result.data?.conversations?.edges?.length;
    return n === spec.expectEdges ? null : `expected ${spec.expectEdges} edges, got ${n}`;
  };

  const loop = async (c: number) => {
    const { client } = sockets[c % sockets.length]!;
    for (;;) {
      const start = performance.now();
      if (start >= measureEnd) return;
      const problem = check(await operation(client, payload));
      const end = performance.now();
      if (start < measureStart) continue;
      latencies.push(end - start);
      if (end > lastEnd) lastEnd = end;
      if (problem) {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(problem);
      } else ok += 1;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, (_, c) => loop(c)));
  const elu = performance.eventLoopUtilization(eluStart).utilization;
  const reopened = sockets.filter((s) => s.closes > 0 || s.connects !== 1).length;
  if (reopened) {
    errors += reopened;
    errorSamples.push(`${reopened} of ${sockets.length} sockets closed or reconnected during the run`);
  }
  await Promise.all(sockets.map((s) => s.client.dispose()));
  return { ok, errors, measured: latencies.length, elapsedMs: Math.max(lastEnd - measureStart, 1), latencies: Float64Array.from(latencies), errorSamples, elu };
}

if (!isMainThread && parentPort && (workerData as { guardsWs?: WsLoadSpec } | null)?.guardsWs) {
  const result = await run((workerData as { guardsWs: WsLoadSpec }).guardsWs);
  parentPort.postMessage(result, [result.latencies.buffer as ArrayBuffer]);
}

// ---------------------------------------------------------------- main-thread side

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

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

/** Runs the graphql-ws load generator in a worker thread; figures as conversations.ts's `runLoad` reports them for HTTP. */
export function runWsLoad(spec: WsLoadSpec): Promise<WsStats> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { guardsWs: spec } });
    let elu0 = performance.eventLoopUtilization();
    let cpu0 = cpuTimes();
    const mark = setTimeout(() => {
      elu0 = performance.eventLoopUtilization();
      cpu0 = cpuTimes();
    }, spec.warmupMs);
    worker.once('error', (err) => {
      clearTimeout(mark);
      reject(err);
    });
    worker.once('message', (r: WsLoadResult) => {
      clearTimeout(mark);
      const serverElu = performance.eventLoopUtilization(elu0).utilization;
      const cpu1 = cpuTimes();
      const sorted = r.latencies.sort();
      const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
      resolve({
        rps: round(r.ok / (r.elapsedMs / 1000), 1),
        p50: round(pct(50), 2),
        p99: round(pct(99), 2),
        errors: r.errors,
        requests: r.measured,
        serverElu: round(serverElu, 2),
        loadgenElu: round(r.elu, 2),
        hostCpu: round((100 * (cpu1.busy - cpu0.busy)) / Math.max(cpu1.total - cpu0.total, 1), 0),
        ...(r.errorSamples.length ? { errorSamples: r.errorSamples } : {}),
      });
      void worker.terminate();
    });
  });
}
