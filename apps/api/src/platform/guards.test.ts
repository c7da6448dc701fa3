import { createHash } from 'node:crypto';
import { getIntrospectionQuery, Kind, print, visit } from 'graphql';
import { MeDocument } from '@switchboard/schema';
import { eventually, expectError, startTestServer, type TestServer } from '../../test/testkit.js';

describe('query guards', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    // Limits high enough never to mask a guard, however slowly the requests go.
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
    ws = await t.createWorkspace();
  });
  afterAll(() => t.close());

  /** Sends a document and checks that nothing reached the database. */
  const rejected = async (query: string, variables = {}) => {
    const before = t.queries.count;
    const res = await t.gql(query, variables, ws.token);
    expect(t.queries.count - before).toBe(0);
    expect(res.status).toBe(400); // the client's fault, whichever guard caught it
    return res;
  };

  it('rejects deep, wide, expensive, batched and oversized documents before execution', async () => {
    // Our schema has no cycles deeper than ~10 levels, so depth 20 continues past real fields.
    let tail = 'id';
    for (let i = 0; i < 11; i++) tail = `deeper${i} { ${tail} }`;
    const depthRes = await rejected(`{ tickets { edges { node { conversation { messages { edges { node { author { workspace { ${tail} } } } } } } } } } }`);
    expectError(depthRes, 'BAD_USER_INPUT');
    expect(depthRes.errors!.map((e) => e.message).join(" | ")).toMatch(/depth limit of 15 exceeded/);

    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: me { id }`).join(' ');
    const wide = expectError(await rejected(`{ ${aliases} }`), 'BAD_USER_INPUT');
    expect(wide.message).toMatch(/alias|token/i);

    const costly = expectError(await rejected(`query($n: Int) { conversations(first: $n) { edges { node { id contact { id } } } } }`, { n: 100000 }), 'BAD_USER_INPUT');
    expect(costly.extensions!.reason).toBe('COST_LIMIT');

    // A flood of directives: rejected, and validation stops after a bounded number of errors.
    const directives = await rejected(`{ me ${Array.from({ length: 200 }, () => '@include(if: true)').join(' ')} { id } }`);
    expectError(directives, 'BAD_USER_INPUT');
    expect(directives.errors!.length).toBeLessThanOrEqual(11);

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

    // Ordinary use still works: a full page, and introspection outside production.
    expect((await t.gql(`{ conversations(first: 100) { edges { node { id contact { id } lastMessage { body } } } } }`, {}, ws.token)).errors).toBeUndefined();
    expect((await t.gql(getIntrospectionQuery(), {}, ws.token)).data.__schema).toBeTruthy();
  });

});

describe('rate limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A window long enough that a burst lands in one even on a loaded machine.
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_WINDOW_SECONDS: '20' });
  });
  afterAll(() => t.close());

  it('trips the rate limit with retryAfter and RateLimit headers, then recovers', async () => {
    const ws = await t.createWorkspace();
    const results = await Promise.all(Array.from({ length: 70 }, () => t.gql('{ me { id } }', {}, ws.token)));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBe(10);
    const err = expectError(limited[0]!, 'RATE_LIMITED');
    expect(err.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.headers.get('retry-after')).toBeTruthy();
    const ok = results.find((r) => r.status === 200)!;
    expect(ok.headers.get('ratelimit-limit')).toBe('60');
    expect(Number(ok.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
    // Once the window has passed, the same caller is served again.
    await eventually(async () => (await t.gql('{ me { id } }', {}, ws.token)).status === 200, 60_000, 'a fresh rate-limit window');
  }, 120_000);
});

describe('persisted queries and trusted documents', () => {
  const post = (url: string, body: unknown, token?: string) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('serves automatic persisted queries: hash first, then hash with the text, then the hash alone', async () => {
    const t = await startTestServer();
    try {
      const ws = await t.createWorkspace();
      const query = '{ me { id email } }';
      const persisted = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
      const miss = await post(t.url, { extensions: persisted }, ws.token);
      // Our fixed code set, with the APQ protocol's message and reason (what persisted-query clients look for).
      expect(miss.body.errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_NOT_FOUND' } });
      expect((await post(t.url, { query, extensions: persisted }, ws.token)).body.data.me.email).toBe(ws.email);
      expect((await post(t.url, { extensions: persisted }, ws.token)).body.data.me.email).toBe(ws.email);
      // A hash that does not match its text is refused.
      const wrong = await post(t.url, { query: '{ me { id } }', extensions: persisted }, ws.token);
      expect(wrong.status).toBe(400);
      expect(wrong.body.data).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('in trusted-documents mode runs only the operations shipped in packages/schema', async () => {
    const t = await startTestServer({ TRUSTED_DOCUMENTS: 'true' });
    try {
      const ws = await t.createWorkspace();
      // As the web app sends it: Apollo Client adds __typename to selection sets.
      const me = print(visit(MeDocument, { SelectionSet: (node) => ({ ...node, selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] }) }));
      const ok = await post(t.url, { query: me, operationName: 'Me' }, ws.token);
      expect(ok.status).toBe(200);
      expect(ok.body.data.me.email).toBe(ws.email);
      const before = t.queries.count;
      const adhoc = await post(t.url, { query: '{ me { id email } }' }, ws.token);
      expect(adhoc.status).toBe(403);
      expect(adhoc.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'UNTRUSTED_DOCUMENT' });
      expect(t.queries.count).toBe(before);
    } finally {
      await t.close();
    }
  });
});
