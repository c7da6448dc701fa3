import type { Client } from 'graphql-ws';
import { expectError, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';

const INVITE = `mutation($email: String!, $name: String!) { inviteAgent(input: {email: $email, name: $name, role: AGENT}) { inviteToken } }`;
const ACCEPT = `mutation($token: String!) { acceptInvite(input: {token: $token, password: "agent-password"}) { accessToken user { id } } }`;
const CREATE = `mutation($input: CreateCannedReplyInput!) { createCannedReply(input: $input) { id shortcut title body personal } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCannedReplyInput!) { updateCannedReply(id: $id, input: $input) { id shortcut title body personal } }`;
const DELETE = `mutation($id: ID!) { deleteCannedReply(id: $id) }`;
const LIST = `query($search: String, $first: Int, $after: String) {
  cannedReplies(search: $search, first: $first, after: $after) { edges { node { id shortcut personal } } pageInfo { hasNextPage endCursor } }
}`;
const RENDER = `query($id: ID!, $c: ID!) { renderCannedReply(id: $id, conversationId: $c) }`;
const START = `mutation($key: String!, $name: String) { startConversation(input: {widgetKey: $key, name: $name, message: "Where is my refund?"}) { conversation { id } customerToken } }`;

describe('canned replies', () => {
  let t: TestServer;
  let admin: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let ana: { token: string; id: string };
  let ben: { token: string; id: string };

  async function agent(name: string) {
    const invite = await t.gql(INVITE, { email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@canned.test`, name }, admin.token);
    const accepted = await t.gql(ACCEPT, { token: invite.data.inviteAgent.inviteToken });
    return { token: accepted.data.acceptInvite.accessToken as string, id: accepted.data.acceptInvite.user.id as string };
  }
  const shortcuts = async (token: string, variables: Record<string, unknown> = {}) => {
    const res = await t.gql(LIST, variables, token);
    expect(res.errors).toBeUndefined();
    return res.data.cannedReplies.edges.map((e: any) => `${e.node.shortcut}${e.node.personal ? '*' : ''}`);
  };
  const rows = async () =>
    (await t.sql(`select shortcut from canned_reply where workspace_id = ? order by shortcut, owner_id nulls first`, [admin.workspaceId])).map(
      (r) => r.shortcut,
    );

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.createWorkspace('Canned Co');
    ana = await agent('Ana');
    ben = await agent('Ben');
  });
  afterAll(() => t.close());

  it('keeps shared replies for the workspace and personal ones for their owner only', async () => {
    const refund = await t.gql(
      CREATE,
      { input: { shortcut: '/Refund', title: 'Refund timing', body: 'Hi {{contact.name|there}}, refunds take 5 days. {{agent.name}}', personal: false } },
      admin.token,
    );
    expect(refund.errors).toBeUndefined();
    expect(refund.data.createCannedReply).toMatchObject({ shortcut: 'refund', personal: false });
    await t.gql(CREATE, { input: { shortcut: 'shipping', body: 'Parcels ship within 24 hours.', personal: false } }, admin.token);
    const mine = await t.gql(CREATE, { input: { shortcut: 'hi', body: 'Hello from Ana!', personal: true } }, ana.token);
    expect(mine.data.createCannedReply).toMatchObject({ shortcut: 'hi', personal: true });
    // A personal reply may reuse a shared shortcut; both are listed.
    expect((await t.gql(CREATE, { input: { shortcut: 'refund', body: 'My own refund wording.', personal: true } }, ben.token)).errors).toBeUndefined();

    expect(await shortcuts(ana.token)).toEqual(['hi*', 'refund', 'shipping']);
    expect(await shortcuts(ben.token)).toEqual(['refund', 'refund*', 'shipping']);
    expect(await shortcuts(admin.token)).toEqual(['refund', 'shipping']);

    // Search: the start of a shortcut (slash optional), or words of the title or text.
    expect(await shortcuts(ana.token, { search: '/re' })).toEqual(['refund']);
    expect(await shortcuts(ana.token, { search: 'hours' })).toEqual(['shipping']);
    expect(await shortcuts(ana.token, { search: 'TIMING' })).toEqual(['refund']);
    expect(await shortcuts(ana.token, { search: '100%' })).toEqual([]);

    // Page by page.
    const first = await t.gql(LIST, { first: 2 }, ana.token);
    expect(first.data.cannedReplies.pageInfo.hasNextPage).toBe(true);
    const rest = await t.gql(LIST, { first: 2, after: first.data.cannedReplies.pageInfo.endCursor }, ana.token);
    expect(rest.data.cannedReplies.edges.map((e: any) => e.node.shortcut)).toEqual(['shipping']);
    expect(rest.data.cannedReplies.pageInfo.hasNextPage).toBe(false);

    // One at a time through Ben's list, where a shared and a personal reply share a shortcut.
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await t.gql(LIST, { first: 1, after }, ben.token);
      seen.push(...page.data.cannedReplies.edges.map((e: any) => `${e.node.shortcut}${e.node.personal ? '*' : ''}`));
      after = page.data.cannedReplies.pageInfo.hasNextPage ? page.data.cannedReplies.pageInfo.endCursor : undefined;
    } while (after);
    expect(seen).toEqual(['refund', 'refund*', 'shipping']);

    // Nobody else reaches Ana's reply by its id.
    const anaReply = mine.data.createCannedReply.id;
    expectError(await t.gql(UPDATE, { id: anaReply, input: { body: 'taken over' } }, ben.token), 'NOT_FOUND');
    expectError(await t.gql(DELETE, { id: anaReply }, admin.token), 'NOT_FOUND');
    const other = await t.createWorkspace('Elsewhere');
    expect(await shortcuts(other.token)).toEqual([]);
    expectError(await t.gql(UPDATE, { id: refund.data.createCannedReply.id, input: { body: 'x' } }, other.token), 'NOT_FOUND');
  });

  it('lets agents manage their own replies and admins the shared ones, audited', async () => {
    expectError(await t.gql(CREATE, { input: { shortcut: 'policy', body: 'Our policy…', personal: false } }, ana.token), 'FORBIDDEN');
    const shared = (await t.gql(LIST, { search: 'shipping' }, ana.token)).data.cannedReplies.edges[0].node.id;
    expectError(await t.gql(UPDATE, { id: shared, input: { body: 'changed by an agent' } }, ana.token), 'FORBIDDEN');
    expectError(await t.gql(DELETE, { id: shared }, ana.token), 'FORBIDDEN');

    const own = (await t.gql(CREATE, { input: { shortcut: 'bye', body: 'Bye!', personal: true } }, ana.token)).data.createCannedReply.id;
    const renamed = await t.gql(UPDATE, { id: own, input: { shortcut: '/Later', title: 'Closing', body: 'See you later!' } }, ana.token);
    expect(renamed.data.updateCannedReply).toMatchObject({ shortcut: 'later', title: 'Closing', body: 'See you later!', personal: true });
    expect((await t.gql(UPDATE, { id: own, input: { title: '' } }, ana.token)).data.updateCannedReply.title).toBeNull();
    expect((await t.gql(DELETE, { id: own }, ana.token)).data.deleteCannedReply).toBe(true);
    expectError(await t.gql(DELETE, { id: own }, ana.token), 'NOT_FOUND');

    const edited = await t.gql(UPDATE, { id: shared, input: { body: 'Parcels ship the same day.' } }, admin.token);
    expect(edited.data.updateCannedReply.body).toBe('Parcels ship the same day.');
    const temp = (await t.gql(CREATE, { input: { shortcut: 'temp', body: 'Temporary', personal: false } }, admin.token)).data.createCannedReply.id;
    expect((await t.gql(DELETE, { id: temp }, admin.token)).data.deleteCannedReply).toBe(true);

    // Shared replies are audited (an admin cares who changed what the whole team sends); personal ones are not.
    const audited = await t.sql(
      `select action, metadata->>'shortcut' as shortcut from audit_log where workspace_id = ? and action like 'canned_reply.%' order by created_at, id`,
      [admin.workspaceId],
    );
    expect(audited.map((a) => `${a.action} ${a.shortcut}`)).toEqual([
      'canned_reply.create refund',
      'canned_reply.create shipping',
      'canned_reply.update shipping',
      'canned_reply.create temp',
      'canned_reply.delete temp',
    ]);
  });

  it('refuses bad input with a 4xx code and writes nothing', async () => {
    const before = await rows();
    const unknown = expectError(await t.gql(CREATE, { input: { shortcut: 'oops', body: 'Hi {{contact.nmae}}', personal: true } }, ana.token), 'BAD_USER_INPUT');
    expect(unknown.message).toContain('{{contact.nmae}}');
    expect(unknown.message).toContain('{{contact.name}}');
    for (const shortcut of ['', '/', 'two words', 'x'.repeat(41), '-dash']) {
      expectError(await t.gql(CREATE, { input: { shortcut, body: 'text', personal: true } }, ana.token), 'BAD_USER_INPUT');
    }
    expectError(await t.gql(CREATE, { input: { shortcut: 'blank', body: '   ', personal: true } }, ana.token), 'BAD_USER_INPUT');
    expectError(await t.gql(CREATE, { input: { shortcut: 'long', body: 'x'.repeat(10_001), personal: true } }, ana.token), 'BAD_USER_INPUT');
    // The same shortcut twice for one owner (case and slash ignored).
    const dup = await t.gql(CREATE, { input: { shortcut: '/HI', body: 'again', personal: true } }, ana.token);
    expectError(dup, 'CONFLICT');
    const shared = (await t.gql(LIST, { search: 'refund' }, admin.token)).data.cannedReplies.edges[0].node.id;
    expectError(await t.gql(CREATE, { input: { shortcut: 'Shipping', body: 'dup', personal: false } }, admin.token), 'CONFLICT');
    expectError(await t.gql(UPDATE, { id: shared, input: { shortcut: 'shipping' } }, admin.token), 'CONFLICT');
    expectError(await t.gql(UPDATE, { id: shared, input: { body: '{{agent.email}}' } }, admin.token), 'BAD_USER_INPUT');
    expectError(await t.gql(UPDATE, { id: 'not-an-id', input: { body: 'x' } }, admin.token), 'BAD_USER_INPUT');
    expect(await rows()).toEqual(before);
    // The shared reply kept its text.
    expect((await t.gql(LIST, { search: 'refund' }, admin.token)).data.cannedReplies.edges.map((e: any) => e.node.shortcut)).toEqual(['refund']);
  });

  it('fills placeholders from the conversation’s contact, the agent and the workspace, with fallbacks', async () => {
    const refund = (await t.gql(LIST, { search: 'refund' }, ana.token)).data.cannedReplies.edges.find((e: any) => !e.node.personal).node.id;
    const named = await t.gql(START, { key: admin.widgetKey, name: 'Dana' });
    const anonymous = await t.gql(START, { key: admin.widgetKey });
    expect((await t.gql(RENDER, { id: refund, c: named.data.startConversation.conversation.id }, ana.token)).data.renderCannedReply).toBe(
      'Hi Dana, refunds take 5 days. Ana',
    );
    expect((await t.gql(RENDER, { id: refund, c: anonymous.data.startConversation.conversation.id }, ben.token)).data.renderCannedReply).toBe(
      'Hi there, refunds take 5 days. Ben',
    );

    const ws = await t.gql(
      CREATE,
      { input: { shortcut: 'sign', body: '{{ agent.name }} at {{workspace.name}} ({{contact.email|no email}})', personal: true } },
      ana.token,
    );
    expect((await t.gql(RENDER, { id: ws.data.createCannedReply.id, c: named.data.startConversation.conversation.id }, ana.token)).data.renderCannedReply).toBe(
      'Ana at Canned Co (no email)',
    );

    // Another workspace's conversation, or another agent's personal reply: not found.
    const other = await t.createWorkspace('Other Shop');
    const foreign = await t.gql(START, { key: other.widgetKey, name: 'Eve' });
    expectError(await t.gql(RENDER, { id: refund, c: foreign.data.startConversation.conversation.id }, ana.token), 'NOT_FOUND');
    expectError(await t.gql(RENDER, { id: ws.data.createCannedReply.id, c: named.data.startConversation.conversation.id }, ben.token), 'NOT_FOUND');
  });

  it('is for staff only, over HTTP and over graphql-ws: customers and API keys are refused', async () => {
    const chat = await t.gql(START, { key: admin.widgetKey, name: 'Fay' });
    const customer = chat.data.startConversation.customerToken;
    const key = await t.gql(
      `mutation { createApiKey(input: { name: "all", scopes: [CONVERSATIONS_READ, TICKETS_READ, KNOWLEDGE_READ, KNOWLEDGE_WRITE, ANALYTICS_READ, WEBHOOKS_WRITE] }) { secret } }`,
      {},
      admin.token,
    );
    const secret = key.data.createApiKey.secret;
    for (const token of [customer, secret]) {
      expectError(await t.gql(LIST, {}, token), 'FORBIDDEN');
      expectError(await t.gql(CREATE, { input: { shortcut: 'x', body: 'x', personal: true } }, token), 'FORBIDDEN');
    }
    expectError(await t.gql(LIST, {}), 'UNAUTHENTICATED');

    const run = (client: Client, query: string, variables: Record<string, unknown> = {}) =>
      new Promise<any>((resolve) =>
        client.subscribe({ query, variables }, { next: resolve, error: (e) => resolve({ errors: Array.isArray(e) ? e : [e] }), complete: () => {} }),
      );
    const agentSocket = wsClient(t.wsUrl, ana.token);
    const customerSocket = wsClient(t.wsUrl, customer);
    const keySocket = wsClient(t.wsUrl, secret);
    try {
      const listed = await run(agentSocket, LIST, { search: 'ref' });
      expect(listed.errors).toBeUndefined();
      const refund = listed.data.cannedReplies.edges.find((e: any) => !e.node.personal).node.id;
      const rendered = await run(agentSocket, RENDER, { id: refund, c: chat.data.startConversation.conversation.id });
      expect(rendered.data.renderCannedReply).toBe('Hi Fay, refunds take 5 days. Ana');
      for (const socket of [customerSocket, keySocket]) {
        const refused = await run(socket, LIST);
        expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(refused.data ?? null).toBeNull();
        const render = await run(socket, RENDER, { id: refund, c: chat.data.startConversation.conversation.id });
        expect(render.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    } finally {
      await Promise.all([agentSocket.dispose(), customerSocket.dispose(), keySocket.dispose()]);
    }
  });
});
