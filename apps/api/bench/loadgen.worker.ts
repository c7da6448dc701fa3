// Closed-loop HTTP load generator, run in a worker thread so it does not share
// an event loop with the server under test. N clients each keep exactly one
// request in flight (global fetch = undici, keep-alive) for warm-up + duration.
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadSpec {
  url: string;
  token: string;
  kind: 'list' | 'send';
  /** GraphQL document sent by every request. */
  query: string;
  /** list: expected number of edges in every response. */
  expectEdges?: number;
  /** send: conversations to spread the messages over. */
  conversationIds?: string[];
  /** Makes clientMessageIds unique across phases. */
  tag: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  ok: number;
  errors: number;
  /** Requests that started in the measured window (ok + errors). */
  measured: number;
  elapsedMs: number;
  /** Latencies (ms) of the measured requests, ok or not. */
  latencies: Float64Array;
  errorSamples: string[];
  /** Event-loop utilisation of this load-generator thread over the measured window (1 = saturated). */
  elu: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${spec.token}` };
  const listBody = JSON.stringify({ query: spec.query, variables: {} });
  const ids = spec.conversationIds ?? [];
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

  const check = (status: number, text: string): string | null => {
    if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return `bad JSON: ${text.slice(0, 300)}`;
    }
    if (body.errors?.length) return `GraphQL errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
    if (spec.kind === 'list') {
      const n = body.data?.conversations?.edges?.length;
      if (n !== spec.expectEdges) return `expected ${spec.expectEdges} edges, got ${n}`;
    } else if (typeof body.data?.sendMessage?.id !== 'string') {
      return `no message in ${text.slice(0, 300)}`;
    }
    return null;
  };

  const client = async (c: number) => {
    let n = 0;
    for (;;) {
      const start = performance.now();
      if (start >= measureEnd) return;
      let body = listBody;
      if (spec.kind === 'send') {
        // Client c walks the conversations with stride `concurrency`: requests spread
        // over all conversations and two clients rarely hit the same row at once.
        const conversationId = ids[(c + n * spec.concurrency) % ids.length]!;
        body = JSON.stringify({
          query: spec.query,
          variables: { input: { conversationId, body: `Bench reply ${n} from client ${c}`, clientMessageId: `${spec.tag}-${c}-${n}` } },
        });
      }
      n += 1;
      let problem: string | null;
      try {
        const res = await fetch(spec.url, { method: 'POST', headers, body });
        problem = check(res.status, await res.text());
      } catch (err) {
        problem = `fetch failed: ${(err as Error).message}`;
      }
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
  await Promise.all(Array.from({ length: spec.concurrency }, (_, c) => client(c)));
  const elu = performance.eventLoopUtilization(eluStart).utilization;
  return {
    elu,
    ok,
    errors,
    measured: latencies.length,
    elapsedMs: Math.max(lastEnd - measureStart, 1),
    latencies: Float64Array.from(latencies),
    errorSamples,
  };
}

if (parentPort && workerData) {
  const result = await run(workerData as LoadSpec);
  parentPort.postMessage(result, [result.latencies.buffer as ArrayBuffer]);
}
