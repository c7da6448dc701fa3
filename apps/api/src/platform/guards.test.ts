// HTTP-only edges of the guards (the shared ones are in graphql/parity.test.ts,
// run over both transports): batches, oversized bodies, rate-limit headers.
// No sleeps: each case uses its own principal and a window longer than the test.
import { getIntrospectionQuery } from 'graphql';
import { expectError, startTestServer, type TestServer } from '../../test/testkit.js';

describe('HTTP guards', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '20', RATE_LIMIT_WINDOW_SECONDS: '600' });
  });
  afterAll(() => t.close());

  it('refuses batches and oversized bodies as the client’s mistake, and allows introspection outside production', async () => {
    const ws = await t.createWorkspace();
    const batch = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: JSON.stringify(Array.from({ length: 200 }, () => ({ query: '{ me { id } }' }))),
    });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const huge = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(1024 * 1024)}` }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    expect((await t.gql(`{ conversations(first: 100) { edges { node { id contact { id } lastMessage { body } } } } }`, {}, ws.token)).errors).toBeUndefined();
    expect((await t.gql(getIntrospectionQuery(), {}, ws.token)).data.__schema).toBeTruthy();
  });

  it('trips the rate limit with retryAfter and RateLimit headers', async () => {
    const ws = await t.createWorkspace();
    const results = await Promise.all(Array.from({ length: 30 }, () => t.gql('{ me { id } }', {}, ws.token)));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBe(10);
    const err = expectError(limited[0]!, 'RATE_LIMITED');
    expect(err.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.headers.get('retry-after')).toBeTruthy();
    const ok = results.find((r) => r.status === 200)!;
    expect(ok.headers.get('ratelimit-limit')).toBe('20');
    // Each admitted request took one point: the 20 of them saw 19 left, 18, ..., 0.
    const remaining = results.filter((r) => r.status === 200).map((r) => Number(r.headers.get('ratelimit-remaining')));
    expect(remaining.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('keeps per-IP limits per client behind a trusted proxy', async () => {
    const proxied = await startTestServer({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3', RATE_LIMIT_WINDOW_SECONDS: '600', TRUST_PROXY: 'loopback' });
    try {
      const from = (ip: string) =>
        fetch(`${proxied.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({ query: '{ __typename }' }),
        }).then((r) => r.status);
      const a = [];
      for (let i = 0; i < 4; i++) a.push(await from('203.0.113.7'));
      expect(a).toEqual([200, 200, 200, 429]);
      // Another client behind the same proxy has its own budget.
      expect(await from('198.51.100.9')).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});
