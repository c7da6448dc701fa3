// /metrics over HTTP after real operations: counters and gauges move with
// what was done, over both transports, and labels stay bounded.
import { collect, eventually, expectError, startTestServer, wsClient, type TestServer } from '../../test/testkit.js';
import { withPostgres, withRedis } from '../../test/needs.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { scrapeMetrics } from '../../test/prometheus.js';
import { alertRules } from '../modules/alerts/index.js';

const OPS = 'switchboard_graphql_operations_total';
const START = `mutation StartConversation($input: StartConversationInput!) { startConversation(input: $input) { customerToken conversation { id } } }`;

describe('Prometheus metrics', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '40' });
    ws = await t.createWorkspace('Metrics');
  });
  afterAll(() => t.close());

  it('counts HTTP operations by contract name, type and result code, and collapses ad-hoc names', async () => {
    const before = await scrapeMetrics(t.url);
    expect(before.has('switchboard_process_cpu_seconds_total')).toBe(true);
    expect(before.has('switchboard_nodejs_eventloop_lag_p99_seconds')).toBe(true);

    await t.gql(`query Me { me { id } }`, {}, ws.token);
    await t.gql(`query Me { me { id } }`, {}, ws.token);
    expectError(await t.gql(`query Me { me { id } }`), 'UNAUTHENTICATED');
    await t.gql(`query SomethingOfMyOwn${Date.now()} { me { id } }`, {}, ws.token);
    expectError(await t.gql(`query Broken { me { nope } }`, {}, ws.token), 'BAD_USER_INPUT');

    const after = await scrapeMetrics(t.url);
    const delta = (labels: Record<string, string>) => after.sum(OPS, labels) - before.sum(OPS, labels);
    expect(delta({ operation: 'Me', type: 'query', transport: 'http', code: 'OK' })).toBe(2);
    expect(delta({ operation: 'Me', type: 'query', transport: 'http', code: 'UNAUTHENTICATED' })).toBe(1);
    expect(delta({ operation: 'other', type: 'query', transport: 'http', code: 'OK' })).toBe(1);
    expect(delta({ operation: 'other', transport: 'http', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(after.samples.some((s) => s.name === OPS && s.labels.operation?.startsWith('SomethingOfMyOwn'))).toBe(false);
    const latency = 'switchboard_graphql_operation_duration_seconds_count';
    expect(after.sum(latency, { operation: 'Me', transport: 'http' }) - before.sum(latency, { operation: 'Me', transport: 'http' })).toBe(3);
    // No label carries an id.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-/i;
    expect(after.samples.filter((s) => Object.values(s.labels).some((v) => uuid.test(v)))).toEqual([]);
  });

  it('follows sockets, subscriptions per topic, socket operations and fan-out frames', async () => {
    const before = await scrapeMetrics(t.url);
    const started = await t.gql(START, { input: { widgetKey: ws.widgetKey, name: 'Dana' } });
    const { customerToken, conversation } = started.data.startConversation;

    const agent = wsClient(t.wsUrl, ws.token);
    const inbox = collect(agent, `subscription InboxEvents { inboxEvents { __typename } }`);
    const customer = wsClient(t.wsUrl, customerToken);
    const feed = collect(customer, `subscription ConversationEvents($id: ID!) { conversationEvents(conversationId: $id) { __typename } }`, {
      id: conversation.id,
    });
    const live = await eventually(
      async () => {
        const m = await scrapeMetrics(t.url);
        return (
          m.sum('switchboard_subscriptions_active', { topic: 'inboxEvents' }) - before.sum('switchboard_subscriptions_active', { topic: 'inboxEvents' }) ===
            1 &&
          m.sum('switchboard_subscriptions_active', { topic: 'conversationEvents' }) -
            before.sum('switchboard_subscriptions_active', { topic: 'conversationEvents' }) ===
            1 &&
          m
        );
      },
      10_000,
      'both subscriptions to be live',
    );
    expect(live.sum('switchboard_sockets_active') - before.sum('switchboard_sockets_active')).toBe(2);

    // A mutation over the socket is an operation like any other.
    const overSocket = await new Promise<any>((resolve, reject) =>
      agent.subscribe({ query: `query Me { me { id } }` }, { next: resolve, error: reject, complete: () => {} }),
    );
    expect(overSocket.data.me.id).toBe(ws.userId);

    await t.gql(
      `mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`,
      { input: { conversationId: conversation.id, body: 'Hello there, where is my parcel?' } },
      customerToken,
    );
    await feed.until((ev) => ev.some((e) => e.__typename === 'MessageAdded'));
    await inbox.until((ev) => ev.length > 0);

    const during = await scrapeMetrics(t.url);
    const wsOps = (m: typeof during) => m.sum(OPS, { operation: 'Me', type: 'query', transport: 'ws', code: 'OK' });
    expect(wsOps(during) - wsOps(before)).toBe(1);
    expect(
      during.sum(OPS, { operation: 'InboxEvents', type: 'subscription', transport: 'ws', code: 'OK' }) -
        before.sum(OPS, { operation: 'InboxEvents', type: 'subscription', transport: 'ws', code: 'OK' }),
    ).toBe(1);
    const sent = (m: typeof during) => m.sum('switchboard_fanout_frames_total', { result: 'sent' });
    expect(sent(during) - sent(before)).toBeGreaterThanOrEqual(feed.events.length);

    // The assistant hands this conversation over (empty knowledge base): let it finish before the next test counts.
    await eventually(
      async () => {
        const m = await scrapeMetrics(t.url);
        return m.sum('switchboard_jobs_total', { job: 'ai.answer' }) > before.sum('switchboard_jobs_total', { job: 'ai.answer' });
      },
      20_000,
      'the answer job',
    );
    inbox.dispose();
    feed.dispose();
    await agent.dispose();
    await customer.dispose();
    await eventually(
      async () => {
        const m = await scrapeMetrics(t.url);
        return (
          m.sum('switchboard_sockets_active') === before.sum('switchboard_sockets_active') &&
          m.sum('switchboard_subscriptions_active', { topic: 'inboxEvents' }) === before.sum('switchboard_subscriptions_active', { topic: 'inboxEvents' }) &&
          m.sum('switchboard_subscriptions_active', { topic: 'conversationEvents' }) ===
            before.sum('switchboard_subscriptions_active', { topic: 'conversationEvents' })
        );
      },
      10_000,
      'sockets and subscriptions to be released',
    );
  });

  it('counts jobs, AI answers, handoffs by reason and model calls', async () => {
    const before = await scrapeMetrics(t.url);
    // An empty knowledge base: the assistant hands the conversation over for missing knowledge.
    const started = await t.gql(START, { input: { widgetKey: ws.widgetKey, message: 'How do I export my invoices to my accountant?' } });
    const { customerToken, conversation } = started.data.startConversation;
    await eventually(
      async () => {
        const res = await t.gql(`query($id: ID!) { conversation(id: $id) { mode handoffReason } }`, { id: conversation.id }, customerToken);
        return res.data.conversation.handoffReason === 'missing_knowledge';
      },
      20_000,
      'the handoff',
    );
    // A customer asking for a person (the same counter, another reason).
    const other = await t.gql(START, { input: { widgetKey: ws.widgetKey, name: 'Eve' } });
    await t.gql(
      `mutation HandOffToHuman($id: ID!) { handOffToHuman(id: $id) { mode } }`,
      { id: other.data.startConversation.conversation.id },
      other.data.startConversation.customerToken,
    );

    const after = await eventually(
      async () => {
        const m = await scrapeMetrics(t.url);
        return (
          m.sum('switchboard_jobs_total', { job: 'ai.answer', outcome: 'completed' }) >
            before.sum('switchboard_jobs_total', { job: 'ai.answer', outcome: 'completed' }) && m
        );
      },
      10_000,
      'the answer job to be counted',
    );
    const delta = (name: string, labels: Record<string, string>) => after.sum(name, labels) - before.sum(name, labels);
    expect(delta('switchboard_ai_answers_total', { outcome: 'handed_off' })).toBe(1);
    expect(delta('switchboard_handoffs_total', { reason: 'missing_knowledge' })).toBe(1);
    expect(delta('switchboard_handoffs_total', { reason: 'customer_request' })).toBe(1);
    expect(delta('switchboard_ai_model_calls_total', { provider: 'local', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(delta('switchboard_job_duration_seconds_count', { job: 'ai.answer' })).toBeGreaterThanOrEqual(1);
    expect(delta('switchboard_jobs_total', { job: 'ai.analyze', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
  });

  withRedis('reports BullMQ queues by state', async () => {
    const m = await scrapeMetrics(t.url);
    for (const queue of ['ai', 'knowledge', 'maintenance']) {
      for (const state of ['waiting', 'active', 'failed', 'delayed']) expect(m.has('switchboard_queue_jobs', { queue, state })).toBe(true);
    }
    expect(m.sum('switchboard_job_wait_seconds_count', { job: 'ai.answer' })).toBeGreaterThanOrEqual(1);
  });

  withPostgres('reports the PostgreSQL pool', async () => {
    const m = await scrapeMetrics(t.url);
    expect(m.sum('switchboard_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(m.has('switchboard_db_pool_connections', { state: 'waiting' })).toBe(true);
  });

  it('ships the alert rules as Prometheus rules over metrics this server exposes', async () => {
    const file = parse(readFileSync(new URL('../../../../deploy/prometheus/switchboard-alerts.yaml', import.meta.url), 'utf8'));
    const promRules: { alert: string; expr: string; labels: { severity: string; rule: string }; annotations: { summary: string } }[] = file.groups.flatMap(
      (g: any) => g.rules,
    );
    expect(promRules.map((r) => r.labels.rule).sort()).toEqual(alertRules.map((r) => r.name).sort());
    for (const r of promRules) {
      expect(r.labels.severity).toBe(alertRules.find((x) => x.name === r.labels.rule)!.severity.toLowerCase());
      expect(r.annotations.summary).toBeTruthy();
    }
    const exposed = (await scrapeMetrics(t.url)).families;
    const used = new Set(promRules.flatMap((r) => r.expr.match(/switchboard_\w+/g) ?? []));
    expect(used.size).toBeGreaterThanOrEqual(6);
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('counts rate-limit refusals', async () => {
    const before = await scrapeMetrics(t.url);
    const results = await Promise.all(
      Array.from({ length: 45 }, () => t.gql(`query Widget($k: String!) { widget(widgetKey: $k) { name } }`, { k: ws.widgetKey })),
    );
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length;
    expect(refused).toBeGreaterThan(0);
    const after = await scrapeMetrics(t.url);
    expect(
      after.sum('switchboard_rate_limit_refusals_total', { transport: 'http' }) - before.sum('switchboard_rate_limit_refusals_total', { transport: 'http' }),
    ).toBe(refused);
  });
});
