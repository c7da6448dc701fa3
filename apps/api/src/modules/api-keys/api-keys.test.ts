import { expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

const CREATE = `mutation($name: String!, $scopes: [ApiScope!]!) { createApiKey(input: {name: $name, scopes: $scopes}) { secret apiKey { id name prefix scopes lastUsedAt } } }`;

describe('partner API keys', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let other: Awaited<ReturnType<TestServer['createWorkspace']>>;

  const withKey = async (query: string, key: string, variables = {}, header: 'bearer' | 'x-api-key' = 'bearer') => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, headers: res.headers, ...((await res.json()) as any) };
  };

  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace('Partnered');
    other = await t.createWorkspace('Other');
    await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Pat", message: "secret body"}) { conversation { id } } }`, {
      k: ws.widgetKey,
    });
    await t.gql(`mutation { createFaq(input: {question: "Q1?", answer: "A1"}) { id } }`, {}, ws.token);
  });
  afterAll(() => t.close());

  it('shows the secret once, stores only its hash, and reaches only what its scopes allow', async () => {
    const created = await t.gql(CREATE, { name: 'BI tool', scopes: ['ANALYTICS_READ', 'KNOWLEDGE_READ'] }, ws.token);
    const { secret, apiKey } = created.data.createApiKey;
    expect(secret).toMatch(/^sk_/);
    expect(apiKey).toMatchObject({ name: 'BI tool', prefix: secret.slice(0, 10), scopes: ['ANALYTICS_READ', 'KNOWLEDGE_READ'], lastUsedAt: null });
    const stored = await t.sql('select secret_hash from api_key where id = ?', [apiKey.id]);
    expect(stored[0].secret_hash).not.toContain(secret.slice(3));
    expect((await t.gql(`{ apiKeys { id prefix } }`, {}, ws.token)).data.apiKeys).toEqual([{ id: apiKey.id, prefix: apiKey.prefix }]);

    // knowledge:read — allowed, through either header.
    const faqs = await withKey(`{ faqs { edges { node { question } } } }`, secret);
    expect(faqs.data.faqs.edges).toEqual([{ node: { question: 'Q1?' } }]);
    expect((await withKey(`{ faqCategories { id } }`, secret, {}, 'x-api-key')).data.faqCategories).toEqual([]);
    // No conversations:read — no conversations, hence no message bodies; no tickets; no writes; no admin fields.
    for (const query of [
      `{ conversations { edges { node { lastMessage { body } } } } }`,
      `{ tickets { edges { node { id } } } }`,
      `mutation { createFaq(input: {question: "Q?", answer: "A"}) { id } }`,
      `{ apiKeys { id } }`,
      `{ me { id } }`,
    ]) {
      expectError(await withKey(query, secret), 'FORBIDDEN');
    }
    expect((await t.gql(`{ apiKeys { lastUsedAt } }`, {}, ws.token)).data.apiKeys[0].lastUsedAt).not.toBeNull();

    const reader = (await t.gql(CREATE, { name: 'Inbox sync', scopes: ['CONVERSATIONS_READ'] }, ws.token)).data.createApiKey.secret;
    const convs = await withKey(`{ conversations { edges { node { lastMessage { body } } } } }`, reader);
    expect(convs.data.conversations.edges[0].node.lastMessage.body).toBe('secret body');
    expectError(await withKey(`{ faqs { edges { node { id } } } }`, reader), 'FORBIDDEN');
  });

  it('refuses a revoked key at once and never crosses workspaces', async () => {
    const { secret, apiKey } = (await t.gql(CREATE, { name: 'Temp', scopes: ['KNOWLEDGE_READ', 'KNOWLEDGE_WRITE', 'CONVERSATIONS_READ'] }, ws.token)).data
      .createApiKey;
    const wrote = await withKey(`mutation { createFaq(input: {question: "Via key?", answer: "Yes"}) { id } }`, secret);
    expect(wrote.errors).toBeUndefined();
    const audit = await t.sql("select actor_type, actor_id from audit_log where action = 'faq.create' order by created_at desc limit 1");
    expect(audit[0]).toEqual({ actor_type: 'API_KEY', actor_id: apiKey.id });

    // Another workspace's data is invisible to this key.
    await t.gql(`mutation { createFaq(input: {question: "Other's FAQ?", answer: "No"}) { id } }`, {}, other.token);
    const seen = await withKey(`{ faqs(first: 100) { edges { node { question } } } }`, secret);
    expect(seen.data.faqs.edges.map((e: any) => e.node.question)).not.toContain("Other's FAQ?");
    // …and another workspace's admin cannot revoke it.
    expectError(await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: apiKey.id }, other.token), 'NOT_FOUND');

    const revoked = await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id }, ws.token);
    expect(revoked.data.revokeApiKey.revokedAt).not.toBeNull();
    const refused = await withKey(`{ faqs { edges { node { id } } } }`, secret);
    expectError(refused, 'UNAUTHENTICATED');
    expect(refused.status).toBe(401);
    expectError(await withKey(`{ faqs { edges { node { id } } } }`, 'sk_not-a-real-key'), 'UNAUTHENTICATED');
    expectError(await t.gql(CREATE, { name: 'x', scopes: [] }, ws.token), 'BAD_USER_INPUT');
  });
});
