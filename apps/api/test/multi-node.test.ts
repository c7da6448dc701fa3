// Three API nodes and two workers as separate processes on one PostgreSQL and
// one Redis, as a deployment runs them. Customers start, follow and write
// their conversations through different nodes; every message reaches its
// subscriber exactly once, every AI job runs exactly once (on one of the two
// workers), and each node's /metrics agrees with what was done through it.
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';
import { collect, wsClient, type Collector } from './testkit.js';
import { clusterEnv, spawnEntry, waitUp, type Proc } from './processes.js';
import { scrapeMetrics } from './prometheus.js';
import type { Client } from 'graphql-ws';
import pg from 'pg';

const API_PORTS = [19421, 19422, 19423];
const WORKER_PORTS = [19424, 19425];
const CUSTOMERS = 6;
const MESSAGES = 3;
const describeCluster = process.env.REDIS_URL && process.env.DATABASE_URL ? describe : describe.skip;

const FEED = `subscription ConversationEvents($id: ID!) { conversationEvents(conversationId: $id) { __typename ... on MessageAdded { message { seq authorType replyToSeq } } } }`;

describeCluster('three API nodes and two workers', () => {
  let db: ScratchDatabase;
  const apis: Proc[] = [];
  const workers: Proc[] = [];
  const bases = API_PORTS.map((p) => `http://127.0.0.1:${p}`);
  let env: Record<string, string>;

  const gql = async (node: number, query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${bases[node]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(`node ${node}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };

  beforeAll(async () => {
    db = await createScratchDatabase(process.env.DATABASE_URL!, 'sb_test');
    env = clusterEnv(db.url, process.env.REDIS_URL!, { AI_AUTO_REPLY: 'true', QUEUE_PREFIX: `sbcluster-${Date.now()}` });
    // The first node applies the migrations; the others and the workers then start together.
    apis.push(spawnEntry('main', { ...env, PORT: String(API_PORTS[0]) }));
    await waitUp(apis[0]!, `${bases[0]}/readyz`, 120_000);
    for (const port of API_PORTS.slice(1)) apis.push(spawnEntry('main', { ...env, PORT: String(port) }));
    for (const port of WORKER_PORTS) workers.push(spawnEntry('worker', { ...env, METRICS_PORT: String(port) }));
    await Promise.all([
      ...apis.slice(1).map((p, i) => waitUp(p, `${bases[i + 1]}/readyz`, 120_000)),
      ...workers.map((w, i) => waitUp(w, `http://127.0.0.1:${WORKER_PORTS[i]}/healthz`, 120_000)),
    ]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((p) => p.stop()));
    await db?.drop();
  });

  it('delivers every message once and runs every AI job once, with consistent metrics on every node', async () => {
    const signedUp = await gql(0, `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken user { workspace { widgetKey } } } }`, {
      input: { email: 'lead@example.com', name: 'Lead', password: 'password123', workspaceName: 'Cluster' },
    });
    const adminToken = signedUp.signUp.accessToken;
    const widgetKey = signedUp.signUp.user.workspace.widgetKey;
    const faq = await gql(
      1,
      `mutation CreateFaq($input: CreateFaqInput!) { createFaq(input: $input) { id } }`,
      {
        input: { question: 'How long does shipping to Norway take?', answer: 'Shipping to Norway takes 3 to 5 business days.' },
      },
      adminToken,
    );
    await gql(2, `mutation PublishFaq($id: ID!) { publishFaq(id: $id) { id } }`, { id: faq.createFaq.id }, adminToken);
    const waitFor = async (probe: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitFor(
      async () =>
        (await gql(0, `query Faq($id: ID!) { faq(id: $id) { embeddingStatus } }`, { id: faq.createFaq.id }, adminToken)).faq.embeddingStatus === 'READY',
      'the FAQ to be embedded',
    );

    const before = await Promise.all(bases.map((b) => scrapeMetrics(b)));
    // Customer i starts on node i, follows on node i+1 and writes through node i+2.
    const customers: { id: string; token: string; write: number; follow: number; client: Client; feed: Collector<any> }[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const start = i % 3;
      const started = await gql(
        start,
        `mutation StartConversation($input: StartConversationInput!) { startConversation(input: $input) { customerToken conversation { id } } }`,
        {
          input: { widgetKey, name: `Customer ${i}` },
        },
      );
      const { customerToken, conversation } = started.startConversation;
      const follow = (i + 1) % 3;
      const client = wsClient(`ws://127.0.0.1:${API_PORTS[follow]}/graphql`, customerToken);
      customers.push({ id: conversation.id, token: customerToken, write: (i + 2) % 3, follow, client, feed: collect(client, FEED, { id: conversation.id }) });
    }
    // Every subscription is live on its node before anything is written.
    await waitFor(async () => {
      const m = await Promise.all(bases.map((b) => scrapeMetrics(b)));
      return m.every(
        (x, node) => x.sum('switchboard_subscriptions_active', { topic: 'conversationEvents' }) === customers.filter((c) => c.follow === node).length,
      );
    }, 'the subscriptions');

    for (let k = 0; k < MESSAGES; k++) {
      await Promise.all(
        customers.map((c) =>
          gql(
            c.write,
            `mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`,
            {
              input: { conversationId: c.id, body: 'How long does shipping to Norway take?', clientMessageId: `m-${c.id}-${k}` },
            },
            c.token,
          ),
        ),
      );
    }
    const added = (c: (typeof customers)[number]) => c.feed.events.filter((e) => e.__typename === 'MessageAdded').map((e) => e.message);
    for (const c of customers) {
      await c.feed.until(() => added(c).filter((m: any) => m.authorType === 'AI').length >= MESSAGES, 60_000);
    }

    for (const c of customers) {
      const messages = added(c);
      const seqs = messages.map((m: any) => m.seq);
      // Once each: no seq twice, none missing.
      expect(seqs).toEqual([...new Set(seqs)]);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: MESSAGES * 2 }, (_, n) => n + 1));
      expect(messages.filter((m: any) => m.authorType === 'CUSTOMER')).toHaveLength(MESSAGES);
      const replies = messages.filter((m: any) => m.authorType === 'AI').map((m: any) => m.replyToSeq);
      expect(replies).toEqual([...new Set(replies)]);
      expect(replies).toHaveLength(MESSAGES);
      expect(c.feed.errors).toEqual([]);
    }
    // And in the database: one AI reply per customer message, nothing twice.
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query(
        `select author_type, count(*)::int as n, count(distinct (conversation_id, coalesce(reply_to_seq, seq)))::int as distinct_n from message group by author_type order by author_type`,
      );
      expect(rows).toEqual([
        { author_type: 'AI', n: CUSTOMERS * MESSAGES, distinct_n: CUSTOMERS * MESSAGES },
        { author_type: 'CUSTOMER', n: CUSTOMERS * MESSAGES, distinct_n: CUSTOMERS * MESSAGES },
      ]);
    } finally {
      await sql.end();
    }

    // Each AI job ran once, on one of the two workers; neither API node ran any.
    const answers = CUSTOMERS * MESSAGES;
    const workerMetrics = await Promise.all(WORKER_PORTS.map((p) => scrapeMetrics(`http://127.0.0.1:${p}`)));
    const completed = workerMetrics.map((m) => m.sum('switchboard_jobs_total', { job: 'ai.answer', outcome: 'completed' }));
    expect(completed.reduce((a, b) => a + b, 0)).toBe(answers);
    expect(workerMetrics.reduce((n, m) => n + m.sum('switchboard_ai_answers_total', { outcome: 'answered' }), 0)).toBe(answers);
    expect(workerMetrics.reduce((n, m) => n + m.sum('switchboard_jobs_total', { job: 'ai.answer', outcome: 'retried' }), 0)).toBe(0);

    const after = await Promise.all(bases.map((b) => scrapeMetrics(b)));
    after.forEach((m, node) => {
      const delta = (name: string, labels: Record<string, string>) => m.sum(name, labels) - before[node]!.sum(name, labels);
      expect(delta('switchboard_graphql_operations_total', { operation: 'SendMessage', transport: 'http', code: 'OK' })).toBe(
        customers.filter((c) => c.write === node).length * MESSAGES,
      );
      expect(m.sum('switchboard_sockets_active')).toBe(customers.filter((c) => c.follow === node).length);
      expect(m.sum('switchboard_jobs_total', { job: 'ai.answer' })).toBe(0);
      const frames = customers.filter((c) => c.follow === node).reduce((n, c) => n + c.feed.events.length, 0);
      expect(delta('switchboard_fanout_frames_total', { result: 'sent' })).toBeGreaterThanOrEqual(frames);
      expect(delta('switchboard_fanout_frames_total', { result: 'dropped' })).toBe(0);
    });

    for (const c of customers) {
      c.feed.dispose();
      await c.client.dispose();
    }
  });
});
