import { readFileSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import { loadConfig, ConfigError } from './config.js';
import { printContract } from '../app/schema.js';
import { eventually, startTestServer, type TestServer } from '../../test/testkit.js';

describe('schema contract', () => {
  it('matches the committed packages/schema/schema.graphql (run `npm run schema:emit` after API changes)', async () => {
    const committed = readFileSync(resolve(import.meta.dirname, '../../../../packages/schema/schema.graphql'), 'utf8');
    expect(await printContract()).toBe(committed);
  });
});

describe('config', () => {
  it('names the bad variable in one clear line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid environment variable PORT: /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('requires JWT_SECRET in production and defaults the AI provider', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: is required in production/);
    expect(loadConfig({}).ai.provider).toBe('local');
    expect(loadConfig({ OPENAI_API_KEY: 'sk-test' }).ai.provider).toBe('openai');
  });
});

describe('server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness with the state of its dependencies', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as any;
    expect(body.checks.database).toBe('ok');
    // Without Redis (embedded) there is nothing to check, and no check is reported.
    expect(body.checks.redis).toBe(process.env.REDIS_URL ? 'ok' : undefined);
    expect(body.status).toBe('ok');
  });

  it('returns request ids and maps malformed documents to BAD_USER_INPUT', async () => {
    const res = await t.gql('{ me { id ');
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
    const unknown = await t.gql('{ nope }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers CORS preflights for /graphql with 204 and lets any origin read the request id', async () => {
    const preflight = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(await preflight.text()).toBe('');
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-api-key, x-request-id, apollo-require-preflight');
    expect(preflight.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);

    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'application/json', 'x-request-id': 'client-chosen-id' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(res.headers.get('x-request-id')).toBe('client-chosen-id');
  });

  it('keeps idle connections longer than the proxies in front, and still stops at once', async () => {
    const other = await startTestServer({ HTTP_KEEP_ALIVE_SECONDS: '90' });
    const agent = new Agent({ keepAlive: true });
    const res = await new Promise<IncomingMessage>((done, fail) => get(`${other.url}/healthz`, { agent }, done).on('error', fail));
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(res.headers['keep-alive']).toBe('timeout=90');
    expect(res.headers.connection).toBe('keep-alive');
    const defaults = await new Promise<IncomingMessage>((done, fail) => get(`${t.url}/healthz`, done).on('error', fail));
    defaults.resume();
    expect(defaults.headers['keep-alive']).toBe('timeout=65');
    // The agent holds the idle connection open; stopping must not wait 90 s for it.
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(20_000);
    agent.destroy();
  });

  it('finishes in-flight requests when stopped', async () => {
    const other = await startTestServer();
    const inflight = other.gql(`mutation { signUp(input: {workspaceName: "W", name: "N", email: "n@example.com", password: "password123"}) { accessToken } }`);
    // Stopped once the request is inside its transaction (sign-up takes the first-workspace lock there).
    await eventually(async () => other.queries.log.some((q) => q.includes('pg_advisory_xact_lock(4242001)')), 15_000, 'the sign-up to reach the database');
    const closing = other.close();
    const res = await inflight;
    await closing;
    expect(res.data.signUp.accessToken).toBeTruthy();
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
