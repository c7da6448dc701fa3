// Traces as an operator's collector receives them: the API (and, with Redis,
// a separate worker process) export OTLP/HTTP to a receiver this test runs;
// a customer's message makes one trace from the HTTP operation through the
// enqueued job (on whichever process runs it) to the model call, with
// PostgreSQL and Redis statements inside, and log lines carry the trace id.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';
import { eventually, wsClient } from './testkit.js';
import { withPostgres, withRedis } from './needs.js';
import { spawnEntry, waitUp, type Proc } from './processes.js';
import { scrapeMetrics } from './prometheus.js';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
}

const API_PORT = 19411;
const WORKER_METRICS_PORT = 19412;

function attributesOf(list: { key: string; value: Record<string, unknown> }[] = []) {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0] as string | number | boolean]));
}

describe('OpenTelemetry traces', () => {
  const spans: ReceivedSpan[] = [];
  let receiver: Server;
  let db: ScratchDatabase | null = null;
  let api: Proc;
  let worker: Proc | null = null;
  const base = `http://127.0.0.1:${API_PORT}`;
  let chat: ReceivedSpan;
  let byId: Map<string, ReceivedSpan>;
  let token: string;
  let socketSpan: ReceivedSpan;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const payload = JSON.parse(body);
        for (const rs of payload.resourceSpans ?? []) {
          const service = String(attributesOf(rs.resource?.attributes)['service.name']);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                service,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                name: s.name,
                attributes: attributesOf(s.attributes),
              });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    db = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'sb_test') : null;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      PORT: String(API_PORT),
      HOST: '127.0.0.1',
      DATA_DIR: 'memory://',
      SEED_DEMO: 'false',
      JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
      QUEUE_PREFIX: `sbtrace-${Date.now()}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...(db ? { DATABASE_URL: db.url } : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, RUN_WORKERS: 'false' } : {}),
    };
    api = spawnEntry('main', env);
    await waitUp(api, `${base}/healthz`);
    if (process.env.REDIS_URL) {
      worker = spawnEntry('worker', { ...env, METRICS_PORT: String(WORKER_METRICS_PORT) });
      await waitUp(worker, `http://127.0.0.1:${WORKER_METRICS_PORT}/healthz`);
    }

    const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const signedUp = await gql(`mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken user { workspace { widgetKey } } } }`, {
      input: { email: 'ops@example.com', name: 'Ops', password: 'password123', workspaceName: 'Traced' },
    });
    token = signedUp.signUp.accessToken;
    const faq = await gql(
      `mutation CreateFaq($input: CreateFaqInput!) { createFaq(input: $input) { id } }`,
      {
        input: { question: 'How long does shipping to Norway take?', answer: 'Shipping to Norway takes 3 to 5 business days.' },
      },
      token,
    );
    await gql(`mutation PublishFaq($id: ID!) { publishFaq(id: $id) { id } }`, { id: faq.createFaq.id }, token);
    await eventually(
      async () => (await gql(`query Faq($id: ID!) { faq(id: $id) { embeddingStatus } }`, { id: faq.createFaq.id }, token)).faq.embeddingStatus === 'READY',
      60_000,
      'the FAQ to be embedded',
    );
    await gql(`mutation StartConversation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } } }`, {
      input: { widgetKey: signedUp.signUp.user.workspace.widgetKey, message: 'How long does shipping to Norway take?' },
    });
    chat = await eventually(async () => spans.find((s) => s.name.startsWith('chat ')), 60_000, 'the model call span');
    // The job span ends after the model call; wait for the chain up to the root.
    byId = await eventually(
      async () => {
        const map = new Map(spans.map((s) => [s.spanId, s]));
        let s: ReceivedSpan | undefined = chat;
        while (s?.parentSpanId) s = map.get(s.parentSpanId);
        return s && !s.parentSpanId && s.name === 'mutation StartConversation' && map;
      },
      30_000,
      'the whole trace',
    );
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await db?.drop();
    await new Promise((r) => receiver?.close(r));
  });

  const chain = (span: ReceivedSpan) => {
    const names: string[] = [];
    for (let s: ReceivedSpan | undefined = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) names.push(s.name);
    return names.reverse();
  };

  it('follows a customer message from the HTTP operation through the job to the model call', () => {
    expect(chain(chat)).toEqual(['mutation StartConversation', 'enqueue ai.answer', 'process ai.answer', chat.name]);
    const root = byId.get(spans.find((s) => s.name === 'enqueue ai.answer' && s.traceId === chat.traceId)!.parentSpanId!)!;
    expect(root.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'StartConversation',
      'graphql.result.code': 'OK',
      'http.response.status_code': 200,
    });
    expect(chat.attributes).toMatchObject({ 'gen_ai.system': 'local', 'gen_ai.operation.name': 'chat' });
    expect(Number(chat.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
    expect(Number(chat.attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);
    // Analysis runs in the same trace, as its own job.
    expect(spans.some((s) => s.traceId === chat.traceId && s.name === 'process ai.analyze')).toBe(true);
    // Every span of the trace comes from this one operation.
    expect(new Set(spans.filter((s) => s.traceId === chat.traceId).map((s) => s.traceId)).size).toBe(1);
  });

  it('traces an operation sent over graphql-ws as a trace of its own', async () => {
    const client = wsClient(`ws://127.0.0.1:${API_PORT}/graphql`, token);
    const result = await new Promise<any>((resolve, reject) =>
      client.subscribe({ query: 'query Me { me { id } }' }, { next: resolve, error: reject, complete: () => {} }),
    );
    expect(result.data.me.id).toBeTruthy();
    await client.dispose();
    const span = await eventually(async () => spans.find((s) => s.name === 'query Me'), 20_000, 'the socket operation span');
    expect(span.parentSpanId).toBeUndefined();
    expect(span.attributes).toMatchObject({
      'network.transport': 'websocket',
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Me',
      'graphql.result.code': 'OK',
    });
    socketSpan = span;
  });

  withPostgres('records the statements of a socket operation inside its span', async () => {
    await eventually(
      async () => spans.some((s) => s.parentSpanId === socketSpan.spanId && s.name.startsWith('pg.query')),
      20_000,
      'a statement inside the socket operation',
    );
  });

  it('writes log lines with the trace id', () => {
    const procs = [api, ...(worker ? [worker] : [])];
    const line = procs.flatMap((p) => p.logs).find((l) => l.msg === 'job started' && l.job === 'ai.answer');
    expect(line?.traceId).toBe(chat.traceId);
  });

  withPostgres('records PostgreSQL statements inside the operation and the job', () => {
    const sql = spans.filter((s) => s.traceId === chat.traceId && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql');
    expect(sql.filter((s) => typeof s.attributes['db.query.text'] === 'string' || typeof s.attributes['db.statement'] === 'string').length).toBeGreaterThan(3);
    const parentNames = new Set(sql.map((s) => byId.get(s.parentSpanId!)?.name));
    expect(parentNames).toContain('mutation StartConversation');
    expect(parentNames).toContain('process ai.answer');
    if (process.env.TRACE_DUMP) {
      const print = (s: ReceivedSpan, depth: number): string[] => [
        `${'  '.repeat(depth)}${s.name} [${s.service}]`,
        ...spans.filter((c) => c.parentSpanId === s.spanId).flatMap((c) => print(c, depth + 1)),
      ];
      console.log(
        print(
          spans.find((s) => s.traceId === chat.traceId && !s.parentSpanId)!,
          0,
        ).join('\n'),
      );
    }
  });

  withRedis('carries the trace across processes to the worker, with Redis commands', async () => {
    const job = spans.find((s) => s.traceId === chat.traceId && s.name === 'process ai.answer')!;
    expect(job.service).toBe('switchboard-worker');
    expect(byId.get(job.parentSpanId!)!.service).toBe('switchboard-api');
    const redis = spans.filter((s) => s.traceId === chat.traceId && (s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis'));
    expect(redis.length).toBeGreaterThan(0);
    // The worker's own /metrics counted the job it ran.
    const m = await scrapeMetrics(`http://127.0.0.1:${WORKER_METRICS_PORT}`);
    expect(m.sum('switchboard_jobs_total', { job: 'ai.answer', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(m.sum('switchboard_ai_model_calls_total', { provider: 'local', result: 'ok' })).toBeGreaterThanOrEqual(1);
  });
});
