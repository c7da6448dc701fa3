// Boots the real server on a real database (embedded PGlite in memory, or a
// fresh PostgreSQL database when DATABASE_URL is set) and speaks GraphQL to
// it over HTTP. Every test file gets its own database.
import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { LogInDocument } from '@switchboard/schema';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import { WebSocket } from 'ws';
import { Redis } from 'ioredis';
import { createScratchDatabase } from './scratch-database.js';
import { scrapeMetrics, type Scrape } from './prometheus.js';
import { migratedEmbeddedDump } from './embedded-dump.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { createAppServer, type AppServer, type ServerOptions } from '../src/app/server.js';
import { forkFor } from '../src/platform/database.js';
import { hashPassword } from '../src/modules/auth/auth.service.js';
import { User, UserRole } from '../src/modules/auth/user.entity.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
  headers: Headers;
}

export interface TestServer {
  url: string;
  wsUrl: string;
  server: AppServer;
  config: Config;
  queries: { count: number; log: string[] };
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  /** Creates a workspace with an active admin directly in the database and logs in. */
  createWorkspace(name?: string): Promise<{ workspaceId: string; widgetKey: string; token: string; userId: string; email: string }>;
  /** A second API node on the same database (and Redis, when configured). */
  startPeer(): Promise<{ url: string; wsUrl: string; gql: TestServer['gql']; server: AppServer; close(): Promise<void> }>;
  /** Runs SQL against the server's database. */
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** `options`: server hooks a test plugs in (e.g. an attachment scanner). */
export async function startTestServer(env: Record<string, string> = {}, options: Pick<ServerOptions, 'attachmentScanner'> = {}): Promise<TestServer> {
  const db = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'sb_test') : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: 'memory://',
    DATABASE_URL: db?.url,
    REDIS_URL: process.env.REDIS_URL,
    SEED_DEMO: 'false',
    // Each test server gets its own BullMQ queues on the shared Redis.
    QUEUE_PREFIX: `sbtest-${randomUUID().slice(0, 8)}`,
    // Suites about other features keep the assistant from replying in their conversations.
    AI_AUTO_REPLY: 'false',
    // Credential re-checks run on events in tests; periodic ones (and expiring verdicts) would add
    // statements at random moments to suites that count them. The revocation suite sets its own.
    AUTH_RECHECK_SECONDS: '3600',
    AUTH_CACHE_SECONDS: '3600',
    // Retries keep their number and shape but not their minutes of backoff.
    JOB_RETRY_BASE_MS: '20',
    ...env,
  });
  const queries = { count: 0, log: [] as string[] };
  const server = await createAppServer({
    ...options,
    config,
    // Embedded and in memory: start from the migrated dump (test/embedded-dump.ts).
    loadDataDir: !config.databaseUrl && config.dataDir.startsWith('memory://') ? await migratedEmbeddedDump() : undefined,
    onQuery: (sql) => {
      queries.count += 1;
      // The first 5,000 statements: start-up (migrations included) takes a few hundred.
      if (queries.log.length < 5_000) queries.log.push(sql);
    },
  });
  const url = await server.listen(0, '127.0.0.1');

  const gqlAt =
    (base: string): TestServer['gql'] =>
    async (query, variables, token) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      }).catch((err) => {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`request failed (${(err as Error).message}${cause ? `: ${cause.code ?? ''} ${cause.message ?? ''}` : ''}): ${query.slice(0, 120)}`);
      });
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = { errors: [{ message: text }] };
      }
      return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
    };
  const gql = gqlAt(url);

  let workspaceCounter = 0;
  const createWorkspace: TestServer['createWorkspace'] = async (name = `Workspace ${++workspaceCounter}`) => {
    const em = forkFor(server.deps.orm, null);
    const email = `admin-${randomUUID().slice(0, 8)}@example.com`;
    const workspace = em.create(Workspace, { name });
    const user = em.create(User, { workspace, email, name: 'Admin', role: UserRole.ADMIN, passwordHash: await hashPassword('password123') });
    await em.flush();
    // The contract's own LogIn operation, so this also works in trusted-documents mode.
    const res = await gql(print(LogInDocument), { input: { email, password: 'password123' } });
    if (!res.data?.logIn) throw new Error(`the new workspace's admin could not log in: ${JSON.stringify(res.errors)}`);
    return { workspaceId: workspace.id, widgetKey: workspace.widgetKey, token: res.data.logIn.accessToken, userId: user.id, email };
  };

  return {
    url,
    wsUrl: url.replace(/^http/, 'ws') + '/graphql',
    server,
    config,
    queries,
    gql,
    createWorkspace,
    async startPeer() {
      const peer = await createAppServer({ config, orm: server.deps.orm });
      const peerUrl = await peer.listen(0, '127.0.0.1');
      return { url: peerUrl, wsUrl: peerUrl.replace(/^http/, 'ws') + '/graphql', gql: gqlAt(peerUrl), server: peer, close: () => peer.stop() };
    },
    sql: (query, params = []) => server.deps.orm.em.getConnection().execute(query, params as never[]),
    async close() {
      await server.stop();
      await db?.drop();
      if (config.redisUrl) await dropKeys(config.redisUrl, `${config.queuePrefix}:*`);
    },
  };
}

async function dropKeys(redisUrl: string, pattern: string) {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Asserts a GraphQL error with the given code and returns it. */
export function expectError(res: GqlResult, code: string) {
  if (!res.errors?.length) throw new Error(`expected ${code}, got data ${JSON.stringify(res.data)}`);
  const err = res.errors[0]!;
  if (err.extensions?.code !== code) throw new Error(`expected ${code}, got ${JSON.stringify(res.errors)}`);
  return err;
}

/** A graphql-ws client against a test server (Node has no global WebSocket we rely on). */
export function wsClient(url: string, token: string | null, options: Partial<ClientOptions> = {}): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    ...options,
  });
}

export interface Collector<T> {
  events: T[];
  errors: unknown[];
  /** Resolves when `predicate(events)` holds; rejects after `timeoutMs`. */
  until(predicate: (events: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  dispose(): void;
}

/** Subscribes and collects every `data[field]` (or error) it receives. */
export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): Collector<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (r: any) => {
        if (r.errors) errors.push(...r.errors);
        else events.push(Object.values(r.data)[0] as T);
        notify();
      },
      error: (e) => {
        if (Array.isArray(e)) errors.push(...e);
        else errors.push(e);
        notify();
      },
      complete: notify,
    },
  );
  return {
    events,
    errors,
    dispose,
    until(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(events);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; got ${events.length} events, errors ${JSON.stringify(errors)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds back what the server publishes on `topic` (as a slow or absent Redis
 * would) until `release()`, which publishes it all and lets later events through.
 */
export function holdBack(t: Pick<TestServer, 'server'>, topic: string) {
  const pubSub = t.server.deps.pubSub;
  const publish = pubSub.publish.bind(pubSub) as (...args: unknown[]) => void;
  const held: (() => void)[] = [];
  pubSub.publish = ((name: string, ...args: unknown[]) => {
    if (name === topic) held.push(() => publish(name, ...args));
    else publish(name, ...args);
  }) as typeof pubSub.publish;
  return {
    held,
    release() {
      pubSub.publish = publish as typeof pubSub.publish;
      for (const send of held.splice(0)) send();
    },
  };
}

/**
 * Resolves once `feed`, a conversationEvents subscription, is live: a typing
 * indicator set by `token` through the API reaches it. The indicator goes
 * through the same channel as every other event of the conversation, after
 * the feed's start-up reads, so an event published from then on is delivered
 * (no sleep that a loaded machine can outlast). Its TypingChanged events
 * stay in `feed.events`.
 */
export async function untilFeedLive(t: Pick<TestServer, 'gql'>, feed: Collector<any>, conversationId: string, token: string): Promise<void> {
  const typed = (events: any[]) => events.some((e) => e?.__typename === 'TypingChanged');
  await eventually(
    async () => {
      const res = await t.gql(`mutation($id: ID!) { setTyping(conversationId: $id, isTyping: true) }`, { id: conversationId }, token);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return feed.until(typed, 1_000).then(
        () => true,
        () => false,
      );
    },
    30_000,
    'a live conversation feed',
  );
}

/**
 * Subscriptions this process's servers report as started
 * (`switchboard_subscriptions_active`, by root field), counted from now:
 * `until({ inboxEvents: 1 })` resolves once one more has started.
 */
export async function subscriptionCounter(baseUrl: string) {
  const before = await scrapeMetrics(baseUrl);
  const active = (m: Scrape, topic: string) => m.sum('switchboard_subscriptions_active', { topic });
  return {
    until: (more: Record<string, number>) =>
      eventually(
        async () => {
          const now = await scrapeMetrics(baseUrl);
          return Object.entries(more).every(([topic, n]) => active(now, topic) - active(before, topic) >= n);
        },
        30_000,
        `started subscriptions ${JSON.stringify(more)}`,
      ),
  };
}

/** Polls `probe` until it returns a truthy value (which it then returns), or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
