import { expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq body authorType } }`;
const HISTORY = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  conversation(id: $id) { lastSeq messages(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { seq body } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
}`;

describe('messages', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let customerToken: string;
  let conversationId: string;
  const messageCount = async () => (await t.sql('select count(*)::int as n from message where conversation_id = ?', [conversationId]))[0].n as number;

  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace();
    const res = await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Gus"}) { customerToken conversation { id } } }`, {
      k: ws.widgetKey,
    });
    customerToken = res.data.startConversation.customerToken;
    conversationId = res.data.startConversation.conversation.id;
  });
  afterAll(() => t.close());

  it('stores one message for a retried clientMessageId and returns it both times', async () => {
    const input = { conversationId, body: 'Hello?', clientMessageId: 'retry-1' };
    const a = await t.gql(SEND, { input }, customerToken);
    const b = await t.gql(SEND, { input }, customerToken);
    expect(a.errors).toBeUndefined();
    expect(b.data.sendMessage).toEqual(a.data.sendMessage);
    const rows = await t.sql('select count(*)::int as n from message where client_message_id = ?', ['retry-1']);
    expect(rows[0].n).toBe(1);
    // Concurrent retries of one id still store exactly one message.
    const same = await Promise.all(Array.from({ length: 5 }, () => t.gql(SEND, { input: { ...input, clientMessageId: 'retry-2' } }, customerToken)));
    expect(new Set(same.map((r) => r.data.sendMessage.id)).size).toBe(1);
  });

  it('gives concurrent senders distinct, gap-free seq numbers', async () => {
    const start = await messageCount();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.gql(SEND, { input: { conversationId, body: `burst ${i}`, clientMessageId: `burst-${i}` } }, i % 2 ? customerToken : ws.token),
      ),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    const seqs = results.map((r) => r.data.sendMessage.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => start + 1 + i));
    const all = await t.sql('select seq from message where conversation_id = ? order by seq', [conversationId]);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
  });

  it('names the agent who wrote each message, to the customer too (without exposing the user)', async () => {
    await t.gql(SEND, { input: { conversationId, body: 'Admin here, looking into it.' } }, ws.token);
    const q = `query($id: ID!) { conversation(id: $id) { messages(last: 1) { edges { node { authorType authorName author { id } } } } } }`;
    const asCustomer = await t.gql(q, { id: conversationId }, customerToken);
    expect(asCustomer.data.conversation.messages.edges[0].node).toEqual({ authorType: 'AGENT', authorName: 'Admin', author: null });
    const asStaff = await t.gql(q, { id: conversationId }, ws.token);
    expect(asStaff.data.conversation.messages.edges[0].node).toEqual({ authorType: 'AGENT', authorName: 'Admin', author: { id: ws.userId } });
  });

  it('pages history forwards and backwards by seq', async () => {
    const total = await messageCount();
    const latest = await t.gql(HISTORY, { id: conversationId, last: 5 }, customerToken);
    expect(latest.data.conversation.messages.edges.map((e: any) => e.node.seq)).toEqual([total - 4, total - 3, total - 2, total - 1, total]);
    expect(latest.data.conversation.messages.pageInfo.hasPreviousPage).toBe(true);
    const older = await t.gql(HISTORY, { id: conversationId, last: 3, before: latest.data.conversation.messages.pageInfo.startCursor }, customerToken);
    expect(older.data.conversation.messages.edges.map((e: any) => e.node.seq)).toEqual([total - 7, total - 6, total - 5]);
    const fwd = await t.gql(HISTORY, { id: conversationId, first: 2 }, customerToken);
    expect(fwd.data.conversation.messages.edges.map((e: any) => e.node.seq)).toEqual([1, 2]);
    const next = await t.gql(HISTORY, { id: conversationId, first: 2, after: fwd.data.conversation.messages.pageInfo.endCursor }, customerToken);
    expect(next.data.conversation.messages.edges.map((e: any) => e.node.seq)).toEqual([3, 4]);
  });

  it('rejects bad input with clear codes and writes nothing', async () => {
    const before = await messageCount();
    const empty = expectError(await t.gql(SEND, { input: { conversationId, body: '' } }, customerToken), 'BAD_USER_INPUT');
    expect(empty.message).toMatch(/body/);
    expectError(await t.gql(SEND, { input: { conversationId, body: '   \n ' } }, customerToken), 'BAD_USER_INPUT');
    const huge = expectError(await t.gql(SEND, { input: { conversationId, body: 'x'.repeat(10_001) } }, customerToken), 'BAD_USER_INPUT');
    expect(huge.message).toMatch(/body/);
    expectError(await t.gql(SEND, { input: { conversationId: 'not-a-uuid', body: 'hi' } }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(`query { conversation(id: "123") { id } }`, {}, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SEND, { input: { conversationId: '00000000-0000-4000-8000-000000000000', body: 'hi' } }, ws.token), 'NOT_FOUND');
    expectError(await t.gql(HISTORY, { id: conversationId, first: 1000 }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(HISTORY, { id: conversationId, first: 2, last: 2 }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(HISTORY, { id: conversationId, before: 'bogus' }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(`mutation { sendMessage(input: {conversationId: 5}) { id } }`, {}, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SEND, { input: { conversationId, body: 'hi' } }), 'UNAUTHENTICATED');
    expect(await messageCount()).toBe(before);
  });

  it('refuses request bodies over the size limit', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: JSON.stringify({ query: SEND, variables: { input: { conversationId, body: 'x'.repeat(2_000_000) } } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
