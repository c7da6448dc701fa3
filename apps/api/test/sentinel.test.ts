// Redis behind Sentinel, as operators who outgrow one Redis run it: a master,
// a replica and a sentinel started by the test, the API and a worker as
// separate processes with REDIS_URL=redis+sentinel://…. A customer's
// questions are answered (BullMQ jobs, pub/sub fan-out to their socket)
// before, across and after two failovers: the master killed outright, then a
// forced SENTINEL FAILOVER whose old master stays up, demoted to a replica.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';
import { missingServerTools } from './dedicated-servers.js';
import { clusterEnv, spawnEntry, waitUp, type Proc } from './processes.js';
import { subscribeToConversation, type ConversationEvent } from '@switchboard/schema';
import { eventually, wsClient } from './testkit.js';

const MASTER = 17501;
const REPLICA = 17502;
const SENTINEL = 17526;
const API_PORT = 17541;
const WORKER_PORT = 17542;
const NAME = 'sbmaster';
const missing = missingServerTools().filter((bin) => bin.startsWith('redis'));
const describeSentinel = process.env.DATABASE_URL && !missing.length ? describe : describe.skip;
if (process.env.DATABASE_URL && missing.length) console.warn(`Sentinel suite SKIPPED: ${missing.join(', ')} not found`);

const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();

describeSentinel('Redis Sentinel (REDIS_URL=redis+sentinel://…)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-sentinel-'));
  const servers = new Map<number, ChildProcess>();
  let db: ScratchDatabase;
  let api: Proc;
  let worker: Proc;
  const prefix = `sbsentinel-${Date.now()}`;
  const base = `http://127.0.0.1:${API_PORT}`;

  const startServer = async (port: number, lines: string[], sentinel = false) => {
    const conf = join(dir, `${port}.conf`);
    writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', ...lines].join('\n') + '\n');
    const child = spawn('redis-server', sentinel ? [conf, '--sentinel'] : [conf], { stdio: 'ignore' });
    servers.set(port, child);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
        return cli(port, 'ping') === 'PONG';
      },
      20_000,
      `redis on ${port}`,
    );
  };
  const kill = async (port: number) => {
    const child = servers.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
  };
  const masterPort = () => Number(cli(SENTINEL, 'sentinel', 'get-master-addr-by-name', NAME).split('\n')[1]);
  /** The replica on `port` as the sentinel sees it: known, not down, and in sync with the master. */
  const replicaHealthy = (port: number) => {
    const fields = cli(SENTINEL, 'sentinel', 'replicas', NAME).split('\n');
    for (let i = 0; i < fields.length; i++) {
      if (fields[i] === 'port' && fields[i + 1] === String(port)) {
        const rest = fields.slice(i, i + 80);
        const value = (key: string) => rest[rest.indexOf(key) + 1];
        return value('flags') === 'slave' && value('master-link-status') === 'ok';
      }
    }
    return false;
  };

  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    // A run killed before its afterAll leaves its servers on these ports.
    spawnSync('pkill', ['-9', '-f', `redis-server 127.0.0.1:(${MASTER}|${REPLICA}|${SENTINEL})`]);
    await startServer(MASTER, []);
    await startServer(REPLICA, [`replicaof 127.0.0.1 ${MASTER}`]);
    await startServer(
      SENTINEL,
      [`sentinel monitor ${NAME} 127.0.0.1 ${MASTER} 1`, `sentinel down-after-milliseconds ${NAME} 1000`, `sentinel failover-timeout ${NAME} 10000`],
      true,
    );
    await eventually(async () => replicaHealthy(REPLICA), 30_000, 'the sentinel to see the replica in sync');

    db = await createScratchDatabase(process.env.DATABASE_URL!, 'sb_test');
    const env = clusterEnv(db.url, `redis+sentinel://127.0.0.1:${SENTINEL}/${NAME}`, { AI_AUTO_REPLY: 'true', QUEUE_PREFIX: prefix });
    api = spawnEntry('main', { ...env, PORT: String(API_PORT) });
    await waitUp(api, `${base}/readyz`, 120_000);
    worker = spawnEntry('worker', { ...env, METRICS_PORT: String(WORKER_PORT) });
    await waitUp(worker, `http://127.0.0.1:${WORKER_PORT}/healthz`, 120_000);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([api, worker].filter(Boolean).map((p) => p.stop()));
    for (const port of servers.keys()) await kill(port);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers through the master the sentinels name, across a crash failover and a forced one', async () => {
    const signedUp = await gql(`mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken user { workspace { widgetKey } } } }`, {
      input: { email: 'lead@example.com', name: 'Lead', password: 'password123', workspaceName: 'Sentinel' },
    });
    const adminToken = signedUp.signUp.accessToken;
    const faq = await gql(
      `mutation CreateFaq($input: CreateFaqInput!) { createFaq(input: $input) { id } }`,
      {
        input: { question: 'How long does shipping to Norway take?', answer: 'Shipping to Norway takes 3 to 5 business days.' },
      },
      adminToken,
    );
    await gql(`mutation PublishFaq($id: ID!) { publishFaq(id: $id) { id } }`, { id: faq.createFaq.id }, adminToken);
    // Embedding is a job: the worker took it from the master the sentinel named.
    await eventually(
      async () => (await gql(`query Faq($id: ID!) { faq(id: $id) { embeddingStatus } }`, { id: faq.createFaq.id }, adminToken)).faq.embeddingStatus === 'READY',
      60_000,
      'the FAQ to be embedded',
    );
    expect(cli(MASTER, '--scan', '--pattern', `${prefix}:*`)).not.toBe('');

    const started = await gql(
      `mutation StartConversation($input: StartConversationInput!) { startConversation(input: $input) { customerToken conversation { id } } }`,
      {
        input: { widgetKey: signedUp.signUp.user.workspace.widgetKey, name: 'Customer' },
      },
    );
    const { customerToken, conversation } = started.startConversation;
    // As the widget follows a conversation: from the start (afterSeq 0, so a message sent before
    // the subscription is live is replayed), reconnecting on any close and resuming after the last seq.
    const client: Client = wsClient(`ws://127.0.0.1:${API_PORT}/graphql`, customerToken, {
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: () => new Promise((r) => setTimeout(r, 250)),
    });
    const events: ConversationEvent[] = [];
    const errors: unknown[] = [];
    const feed = subscribeToConversation({
      client,
      conversationId: conversation.id,
      afterSeq: 0,
      onEvent: (e) => events.push(e),
      onError: (e) => errors.push(e),
    });
    const added = () => events.flatMap((e) => (e.__typename === 'MessageAdded' ? [e.message] : []));
    let sent = 0;
    const ask = async (n: number) => {
      for (let k = 0; k < n; k++) {
        sent++;
        await gql(
          `mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`,
          {
            input: { conversationId: conversation.id, body: 'How long does shipping to Norway take?', clientMessageId: `q-${sent}` },
          },
          customerToken,
        );
      }
      await eventually(
        async () => added().filter((m) => m.authorType === 'AI').length >= sent,
        90_000,
        `${sent} answers (got ${JSON.stringify(added().map((m) => [m.seq, m.authorType]))})`,
      );
    };

    await ask(1);

    // 1. The master dies: the sentinel promotes the replica; API and worker follow.
    await kill(MASTER);
    await eventually(async () => masterPort() === REPLICA, 60_000, 'the sentinel to promote the replica');
    await ask(2);
    expect(cli(REPLICA, 'role').split('\n')[0]).toBe('master');
    expect(cli(REPLICA, '--scan', '--pattern', `${prefix}:*`)).not.toBe('');

    // 2. The old master comes back as a replica, then an operator fails over to it
    // on purpose. The demoted node stays up and keeps its connections, so the
    // clients must notice the switch itself (failoverDetector).
    await startServer(MASTER, []);
    await eventually(async () => replicaHealthy(MASTER), 60_000, 'the old master to rejoin as an in-sync replica');
    expect(cli(SENTINEL, 'sentinel', 'failover', NAME)).toBe('OK');
    await eventually(async () => masterPort() === MASTER && cli(REPLICA, 'role').split('\n')[0] === 'slave', 60_000, 'the forced failover');
    await ask(2);

    const messages = added();
    // Every message once, in order, and one answer per question.
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: sent * 2 }, (_, i) => i + 1));
    expect(messages.filter((m) => m.authorType === 'CUSTOMER')).toHaveLength(sent);
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query(`select count(*)::int as n, count(distinct reply_to_seq)::int as distinct_n from message where author_type = 'AI'`);
      expect(rows).toEqual([{ n: sent, distinct_n: sent }]);
    } finally {
      await sql.end();
    }
    expect(errors).toEqual([]);
    // Both processes report Redis as reachable again.
    await eventually(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 'the API to be ready');
    feed.dispose();
    await client.dispose();
  }, 300_000);
});
