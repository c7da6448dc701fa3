// What tracing and metrics cost, in one run: the `conversations` and `fanout`
// benchmarks, each run several times in turn with observability
//
//   off      METRICS_ENABLED=false, no OTEL_* (no spans, no per-operation metrics)
//   metrics  the default: Prometheus metrics, no tracing
//   sampled  metrics + OpenTelemetry traces of 10 % of operations
//            (OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1)
//   full     metrics + traces of every operation (always_on)
// Traces go over OTLP/HTTP (protobuf) to a collector stand-in this script runs.
//
//   npm run bench -w @switchboard/api -- observability
//
// Environment (all optional):
//   BENCH_OBS_REPS       runs of each mode per bench (2); the order is mirrored every other
//                        repetition (off,metrics,full then full,metrics,off) so slow drift
//                        of the machine falls on every mode alike
//   BENCH_OBS_MODES      which modes (off,metrics,sampled,full)
//   BENCH_OBS_BENCHES    which benches (conversations,fanout)
//   and the benches' own variables; defaults here: conversations with one list round,
//   8 s phases and no lean-lock or profile pass; fanout with N=2000 on one node and on
//   the bare ws broadcaster.
//
// Each bench run is its own process (tracing patches pg and ioredis process-wide).
// Each run also measures its bench's baseline (conversations: a plain
// graphql-js + pg server; fanout: a bare ws broadcaster), which the mode does
// not change: the targets are judged on the figures divided by it.
// Targets (issue 13): throughput >= 95 % of `off`, p95 <= 110 % of `off`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

type Mode = 'off' | 'metrics' | 'sampled' | 'full';
const env = process.env;
const REPS = Math.max(1, Number(env.BENCH_OBS_REPS ?? 2));
const MODES = (env.BENCH_OBS_MODES ?? 'off,metrics,sampled,full').split(',').map((s) => s.trim()) as Mode[];
const BENCHES = (env.BENCH_OBS_BENCHES ?? 'conversations,fanout').split(',').map((s) => s.trim());
const apiDir = fileURLToPath(new URL('../', import.meta.url));
const log = (...args: unknown[]) => console.log(...args);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** An OTLP/HTTP traces endpoint that accepts everything (the collector is not ours to measure). */
async function startCollector() {
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      requests += 1;
      // An empty ExportTraceServiceResponse is zero bytes in protobuf.
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take: () => {
      const t = { requests, bytes };
      requests = 0;
      bytes = 0;
      return t;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function modeEnv(mode: Mode, collectorUrl: string): Record<string, string> {
  const clean = Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && !k.startsWith('OTEL_') && k !== 'METRICS_ENABLED')) as Record<string, string>;
  if (mode === 'off') return { ...clean, METRICS_ENABLED: 'false' };
  if (mode === 'metrics') return { ...clean, METRICS_ENABLED: 'true' };
  const traced = { ...clean, METRICS_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_SERVICE_NAME: 'switchboard-bench' };
  if (mode === 'sampled') return { ...traced, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
  return { ...traced, OTEL_TRACES_SAMPLER: 'always_on' };
}

const BENCH_DEFAULTS: Record<string, Record<string, string>> = {
  conversations: { BENCH_ROUNDS: '1', BENCH_DURATION_S: '8', BENCH_SEND_LEAN: '0', BENCH_PROFILE: '0' },
  fanout: { BENCH_FANOUT_PHASES: 'raw,one', BENCH_FANOUT_N: '2000' },
};

function runBench(name: string, childEnv: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--experimental-async-context-frame', '--import', '@swc-node/register/esm-register', 'bench/index.ts', name], {
      cwd: apiDir,
      env: { ...BENCH_DEFAULTS[name], ...childEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) return reject(new Error(`${name} exited ${code}: ${out.slice(-3000)}`));
      resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

interface Figures {
  [measure: string]: number;
}

function figures(name: string, r: any): Figures {
  if (name === 'conversations') {
    const list = r.list.ours;
    const send = r.sendMessage.ours;
    const listBase = r.list.baseline;
    const sendBase = r.sendMessage.baseline;
    return {
      'list req/s': list.rps,
      'list p95 ms': list.p95,
      'send req/s': send.rps,
      'send p95 ms': send.p95,
      'baseline list req/s': listBase.rps,
      'baseline send req/s': sendBase.rps,
      'list req/s ÷ baseline': round(list.rps / listBase.rps, 3),
      'list p95 ÷ baseline': round(list.p95 / listBase.p95, 3),
      'send req/s ÷ baseline': round(send.rps / sendBase.rps, 3),
      'send p95 ÷ baseline': round(send.p95 / sendBase.p95, 3),
      errors: r.totalErrors,
    };
  }
  const ours = r.phases.find((p: any) => p.kind === 'one');
  const raw = r.phases.find((p: any) => p.kind === 'raw');
  return {
    'delivered %': round(100 * ours.deliveredRatio, 2),
    'deliveries/s': ours.deliveriesPerS,
    'latency p50 ms': ours.latencyMs.p50,
    'latency p95 ms': ours.latencyMs.p95,
    'raw latency p95 ms': raw.latencyMs.p95,
    'latency p95 ÷ raw': round(ours.latencyMs.p95 / raw.latencyMs.p95, 3),
    'server CPU µs/delivery': ours.serverCpuUsPerDelivery,
    'send p50 ms': ours.sendLatencyMs.p50,
  };
}

// Judged against the targets: the figures divided by the same run's baseline
// (the plain graphql-js + pg server; the bare ws broadcaster), which the mode
// does not touch, so that the machine's own drift between runs cancels out.
// Fan-out is an open loop at a fixed rate: its throughput is what was offered
// unless the server falls behind, so deliveries/s is judged as it is.
const THROUGHPUT = new Set(['list req/s ÷ baseline', 'send req/s ÷ baseline', 'deliveries/s']);
const P95 = new Set(['list p95 ÷ baseline', 'send p95 ÷ baseline', 'latency p95 ÷ raw']);

export async function main() {
  const started = Date.now();
  const collector = await startCollector();
  log(`observability overhead: benches ${BENCHES.join(', ')}; modes ${MODES.join(', ')}; ${REPS} repetitions; ` +
    `host ${os.availableParallelism()} CPUs, load ${os.loadavg().map((l) => round(l)).join(' ')}`);
  const results: Record<string, Record<Mode, Figures[]>> = {};
  const exported: Record<string, { requests: number; bytes: number }[]> = {};
  try {
    for (const name of BENCHES) {
      results[name] = Object.fromEntries(MODES.map((m) => [m, []])) as unknown as Record<Mode, Figures[]>;
      exported[name] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const order = rep % 2 ? [...MODES].reverse() : MODES;
        for (const mode of order) {
          const t0 = Date.now();
          collector.take();
          const r = await runBench(name, modeEnv(mode, collector.url));
          const f = figures(name, r);
          results[name]![mode].push(f);
          const sent = collector.take();
          if (mode === 'full' || mode === 'sampled') exported[name]!.push(sent);
          log(`  ${name} ${mode.padEnd(7)} rep ${rep + 1}: ${Object.entries(f).map(([k, v]) => `${k} ${v}`).join(', ')}` +
            (mode === 'full' || mode === 'sampled' ? `; OTLP ${sent.requests} exports, ${round(sent.bytes / 1024, 0)} KiB` : '') + ` (${round((Date.now() - t0) / 1000, 0)} s)`);
        }
      }
    }
  } finally {
    await collector.close();
  }

  const verdicts: string[] = [];
  const summary: Record<string, Record<string, Record<string, number>>> = {};
  for (const name of BENCHES) {
    const byMode = results[name]!;
    const measures = Object.keys(byMode[MODES[0]!]![0] ?? {});
    summary[name] = {};
    log(`\n${name} (median of ${REPS}; ratio to off in brackets)`);
    log(`| measure | ${MODES.join(' | ')} |`);
    log(`|---|${MODES.map(() => '---').join('|')}|`);
    for (const measure of measures) {
      const med = Object.fromEntries(MODES.map((m) => [m, median(byMode[m].map((f) => f[measure]!))]));
      summary[name]![measure] = med;
      const base = med.off;
      log(`| ${measure} | ${MODES.map((m) => `${med[m]}${base && m !== 'off' ? ` (${round(med[m]! / base, 3)})` : ''}`).join(' | ')} |`);
      if (base === undefined) continue;
      for (const m of MODES.filter((x) => x !== 'off')) {
        const ratio = med[m]! / base;
        if (THROUGHPUT.has(measure)) verdicts.push(`${ratio >= 0.95 ? 'PASS' : 'FAIL'}  ${name} ${m}: ${measure} ${round(100 * ratio, 1)} % of off (target >= 95 %)`);
        if (P95.has(measure)) verdicts.push(`${ratio <= 1.1 ? 'PASS' : 'FAIL'}  ${name} ${m}: ${measure} ${round(100 * ratio, 1)} % of off (target <= 110 %)`);
      }
    }
  }
  log('\n' + verdicts.join('\n'));
  log(`\nRESULT ${JSON.stringify({ bench: 'observability', reps: REPS, modes: MODES, summary, runs: results, exported, pass: verdicts.every((v) => v.startsWith('PASS')), elapsedS: round((Date.now() - started) / 1000, 1) })}`);
}
