// What tracing and metrics cost, in one run. One API process per mode, all
// up at once on the same PostgreSQL and Redis:
//
//   off      METRICS_ENABLED=false, no OTEL_* (no spans, no per-operation metrics)
//   metrics  the default: Prometheus metrics, no tracing
//   sampled  metrics + OpenTelemetry traces of 10 % of operations
//            (OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1)
//   full     metrics + traces of every operation (always_on)
//
// Traces go over OTLP/HTTP (protobuf) to a collector stand-in this script runs.
// The workloads of the `conversations` bench (the inbox list, sendMessage;
// closed loop) and of the `fanout` bench (one message reaching S graphql-ws
// subscribers of a conversation; open loop at a fixed rate) run in short
// slices that take turns between the modes, round after round, the order
// rotating each round. This machine's speed drifts by tens of per cent
// within a minute (a shared VM): whole-bench runs one after the other
// measured the drift, not the modes. Interleaved slices see the same drift,
// and each figure is compared with `off` in the same round (median of the
// rounds' ratios). Server CPU per operation (from /proc) is reported too:
// it is the least noisy measure of the work added.
//
//   npm run bench -w @switchboard/api -- observability
//
// Environment (all optional):
//   BENCH_OBS_MODES        which modes (off,metrics,sampled,full); off must be first
//   BENCH_OBS_ROUNDS       rounds (10)
//   BENCH_OBS_SLICE_MS     measured ms per slice (1500), after BENCH_OBS_WARMUP_MS (300)
//   BENCH_CONCURRENCY      closed-loop clients (8)
//   BENCH_OBS_WARM_MS      unmeasured load per process and workload before the rounds (4000)
//   BENCH_OBS_SUBSCRIBERS  fan-out subscribers per server (300); BENCH_OBS_FANOUT_MESSAGES per slice (10) at 20/s
//   BENCH_DATABASE_URL     admin URL (postgres://postgres@127.0.0.1:5432/postgres); BENCH_REDIS_URL (redis://127.0.0.1:6379)
// Targets (issue 13): throughput >= 95 % of `off`, p95 <= 110 % of `off`.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { WebSocket } from 'ws';
import { createScratchDatabase } from '../test/scratch-database.js';
import { spawnEntry, waitUp, type Proc } from '../test/processes.js';
import { listQuery, runLoad, SEND_MUTATION } from './conversations.js';

type Mode = 'off' | 'metrics' | 'sampled' | 'full';
const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const MODES = (env.BENCH_OBS_MODES ?? 'off,metrics,sampled,full').split(',').map((s) => s.trim()) as Mode[];
const ROUNDS = num('BENCH_OBS_ROUNDS', 10);
const SLICE_MS = num('BENCH_OBS_SLICE_MS', 1500);
const WARMUP_MS = num('BENCH_OBS_WARMUP_MS', 300);
const CONCURRENCY = num('BENCH_CONCURRENCY', 8);
const WARM_MS = num('BENCH_OBS_WARM_MS', 4000);
const SUBSCRIBERS = num('BENCH_OBS_SUBSCRIBERS', 300);
const FAN_MESSAGES = num('BENCH_OBS_FANOUT_MESSAGES', 10);
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PORT0 = 23401;
const CONVERSATIONS = 40;
const log = (...args: unknown[]) => console.log(...args);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** User + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** An OTLP/HTTP traces endpoint that accepts everything (the collector is not ours to measure). */
async function startCollector() {
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    totals: () => ({ requests, bytes }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function modeEnv(mode: Mode, collectorUrl: string): Record<string, string> {
  if (mode === 'off') return { METRICS_ENABLED: 'false' };
  if (mode === 'metrics') return { METRICS_ENABLED: 'true' };
  const traced = { METRICS_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_SERVICE_NAME: `switchboard-bench-${mode}` };
  if (mode === 'sampled') return { ...traced, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
  return { ...traced, OTEL_TRACES_SAMPLER: 'always_on' };
}

async function gql(base: string, query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const FEED =
  'subscription Feed($id: ID!) { conversationEvents(conversationId: $id) { __typename ... on MessageAdded { message { id seq body authorType createdAt } } } }';

/** S graphql-transport-ws subscribers of one conversation; `onMessage(body)` per delivery. */
async function subscribe(wsUrl: string, token: string, conversationId: string, n: number, onMessage: (body: string) => void) {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      ws.on('message', (raw) => {
        const m = JSON.parse(raw.toString());
        if (m.type === 'connection_ack') {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: FEED, variables: { id: conversationId } } }));
          resolve();
        } else if (m.type === 'next') {
          const body = m.payload?.data?.conversationEvents?.message?.body;
          if (typeof body === 'string') onMessage(body);
        }
      });
    });
  }
  return () => sockets.forEach((s) => s.terminate());
}

interface Slice {
  listRps: number;
  listP95: number;
  listCpuMs: number;
  sendRps: number;
  sendP95: number;
  sendCpuMs: number;
  fanP95: number;
  fanDelivered: number;
  fanCpuUs: number;
}

export async function main() {
  const started = Date.now();
  if (MODES[0] !== 'off') throw new Error('BENCH_OBS_MODES must start with off (the reference)');
  const collector = await startCollector();
  const db = await createScratchDatabase(ADMIN_URL, 'sb_obs');
  const procs: Proc[] = [];
  const closers: (() => void)[] = [];
  log(
    `observability overhead, interleaved: modes ${MODES.join(', ')}; ${ROUNDS} rounds of ${SLICE_MS} ms slices; ` +
      `concurrency ${CONCURRENCY}; fan-out ${SUBSCRIBERS} subscribers × ${FAN_MESSAGES} messages per slice; ` +
      `host ${os.availableParallelism()} CPUs, load ${os
        .loadavg()
        .map((l) => round(l))
        .join(' ')}`,
  );
  try {
    const common = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-signing',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      DATABASE_URL: db.url,
      REDIS_URL,
      RUN_WORKERS: 'false',
      AI_AUTO_REPLY: 'false',
      QUEUE_PREFIX: `sbobs-${Date.now()}`,
      RATE_LIMIT_PER_MINUTE: '1000000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000000',
    };
    const bases = MODES.map((_, i) => `http://127.0.0.1:${PORT0 + i}`);
    // The first applies the migrations; the others start together.
    procs.push(spawnEntry('main', { ...common, ...modeEnv(MODES[0]!, collector.url), PORT: String(PORT0) }));
    await waitUp(procs[0]!, `${bases[0]}/readyz`, 120_000);
    for (let i = 1; i < MODES.length; i++) procs.push(spawnEntry('main', { ...common, ...modeEnv(MODES[i]!, collector.url), PORT: String(PORT0 + i) }));
    await Promise.all(procs.slice(1).map((p, i) => waitUp(p, `${bases[i + 1]}/readyz`, 120_000)));

    const signedUp = await gql(bases[0]!, `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken user { workspace { widgetKey } } } }`, {
      input: { email: 'bench@example.com', name: 'Bench', password: 'bench-password-123', workspaceName: 'Observability' },
    });
    const token = signedUp.signUp.accessToken as string;
    const widgetKey = signedUp.signUp.user.workspace.widgetKey as string;
    const conversationIds: string[] = [];
    for (let i = 0; i < CONVERSATIONS + MODES.length; i++) {
      const s = await gql(bases[0]!, `mutation S($input: StartConversationInput!) { startConversation(input: $input) { customerToken conversation { id } } }`, {
        input: { widgetKey, name: `Customer ${i}` },
      });
      const id = s.startConversation.conversation.id as string;
      await gql(
        bases[0]!,
        SEND_MUTATION,
        { input: { conversationId: id, body: `Hello from customer ${i}`, clientMessageId: `seed-${i}` } },
        s.startConversation.customerToken,
      );
      conversationIds.push(id);
    }
    const listIds = conversationIds.slice(0, CONVERSATIONS);
    // Fan-out: each server's subscribers follow a conversation of their own.
    const arrivals = new Map<string, number[]>();
    for (let i = 0; i < MODES.length; i++) {
      closers.push(
        await subscribe(bases[i]!.replace('http', 'ws') + '/graphql', token, conversationIds[CONVERSATIONS + i]!, SUBSCRIBERS, (body) => {
          const at = performance.now();
          arrivals.get(body)?.push(at);
        }),
      );
    }
    log(`${MODES.length} API processes up, ${CONVERSATIONS} conversations, ${SUBSCRIBERS * MODES.length} subscribers`);

    // Warm every process's JIT and caches alike (the first did the seeding).
    for (let i = 0; i < MODES.length; i++) {
      const url = `${bases[i]}/graphql`;
      await runLoad({
        url,
        token,
        kind: 'list',
        query: listQuery(CONVERSATIONS),
        expectEdges: CONVERSATIONS,
        tag: `warm-l${i}`,
        concurrency: CONCURRENCY,
        warmupMs: 0,
        durationMs: WARM_MS,
      });
      await runLoad({
        url,
        token,
        kind: 'send',
        query: SEND_MUTATION,
        conversationIds: listIds,
        tag: `warm-s${i}`,
        concurrency: CONCURRENCY,
        warmupMs: 0,
        durationMs: WARM_MS,
      });
    }

    const slices: Record<Mode, Slice[]> = Object.fromEntries(MODES.map((m) => [m, []])) as unknown as Record<Mode, Slice[]>;
    let tag = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]!);
      for (const mode of order) {
        const i = MODES.indexOf(mode);
        const pid = procs[i]!.child.pid!;
        const url = `${bases[i]}/graphql`;
        let cpu = cpuSeconds(pid);
        const list = await runLoad({
          url,
          token,
          kind: 'list',
          query: listQuery(CONVERSATIONS),
          expectEdges: CONVERSATIONS,
          tag: `l${tag++}`,
          concurrency: CONCURRENCY,
          warmupMs: WARMUP_MS,
          durationMs: SLICE_MS,
        });
        const listCpu = cpuSeconds(pid) - cpu;
        cpu = cpuSeconds(pid);
        const send = await runLoad({
          url,
          token,
          kind: 'send',
          query: SEND_MUTATION,
          conversationIds: listIds,
          tag: `s${tag++}-${mode}`,
          concurrency: CONCURRENCY,
          warmupMs: WARMUP_MS,
          durationMs: SLICE_MS,
        });
        const sendCpu = cpuSeconds(pid) - cpu;
        if (list.errors || send.errors) throw new Error(`${mode}: errors ${JSON.stringify([list.errorSamples, send.errorSamples])}`);
        // Fan-out: messages at 20/s to this server's followed conversation.
        cpu = cpuSeconds(pid);
        const sentAt = new Map<string, number>();
        const sends: Promise<unknown>[] = [];
        for (let k = 0; k < FAN_MESSAGES; k++) {
          const body = `fan ${r} ${mode} ${k}`;
          arrivals.set(body, []);
          sentAt.set(body, performance.now());
          sends.push(
            gql(
              bases[i]!,
              SEND_MUTATION,
              { input: { conversationId: conversationIds[CONVERSATIONS + i], body, clientMessageId: `fan-${r}-${mode}-${k}` } },
              token,
            ),
          );
          await sleep(50);
        }
        await Promise.all(sends);
        const expected = FAN_MESSAGES * SUBSCRIBERS;
        const deadline = Date.now() + 15_000;
        const got = () => [...sentAt.keys()].reduce((n, b) => n + arrivals.get(b)!.length, 0);
        while (got() < expected && Date.now() < deadline) await sleep(20);
        const fanCpu = cpuSeconds(pid) - cpu;
        const latencies = [...sentAt].flatMap(([body, at]) => arrivals.get(body)!.map((t) => t - at));
        for (const body of sentAt.keys()) arrivals.delete(body);
        slices[mode].push({
          listRps: list.rps,
          listP95: list.p95,
          listCpuMs: (1000 * listCpu) / Math.max(list.requests, 1),
          sendRps: send.rps,
          sendP95: send.p95,
          sendCpuMs: (1000 * sendCpu) / Math.max(send.requests, 1),
          fanP95: pct(latencies, 95),
          fanDelivered: latencies.length / expected,
          fanCpuUs: (1e6 * fanCpu) / Math.max(latencies.length, 1),
        });
      }
      const last = (m: Mode) => slices[m].at(-1)!;
      log(
        `  round ${r + 1}: ${MODES.map((m) => `${m} list ${last(m).listRps}/s send ${last(m).sendRps}/s fan p95 ${round(last(m).fanP95, 1)} ms`).join(' | ')}`,
      );
    }

    // -- report
    const measures: { key: keyof Slice; label: string; judge?: 'throughput' | 'p95' }[] = [
      { key: 'listRps', label: 'list req/s', judge: 'throughput' },
      { key: 'listP95', label: 'list p95 ms', judge: 'p95' },
      { key: 'listCpuMs', label: 'list server CPU ms/req' },
      { key: 'sendRps', label: 'sendMessage req/s', judge: 'throughput' },
      { key: 'sendP95', label: 'sendMessage p95 ms', judge: 'p95' },
      { key: 'sendCpuMs', label: 'sendMessage server CPU ms/req' },
      { key: 'fanP95', label: 'fan-out delivery p95 ms', judge: 'p95' },
      { key: 'fanCpuUs', label: 'fan-out server CPU µs/delivery' },
      { key: 'fanDelivered', label: 'fan-out delivered (share)' },
    ];
    const summary: Record<string, Record<string, { median: number; ratio: number }>> = {};
    const verdicts: string[] = [];
    log(`\nmedian of ${ROUNDS} rounds; in brackets the median of each round's ratio to off`);
    log(`| measure | ${MODES.join(' | ')} |`);
    log(`|---|${MODES.map(() => '---').join('|')}|`);
    for (const { key, label, judge } of measures) {
      summary[label] = {};
      const cells = MODES.map((m) => {
        const med = median(slices[m].map((s) => s[key]));
        const ratio = median(slices[m].map((s, r) => s[key] / slices.off[r]![key]));
        summary[label]![m] = { median: round(med, 3), ratio: round(ratio, 3) };
        if (m !== 'off' && judge === 'throughput')
          verdicts.push(`${ratio >= 0.95 ? 'PASS' : 'FAIL'}  ${m}: ${label} ${round(100 * ratio, 1)} % of off (target >= 95 %)`);
        if (m !== 'off' && judge === 'p95')
          verdicts.push(`${ratio <= 1.1 ? 'PASS' : 'FAIL'}  ${m}: ${label} ${round(100 * ratio, 1)} % of off (target <= 110 %)`);
        return `${round(med, 2)}${m === 'off' ? '' : ` (${round(ratio, 3)})`}`;
      });
      log(`| ${label} | ${cells.join(' | ')} |`);
    }
    const exported = collector.totals();
    log(`\nOTLP exports received: ${exported.requests} requests, ${round(exported.bytes / 2 ** 20, 1)} MiB`);
    log('\n' + verdicts.join('\n'));
    log(
      `\nRESULT ${JSON.stringify({ bench: 'observability', modes: MODES, rounds: ROUNDS, sliceMs: SLICE_MS, concurrency: CONCURRENCY, subscribers: SUBSCRIBERS, summary, slices, exported, pass: verdicts.every((v) => v.startsWith('PASS')), elapsedS: round((Date.now() - started) / 1000, 1) })}`,
    );
  } finally {
    for (const close of closers) close();
    await Promise.all(procs.map((p) => p.stop()));
    await collector.close();
    await db.drop();
  }
}
