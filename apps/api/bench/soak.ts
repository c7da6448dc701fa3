// Soak under faults: N sockets (customers following their own conversation,
// plus a few agents on the inbox and on some conversations) and a steady rate
// of customer messages for a duration, while a worker is SIGKILLed (and a
// fresh one started), Redis is restarted and an API node is restarted.
//
//   npm run bench -w @switchboard/api -- soak
//
// Environment (all optional):
//   BENCH_SOCKETS       sockets in all (2000): BENCH_AGENTS agents, the rest customers
//   BENCH_AGENTS        agent sockets (4): each follows inboxEvents and BENCH_AGENT_WATCH conversations
//   BENCH_AGENT_WATCH   conversations each agent also follows (10)
//   BENCH_DURATION_S    seconds of sending (300)
//   BENCH_RATE          customer messages per second, open loop (10)
//   BENCH_REDIS_DOWN_S  seconds Redis stays down (10)
//   BENCH_DRAIN_S       max seconds after the last send for every message to arrive and settle (120)
//   BENCH_FAULTS        which faults to inject, comma-separated (worker,redis,api)
//
// Everything runs on this machine, on fixed ports 21401-21432: its own
// PostgreSQL cluster (pg_createcluster, port 21432), its own redis-server
// (21379), two API nodes (21401, 21402) and a worker (metrics 21411) as child
// processes, and an OpenAI-compatible stand-in that streams answers slowly.
// All of it is removed at the end, also on failure or Ctrl-C.
//
// The subscribers speak graphql-ws directly and resume by seq themselves
// (afterSeq = highest seq seen), without dropping repeated frames: a seq
// delivered twice to one subscription is counted as duplicated. A sent message
// is lost when some subscriber of its conversation never received it by the
// end of the drain. Latency is from the first send attempt to each receipt.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import { WebSocket } from 'ws';
import { OpenAiCompatibleServer } from '@switchboard/ai/testing';
import { createPgCluster, missingServerTools, startRedisServer, type PgCluster, type RedisServer } from '../test/dedicated-servers.js';
import { spawnEntry, waitUp, type Proc } from '../test/processes.js';
import { scrapeMetrics } from '../test/prometheus.js';
import { TEST_JWT_SECRET, eventually, sleep } from '../test/testkit.js';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const SOCKETS = num('BENCH_SOCKETS', 2000);
const AGENTS = Math.min(num('BENCH_AGENTS', 4), Math.max(SOCKETS - 1, 0));
const AGENT_WATCH = num('BENCH_AGENT_WATCH', 10);
const CUSTOMERS = SOCKETS - AGENTS;
const DURATION_MS = num('BENCH_DURATION_S', 300) * 1000;
const RATE = num('BENCH_RATE', 10);
const REDIS_DOWN_MS = num('BENCH_REDIS_DOWN_S', 10) * 1000;
const DRAIN_MS = num('BENCH_DRAIN_S', 120) * 1000;
const FAULTS = new Set(
  (env.BENCH_FAULTS ?? 'worker,redis,api')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const SEND_GIVE_UP_MS = 120_000;

const PG_PORT = 21432;
const REDIS_PORT = 21379;
const API_PORTS = [21401, 21402];
const WORKER_METRICS_PORT = 21411;
const CLUSTER = 'sbsoak';
const ADMIN_EMAIL = 'admin@demo.switchboard.dev';
const ADMIN_PASSWORD = 'soak-bench-password';
const http = (node: number) => `http://127.0.0.1:${API_PORTS[node]}`;
const wsUrl = (node: number) => `ws://127.0.0.1:${API_PORTS[node]}/graphql`;

const ANSWER = ['You can', ' request a refund', ' within 30 days', ' of purchase', ' from Settings', ' [1].'];
const QUESTIONS = ['How do I get a refund?', 'Can I return my order?', 'Where is my refund?', 'How long do refunds take?'];

const FEED = `subscription SoakFeed($conversationId: ID!, $afterSeq: Int) {
  conversationEvents(conversationId: $conversationId, afterSeq: $afterSeq) { __typename ... on MessageAdded { message { seq authorType clientMessageId } } } }`;
const INBOX = `subscription SoakInbox { inboxEvents { __typename } }`;
const SEND = `mutation SoakSend($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`;
const START = `mutation SoakStart($input: StartConversationInput!) { startConversation(input: $input) { customerToken conversation { id } } }`;
const LOGIN = `mutation SoakLogIn($input: LogInInput!) { logIn(input: $input) { accessToken } }`;

type GqlReply = { status: number; data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
async function gql(node: number, query: string, variables: Record<string, unknown>, token?: string): Promise<GqlReply> {
  const res = await fetch(`${http(node)}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}, not JSON` }] }))) as Omit<GqlReply, 'status'>;
  return { status: res.status, ...body };
}
const TRANSIENT = new Set(['INTERNAL', 'UNAVAILABLE', 'RATE_LIMITED', 'NETWORK']);

/** One subscription of one socket: raw MessageAdded frames counted per seq, resumed by seq on reconnect. */
interface Feed {
  conversationId: string;
  frames: Map<number, number>;
  /** clientMessageId → first receipt time. */
  received: Map<string, number>;
  errors: number;
}

function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

export async function main() {
  const missing = missingServerTools();
  if (missing.length) throw new Error(`soak needs ${missing.join(', ')} (install postgresql-common and redis-server)`);
  if (CUSTOMERS < 1 || RATE <= 0 || DURATION_MS <= 0)
    throw new Error('BENCH_SOCKETS must leave at least one customer; BENCH_RATE and BENCH_DURATION_S must be positive');

  const t0 = Date.now();
  const timeline: string[] = [];
  const note = (what: string) => {
    const line = `[${since(t0).padStart(8)}] ${what}`;
    timeline.push(line);
    console.log(line);
  };

  let cluster: PgCluster | null = null;
  let redis: RedisServer | null = null;
  let db: pg.Pool | null = null;
  const llm = new OpenAiCompatibleServer();
  const procs: Proc[] = [];
  const clients: Client[] = [];
  let stopping = false;
  let cleaning: Promise<void> | null = null;
  const cleanup = () => (cleaning ??= removeAll());
  const removeAll = async () => {
    stopping = true;
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await Promise.allSettled(
      procs.map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
        p.child.kill('SIGKILL');
        await exited;
      }),
    );
    await redis?.destroy().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await llm.close().catch(() => undefined);
    cluster?.drop();
  };
  const onSignal = () => {
    console.error('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // -- servers
    cluster = createPgCluster(CLUSTER, PG_PORT);
    redis = await startRedisServer(REDIS_PORT);
    await llm.start();
    llm.defaultEmbeddingDimensions = 256;
    llm.chat = (req) =>
      req.tools || req.response_format ? { json: { intent: 'refund', sentiment: 0, language: 'en', wantsHuman: false } } : { deltas: ANSWER, chunkDelayMs: 50 };
    db = new pg.Pool({ connectionString: cluster.url, max: 2 });
    db.on('error', () => {});
    const sql = db;
    const baseEnv: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: cluster.url,
      REDIS_URL: redis.url,
      JWT_SECRET: TEST_JWT_SECRET,
      QUEUE_PREFIX: 'sbsoak',
      AI_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseUrl,
      AI_TIMEOUT_MS: '5000',
      AI_AUTO_REPLY: 'true',
      RUN_WORKERS: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
      RECONCILE_AFTER_SECONDS: '20',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
      SEED_DEMO: 'false',
    };
    const spawnApi = (i: number, extra: Record<string, string> = {}) => {
      const p = spawnEntry('main', { ...baseEnv, PORT: String(API_PORTS[i]), ...extra });
      procs.push(p);
      return p;
    };
    const spawnWorker = () => {
      const p = spawnEntry('worker', { ...baseEnv, METRICS_PORT: String(WORKER_METRICS_PORT) });
      procs.push(p);
      return p;
    };
    // The first node migrates and seeds the demo workspace; then the second node and the worker.
    const apis: Proc[] = [spawnApi(0, { SEED_DEMO: 'true', DEMO_ADMIN_EMAIL: ADMIN_EMAIL, DEMO_ADMIN_PASSWORD: ADMIN_PASSWORD })];
    await waitUp(apis[0]!, `${http(0)}/readyz`, 180_000);
    apis.push(spawnApi(1));
    let worker = spawnWorker();
    await Promise.all([waitUp(apis[1]!, `${http(1)}/readyz`, 180_000), waitUp(worker, `http://127.0.0.1:${WORKER_METRICS_PORT}/healthz`, 180_000)]);
    const widgetKey: string = (await sql.query(`select widget_key from workspace limit 1`)).rows[0].widget_key;
    await eventually(
      async () =>
        (await sql.query(`select count(*)::int as n from faq where embedding_status <> 'READY'`)).rows[0].n === 0 &&
        (await sql.query(`select count(*)::int as n from knowledge_chunk`)).rows[0].n > 0,
      120_000,
      'the demo FAQs to be embedded',
    );
    const login = await gql(0, LOGIN, { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    const adminToken: string = login.data?.logIn?.accessToken;
    if (!adminToken) throw new Error(`admin login failed: ${JSON.stringify(login.errors)}`);
    note(`up: PostgreSQL :${PG_PORT}, Redis :${REDIS_PORT}, API :${API_PORTS.join(' and :')}, worker`);
    const rssBoot = apis.map((p) => rssMb(p.child.pid));

    // -- customers (each its own conversation, started on alternating nodes)
    const customers: { id: string; token: string; home: number }[] = new Array(CUSTOMERS);
    let nextStart = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = nextStart++; i < CUSTOMERS; i = nextStart++) {
          const node = i % 2;
          const r = await gql(node, START, { input: { widgetKey, name: `Soak customer ${i}` } });
          if (!r.data?.startConversation) throw new Error(`startConversation: ${JSON.stringify(r.errors)}`);
          customers[i] = { id: r.data.startConversation.conversation.id, token: r.data.startConversation.customerToken, home: node };
        }
      }),
    );
    note(`${CUSTOMERS} conversations started`);

    // -- sockets
    let connected = 0;
    let reconnects = 0;
    const feeds: Feed[] = [];
    const feedsByConversation = new Map<string, Feed[]>();
    let inboxFrames = 0;
    const socket = (home: number, token: string): Client => {
      let attempt = 0;
      let everConnected = false;
      let open = false;
      const client = createClient({
        // The home node first; on every reconnect the other one, so a restarting node is left at once.
        url: () => wsUrl((home + attempt++) % 2),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: false,
        retryAttempts: Infinity,
        shouldRetry: () => !stopping,
        retryWait: async () => {
          await sleep(250 + Math.random() * 1000);
        },
        onNonLazyError: () => {},
        on: {
          connected: () => {
            connected += 1;
            if (everConnected) reconnects += 1;
            everConnected = open = true;
          },
          // Also fired for attempts that never connected: count only open sockets closing.
          closed: () => {
            if (open) connected -= 1;
            open = false;
          },
        },
      });
      clients.push(client);
      return client;
    };
    const follow = (client: Client, conversationId: string) => {
      const feed: Feed = { conversationId, frames: new Map(), received: new Map(), errors: 0 };
      feeds.push(feed);
      feedsByConversation.set(conversationId, [...(feedsByConversation.get(conversationId) ?? []), feed]);
      let lastSeq = 0;
      const subscribe = () => {
        // graphql-ws re-sends this payload object on every reconnect: the variables carry the newest seq.
        const variables = { conversationId, afterSeq: lastSeq };
        client.subscribe<any>(
          { query: FEED, variables },
          {
            next: (r) => {
              if (r.errors?.length) {
                feed.errors += 1;
                return;
              }
              const e = r.data?.conversationEvents;
              if (e?.__typename !== 'MessageAdded') return;
              const seq: number = e.message.seq;
              feed.frames.set(seq, (feed.frames.get(seq) ?? 0) + 1);
              if (seq > lastSeq) lastSeq = variables.afterSeq = seq;
              const cmid: string | null = e.message.clientMessageId;
              if (cmid && !feed.received.has(cmid)) feed.received.set(cmid, Date.now());
            },
            // A subscription the server ended (not a dropped socket, which graphql-ws resumes): subscribe again.
            error: () => {
              feed.errors += 1;
              if (!stopping) setTimeout(subscribe, 500);
            },
            complete: () => {
              if (!stopping) setTimeout(subscribe, 500);
            },
          },
        );
      };
      subscribe();
    };
    const BATCH = 100;
    let opened = 0;
    const expectedSubscriptions = CUSTOMERS + AGENTS * (1 + Math.min(AGENT_WATCH, CUSTOMERS));
    for (let a = 0; a < AGENTS; a++) {
      const client = socket(a % 2, adminToken);
      opened += 1;
      client.subscribe({ query: INBOX }, { next: () => void (inboxFrames += 1), error: () => {}, complete: () => {} });
      for (let k = 0; k < Math.min(AGENT_WATCH, CUSTOMERS); k++) follow(client, customers[(a + k * AGENTS) % CUSTOMERS]!.id);
    }
    for (let i = 0; i < CUSTOMERS; i += BATCH) {
      for (const c of customers.slice(i, i + BATCH)) {
        follow(socket(c.home, c.token), c.id);
        opened += 1;
      }
      await eventually(async () => connected >= opened, 60_000, `${opened} sockets to connect (${connected} so far)`);
    }
    await eventually(
      async () => {
        const m = await Promise.all([0, 1].map((n) => scrapeMetrics(http(n))));
        return m.reduce((s, x) => s + x.sum('switchboard_subscriptions_active'), 0) >= expectedSubscriptions;
      },
      60_000,
      `${expectedSubscriptions} subscriptions to be live`,
    );
    const rssConnected = apis.map((p) => rssMb(p.child.pid));
    note(`${connected} sockets, ${expectedSubscriptions} subscriptions live; API RSS ${rssConnected.join(' + ')} MB (at boot ${rssBoot.join(' + ')} MB)`);

    // -- steady customer messages over HTTP, each retried with its clientMessageId until stored
    const sentAt = new Map<string, number>();
    const conversationOf = new Map<string, string>();
    const refused: { cmid: string; code: string }[] = [];
    let retries = 0;
    const retryCodes = new Map<string, number>();
    const sendOne = async (c: { id: string; token: string }, n: number) => {
      const clientMessageId = randomUUID();
      const first = Date.now();
      sentAt.set(clientMessageId, first);
      conversationOf.set(clientMessageId, c.id);
      let node = n % 2;
      for (;;) {
        const r = await gql(node, SEND, { input: { conversationId: c.id, body: QUESTIONS[n % QUESTIONS.length], clientMessageId } }, c.token).catch(
          (err: Error): GqlReply => ({ status: 0, errors: [{ message: err.message, extensions: { code: 'NETWORK' } }] }),
        );
        if (r.data?.sendMessage) return;
        const code = r.errors?.[0]?.extensions?.code ?? (r.status >= 500 ? 'INTERNAL' : `HTTP_${r.status}`);
        if (!TRANSIENT.has(code) || Date.now() - first > SEND_GIVE_UP_MS) {
          refused.push({ cmid: clientMessageId, code: `${code}: ${r.errors?.[0]?.message ?? ''}` });
          return;
        }
        retries += 1;
        retryCodes.set(code, (retryCodes.get(code) ?? 0) + 1);
        node = 1 - node;
        await sleep(300 + Math.random() * 300);
      }
    };
    const sends: Promise<void>[] = [];
    const sendStart = Date.now();
    const total = Math.floor((DURATION_MS / 1000) * RATE);
    const sender = (async () => {
      for (let n = 0; n < total; n++) {
        const due = sendStart + (n * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        sends.push(sendOne(customers[n % CUSTOMERS]!, n));
      }
    })();

    // -- faults, at a quarter, half and three quarters of the run
    const at = async (fraction: number) => {
      const due = sendStart + DURATION_MS * fraction;
      if (due > Date.now()) await sleep(due - Date.now());
    };
    const restart: { api?: { exitCode: number | null; signal: string | null; stopMs: number; upMs: number } } = {};
    const faults = (async () => {
      if (FAULTS.has('worker')) {
        await at(0.25);
        const victim = worker;
        const exited = new Promise<void>((r) => victim.child.once('exit', () => r()));
        victim.child.kill('SIGKILL');
        await exited;
        const killedAt = Date.now();
        note('fault: worker SIGKILLed; starting a fresh worker');
        worker = spawnWorker();
        await waitUp(worker, `http://127.0.0.1:${WORKER_METRICS_PORT}/healthz`, 180_000);
        note(`fault: fresh worker ready after ${since(killedAt)}`);
      }
      if (FAULTS.has('redis')) {
        await at(0.5);
        await redis!.stop('SIGTERM');
        const downAt = Date.now();
        note(`fault: Redis stopped (for ${REDIS_DOWN_MS / 1000} s)`);
        await sleep(REDIS_DOWN_MS);
        await redis!.start();
        note(`fault: Redis back after ${since(downAt)}`);
      }
      if (FAULTS.has('api')) {
        await at(0.75);
        const old = apis[0]!;
        const termAt = Date.now();
        note('fault: API node 0 sent SIGTERM');
        await old.stop();
        const stopMs = Date.now() - termAt;
        note(`fault: API node 0 exited ${old.child.exitCode ?? old.child.signalCode} after ${(stopMs / 1000).toFixed(1)} s; restarting it`);
        for (const line of old.logs.filter((l) => /shutdown|stopp/.test(String(l.msg))))
          note(`  api0 log: ${line.msg}${line.step ? ` (${line.step}${line.ms ? `, ${line.ms} ms` : ''})` : ''}`);
        apis[0] = spawnApi(0);
        await waitUp(apis[0], `${http(0)}/readyz`, 180_000);
        restart.api = { exitCode: old.child.exitCode, signal: old.child.signalCode, stopMs, upMs: Date.now() - termAt };
        note(`fault: API node 0 serving again ${since(termAt)} after SIGTERM`);
      }
    })();
    // Awaited after the sending; a failure meanwhile must not go unhandled.
    faults.catch(() => undefined);
    await sender;
    await Promise.all(sends);
    note(`sending done: ${sentAt.size} messages in ${since(sendStart)} (${retries} retried attempts, ${refused.length} refused)`);
    await faults;

    // -- drain: every stored message on every subscriber of its conversation, and settled
    type Outcome = {
      answered: number;
      handedOff: number;
      unsettled: number;
      answeredTwice: number;
      reasons: Map<string, number>;
      stored: Map<string, { conversationId: string; seq: number }>;
    };
    const outcomes = async (): Promise<Outcome> => {
      const stored = new Map<string, { conversationId: string; seq: number }>();
      const { rows: mine } = await sql.query(
        `select conversation_id, seq, client_message_id from message where author_type = 'CUSTOMER' and client_message_id is not null`,
      );
      for (const r of mine) if (sentAt.has(r.client_message_id)) stored.set(r.client_message_id, { conversationId: r.conversation_id, seq: r.seq });
      const { rows: replies } = await sql.query(
        `select conversation_id, reply_to_seq, count(*)::int as n from message where author_type = 'AI' and reply_to_seq is not null group by 1, 2`,
      );
      const replyCount = new Map(replies.map((r) => [`${r.conversation_id}:${r.reply_to_seq}`, r.n as number]));
      const { rows: convs } = await sql.query(`select id, mode, handoff_reason from conversation`);
      const human = new Map<string, string>(convs.filter((c) => c.mode === 'HUMAN').map((c) => [c.id, c.handoff_reason ?? 'none']));
      const o: Outcome = { answered: 0, handedOff: 0, unsettled: 0, answeredTwice: 0, reasons: new Map(), stored };
      for (const s of stored.values()) {
        const n = replyCount.get(`${s.conversationId}:${s.seq}`) ?? 0;
        if (n >= 1) o.answered += 1;
        else if (human.has(s.conversationId)) {
          o.handedOff += 1;
          const reason = human.get(s.conversationId)!;
          o.reasons.set(reason, (o.reasons.get(reason) ?? 0) + 1);
        } else o.unsettled += 1;
        if (n > 1) o.answeredTwice += 1;
      }
      return o;
    };
    const missingDeliveries = (stored: Outcome['stored']) => {
      let deliveries = 0;
      const messages = new Set<string>();
      for (const cmid of stored.keys()) {
        for (const f of feedsByConversation.get(conversationOf.get(cmid)!) ?? []) {
          if (!f.received.has(cmid)) {
            deliveries += 1;
            messages.add(cmid);
          }
        }
      }
      return { deliveries, messages: messages.size };
    };
    const drainStart = Date.now();
    let final = await outcomes();
    while (Date.now() - drainStart < DRAIN_MS) {
      final = await outcomes();
      if (final.unsettled === 0 && missingDeliveries(final.stored).deliveries === 0) break;
      await sleep(1000);
    }
    note(`drained in ${since(drainStart)}`);
    const rssEnd = apis.map((p) => rssMb(p.child.pid));
    const workerRss = rssMb(worker.child.pid);

    // -- gaps among all of a conversation's messages (AI replies and notes too), per subscription
    const { rows: allSeqs } = await sql.query(`select conversation_id, array_agg(seq order by seq) as seqs from message group by 1`);
    const seqsOf = new Map(allSeqs.map((r) => [r.conversation_id as string, r.seqs as number[]]));
    let otherGaps = 0;
    let duplicatedFrames = 0;
    let duplicatedSubs = 0;
    for (const f of feeds) {
      for (const seq of seqsOf.get(f.conversationId) ?? []) if (!f.frames.has(seq)) otherGaps += 1;
      let d = 0;
      for (const count of f.frames.values()) if (count > 1) d += count - 1;
      duplicatedFrames += d;
      if (d) duplicatedSubs += 1;
    }
    const missing = missingDeliveries(final.stored);
    const latencies: number[] = [];
    let deliveries = 0;
    for (const f of feeds) {
      for (const [cmid, at] of f.received) {
        const sent = sentAt.get(cmid);
        if (sent === undefined) continue;
        deliveries += 1;
        latencies.push(at - sent);
      }
    }
    latencies.sort((a, b) => a - b);
    const notStored = [...sentAt.keys()].filter((cmid) => !final.stored.has(cmid)).length;
    const lost = missing.messages + notStored;
    const delivered = final.stored.size - missing.messages;
    const subErrors = feeds.reduce((s, f) => s + f.errors, 0);
    const apiRestart = restart.api;

    const lines = [
      '',
      `soak: ${SOCKETS} sockets (${CUSTOMERS} customers, ${AGENTS} agents), ${RATE} msg/s for ${DURATION_MS / 1000} s, faults: ${[...FAULTS].join(', ') || 'none'}`,
      `  sent                 ${sentAt.size} customer messages (${final.stored.size} stored; ${retries} retried attempts${retryCodes.size ? ` — ${[...retryCodes].map(([c, n]) => `${c} ×${n}`).join(', ')}` : ''}; ${refused.length} refused)`,
      `  delivered            ${delivered} messages to every subscriber of their conversation (${deliveries} deliveries)`,
      `  answered             ${final.answered} (AI replies)${final.answeredTwice ? `; ANSWERED TWICE ${final.answeredTwice}` : ''}`,
      `  handed off           ${final.handedOff}${final.reasons.size ? ` (${[...final.reasons].map(([r, n]) => `${r} ×${n}`).join(', ')})` : ''}`,
      `  unsettled            ${final.unsettled} (neither answered nor handed off after the drain)`,
      `  lost                 ${lost} (${missing.messages} never reached a subscriber: ${missing.deliveries} deliveries; ${notStored} never stored)`,
      `  duplicated           ${duplicatedFrames} frames (seq delivered twice to one subscription; ${duplicatedSubs} subscriptions)`,
      `  other gaps           ${otherGaps} (replies/notes of followed conversations a subscription never got)`,
      `  latency (sent→recv)  p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${latencies.at(-1) ?? NaN} ms`,
      `  sockets              ${connected} connected at the end; ${reconnects} reconnects; ${subErrors} subscription errors; ${inboxFrames} inbox frames to agents`,
      `  API RSS (MB)         boot ${rssBoot.join(' + ')}, connected ${rssConnected.join(' + ')}, end ${rssEnd.join(' + ')}${FAULTS.has('api') ? ' (node 0 at the end is the restarted process)' : ''}; worker ${workerRss} MB`,
      apiRestart
        ? `  API restart          SIGTERM → exit ${apiRestart.exitCode ?? apiRestart.signal} in ${(apiRestart.stopMs / 1000).toFixed(1)} s, serving again after ${(apiRestart.upMs / 1000).toFixed(1)} s`
        : '',
      refused.length ? `  refused sends        ${[...new Set(refused.map((r) => r.code))].slice(0, 5).join(' | ')}` : '',
      '',
      'timeline:',
      ...timeline,
    ].filter((l) => l !== '');
    console.log(lines.join('\n'));
    const ok = lost === 0 && duplicatedFrames === 0 && final.unsettled === 0 && final.answeredTwice === 0 && refused.length === 0;
    console.log(ok ? 'soak: OK (0 lost, 0 duplicated, every message answered or handed off)' : 'soak: FAILED');
    if (!ok) process.exitCode = 1;
  } catch (err) {
    console.error('soak failed:', err);
    for (const p of procs.slice(-3)) console.error(`--- process ${p.child.pid} output (tail) ---\n${p.output().slice(-1500)}`);
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
