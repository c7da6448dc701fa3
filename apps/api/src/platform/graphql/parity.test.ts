// Transport parity: every guard of the operation pipeline, from one table of
// cases, once over HTTP and once over graphql-ws. A case passes only if both
// transports refuse it the same way (same code and reason) before anything
// executes; ordinary operations are served by both.
import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { MeDocument } from '@switchboard/schema';
import type { Client } from 'graphql-ws';
import { startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';

type Transport = 'http' | 'ws';
interface Outcome {
  status?: number;
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

/** One operation over a socket: the result, or the errors graphql-ws reports for it. */
function overSocket(client: Client, query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    let result: Outcome | undefined;
    client.subscribe({ query, variables, extensions } as never, {
      next: (r: any) => (result = { data: r.data, errors: r.errors }),
      error: (e: any) => resolve({ errors: Array.isArray(e) ? e : [{ message: String(e?.reason ?? e?.message ?? e), extensions: { closeCode: e?.code } }] }),
      complete: () => resolve(result ?? {}),
    });
  });
}

function overHttp(t: TestServer, token: string, query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): Promise<Outcome> {
  return fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables, extensions }),
  }).then(async (res) => ({ status: res.status, ...((await res.json()) as object) }));
}

const deep = (() => {
  let tail = 'id';
  for (let i = 0; i < 11; i++) tail = `deeper${i} { ${tail} }`;
  return `{ tickets { edges { node { conversation { messages { edges { node { author { workspace { ${tail} } } } } } } } } } }`;
})();

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  code: string;
  reason?: string | RegExp;
  status: number;
  message?: RegExp;
}

const refused: Case[] = [
  {
    name: 'cost (100 conversations × 100 messages)',
    query: `query($n: Int) { conversations(first: $n) { edges { node { id messages(first: 100) { edges { node { body } } } } } } }`,
    variables: { n: 100 },
    code: 'BAD_USER_INPUT',
    reason: 'COST_LIMIT',
    status: 400,
  },
  { name: 'depth', query: deep, code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED', status: 400, message: /depth limit of 15 exceeded/ },
  {
    name: 'aliases',
    query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(' ')} }`,
    code: 'BAD_USER_INPUT',
    reason: 'GRAPHQL_VALIDATION_FAILED',
    status: 400,
    message: /alias/i,
  },
  {
    name: 'directives',
    query: `{ me ${Array.from({ length: 20 }, () => '@include(if: true)').join(' ')} { id } }`,
    code: 'BAD_USER_INPUT',
    reason: 'GRAPHQL_VALIDATION_FAILED',
    status: 400,
  },
  {
    name: 'tokens',
    query: `{ me { ${Array.from({ length: 3100 }, () => 'id').join(' ')} } }`,
    code: 'BAD_USER_INPUT',
    reason: 'GRAPHQL_PARSE_FAILED',
    status: 400,
    message: /token/i,
  },
  {
    name: 'document size (a comment the token limit does not count)',
    query: `{ me { id } } # ${'x'.repeat(150_000)}`,
    code: 'BAD_USER_INPUT',
    reason: 'DOCUMENT_TOO_LARGE',
    status: 400,
  },
  { name: 'syntax', query: `{ me { id `, code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED', status: 400 },
  { name: 'unknown field', query: `{ me { nope } }`, code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED', status: 400 },
  {
    name: 'variable of the wrong type',
    query: `query($n: Int) { conversations(first: $n) { edges { node { id } } } }`,
    variables: { n: 'many' },
    code: 'BAD_USER_INPUT',
    reason: 'INVALID_VARIABLES',
    status: 400,
    message: /Int cannot represent/,
  },
  {
    name: 'missing required variable field',
    query: `mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }`,
    variables: { input: { email: 'someone@example.com' } },
    code: 'BAD_USER_INPUT',
    reason: 'INVALID_VARIABLES',
    status: 400,
    message: /password/,
  },
  {
    name: 'unknown enum value',
    query: `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }`,
    variables: { input: { subject: 'Broken', priority: 'SEVERE' } },
    code: 'BAD_USER_INPUT',
    reason: 'INVALID_VARIABLES',
    status: 400,
    message: /SEVERE/,
  },
  {
    name: 'extra input field',
    query: `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }`,
    variables: { input: { subject: 'Broken', colour: 'red' } },
    code: 'BAD_USER_INPUT',
    reason: 'INVALID_VARIABLES',
    status: 400,
    message: /colour/,
  },
  {
    name: 'NUL byte in a variable',
    query: `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }`,
    variables: { input: { subject: 'Bro\u0000ken' } },
    code: 'BAD_USER_INPUT',
    reason: 'NUL_CHARACTER',
    status: 400,
  },
  {
    name: 'NUL escape in a literal',
    query: `mutation { createTicket(input: { subject: "Bro\\u0000ken" }) { id } }`,
    code: 'BAD_USER_INPUT',
    reason: 'NUL_CHARACTER',
    status: 400,
  },
  {
    name: 'NUL byte in a search',
    query: `query($q: String!) { searchKnowledge(query: $q) { score } }`,
    variables: { q: 'refund\u0000' },
    code: 'BAD_USER_INPUT',
    reason: 'NUL_CHARACTER',
    status: 400,
  },
];

describe.each<Transport>(['http', 'ws'])('the operation pipeline over %s', (transport) => {
  let t: TestServer;
  let token: string;
  let client: Client | undefined;
  const run = (query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>) =>
    transport === 'http' ? overHttp(t, token, query, variables, extensions) : overSocket(client!, query, variables, extensions);

  beforeAll(async () => {
    t = await startTestServer();
    token = (await t.createWorkspace()).token;
    if (transport === 'ws') {
      client = wsClient(t.wsUrl, token);
      // Connected (and its credential checked) before the cases count statements.
      expect((await overSocket(client, '{ me { id } }')).data.me.id).toBeTruthy();
    }
  });
  afterAll(async () => {
    await client?.dispose();
    await t.close();
  });

  it.each(refused)('refuses $name before execution, with its code', async (c) => {
    const tickets = Number((await t.sql('select count(*)::int as n from ticket'))[0].n);
    const before = t.queries.count;
    const res = await run(c.query, c.variables);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
    const err = res.errors![0]!;
    expect(err.extensions?.code).toBe(c.code);
    if (c.reason) expect(err.extensions?.reason).toEqual(c.reason);
    if (c.message) expect(res.errors!.map((e) => e.message).join(' | ')).toMatch(c.message);
    if (transport === 'http') expect(res.status).toBe(c.status);
    // Nothing ran: no statement reached the database (the principal check comes after every other check), nothing written.
    expect(t.queries.count - before).toBe(0);
    expect(Number((await t.sql('select count(*)::int as n from ticket'))[0].n)).toBe(tickets);
  });

  it('serves ordinary operations, and a refused one does not end the socket', async () => {
    const me = await run(`{ me { id email } }`);
    expect(me.errors).toBeUndefined();
    expect(me.data.me.email).toMatch(/@example.com$/);
    const page = await run(`query($n: Int) { conversations(first: $n) { edges { node { id lastMessage { body } } } } }`, { n: 100 });
    expect(page.errors).toBeUndefined();
    const created = await run(`mutation { createTicket(input: { subject: "Printer on fire" }) { subject } }`);
    expect(created.data.createTicket.subject).toBe('Printer on fire');
  });

  it('costs each document per page-size and @include variables, whatever the other variables', async () => {
    // One document, costed once per combination of the variables that change its cost (remembered per document).
    const nested = `query($n: Int, $deep: Boolean!, $status: ConversationStatus) {
      conversations(first: $n, filter: { status: $status }) { edges { node { id messages(first: 100) @include(if: $deep) { edges { node { body } } } } } }
    }`;
    const outcome = async (variables: Record<string, unknown>) => {
      const res = await run(nested, variables);
      return res.errors?.[0]?.extensions?.reason ?? (res.errors ? res.errors[0]!.extensions?.code : 'OK');
    };
    expect(await outcome({ n: 1, deep: true })).toBe('OK');
    expect(await outcome({ n: 100, deep: true })).toBe('COST_LIMIT');
    expect(await outcome({ n: 100, deep: false })).toBe('OK');
    // Variables that do not change the cost do not change the verdict, and the cached verdicts stay apart.
    expect(await outcome({ n: 100, deep: true, status: 'OPEN' })).toBe('COST_LIMIT');
    expect(await outcome({ n: 1, deep: true, status: 'RESOLVED' })).toBe('OK');
    expect(await outcome({ n: 100, deep: false, status: 'OPEN' })).toBe('OK');
  });

  it('formats resolver input errors with a code and the field list', async () => {
    const res = await run(`mutation { createTicket(input: { subject: "   " }) { id } }`);
    const err = res.errors![0]!;
    expect(err.extensions?.code).toBe('BAD_USER_INPUT');
    expect(err.message).toMatch(/subject/);
    expect(JSON.stringify(res.errors)).not.toMatch(/constraints|stacktrace/);
  });

  it('serves automatic persisted queries by hash, and refuses unknown hashes', async () => {
    const { createHash } = await import('node:crypto');
    const query = `{ me { id name } }`;
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    // graphql-ws insists on a string query: hash-only messages send ''.
    const hashOnly = transport === 'http' ? (undefined as never) : '';
    const miss = await run(hashOnly, undefined, { persistedQuery });
    expect(miss.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_NOT_FOUND' });
    expect((await run(query, undefined, { persistedQuery })).data.me.name).toBe('Admin');
    expect((await run(hashOnly, undefined, { persistedQuery })).data.me.name).toBe('Admin');
  });
});

describe.each<Transport>(['http', 'ws'])('production hardening over %s', (transport) => {
  let t: TestServer;
  let token: string;
  let client: Client | undefined;
  const run = (query: string, variables?: Record<string, unknown>) =>
    transport === 'http' ? overHttp(t, token, query, variables) : overSocket(client!, query, variables);

  beforeAll(async () => {
    // Production refuses the suite's published test secret: a random one, as a deployment would have.
    t = await startTestServer({ NODE_ENV: 'production', TRUSTED_DOCUMENTS: 'true', JWT_SECRET: randomBytes(32).toString('hex') });
    token = (await t.createWorkspace()).token;
    if (transport === 'ws') client = wsClient(t.wsUrl, token);
  });
  afterAll(async () => {
    await client?.dispose();
    await t.close();
  });

  it('runs only trusted documents (queries and mutations alike)', async () => {
    const ok = await run(print(MeDocument));
    expect(ok.errors).toBeUndefined();
    expect(ok.data.me.id).toBeTruthy();
    for (const query of [`{ me { id email } }`, `mutation { createTicket(input: { subject: "x" }) { id } }`]) {
      const res = await run(query);
      expect(res.data ?? null).toBeNull();
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'UNTRUSTED_DOCUMENT' });
      if (transport === 'http') expect(res.status).toBe(403);
    }
  });

  it('refuses introspection and hides field suggestions', async () => {
    const res = await run(`{ __schema { types { name } } }`);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(/introspection/i);
    const typo = await run(`{ mee { id } }`);
    expect(typo.errors![0]!.message).not.toMatch(/Did you mean/);
  });
});

describe.each<Transport>(['http', 'ws'])('rate limits over %s', (transport) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '25', RATE_LIMIT_WINDOW_SECONDS: '600' });
  });
  afterAll(() => t.close());

  it('counts every operation of the principal and refuses the excess with RATE_LIMITED', async () => {
    // createWorkspace's log-in is anonymous (per-IP), so the user's budget starts full.
    const { token } = await t.createWorkspace();
    const client = transport === 'ws' ? wsClient(t.wsUrl, token) : undefined;
    try {
      const results: Outcome[] = [];
      for (let i = 0; i < 30; i++) results.push(transport === 'http' ? await overHttp(t, token, '{ me { id } }') : await overSocket(client!, '{ me { id } }'));
      const served = results.filter((r) => r.data?.me?.id);
      const limited = results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
      expect(served).toHaveLength(25);
      expect(limited).toHaveLength(5);
      expect(limited[0]!.errors![0]!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
      if (transport === 'http') expect(limited[0]!.status).toBe(429);
    } finally {
      await client?.dispose();
    }
  });
});
