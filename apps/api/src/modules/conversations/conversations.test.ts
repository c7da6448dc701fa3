import { expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

const START = `mutation($input: StartConversationInput!) {
  startConversation(input: $input) { customerToken conversation { id status mode lastSeq contact { name email } } }
}`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq body authorType createdAt conversationId } }`;
const LIST = `query($first: Int, $after: String, $filter: ConversationFilter) {
  conversations(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id status mode lastMessageAt contact { id name email } assignee { id name } lastMessage { id seq body authorType } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const GET = `query($id: ID!) { conversation(id: $id) { id status mode firstResponseAt resolvedAt csatScore assignee { id } messages { edges { node { seq body authorType } } pageInfo { hasPreviousPage } } } }`;

describe('conversations', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let other: Awaited<ReturnType<TestServer['createWorkspace']>>;

  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace('Acme');
    other = await t.createWorkspace('Globex');
  });
  afterAll(() => t.close());

  const start = async (widgetKey: string, message?: string, name = 'Carla') => {
    const res = await t.gql(START, { input: { widgetKey, name, email: `${name.toLowerCase()}@example.com`, message } });
    expect(res.errors).toBeUndefined();
    return res.data.startConversation as { customerToken: string; conversation: { id: string } };
  };

  it('runs the customer → agent flow and records firstResponseAt', async () => {
    const { customerToken, conversation } = await start(ws.widgetKey, 'Where is my parcel?');
    const sent = await t.gql(SEND, { input: { conversationId: conversation.id, body: 'Order 1234', clientMessageId: 'c-1' } }, customerToken);
    expect(sent.data.sendMessage).toMatchObject({ seq: 2, authorType: 'CUSTOMER', body: 'Order 1234' });

    const list = await t.gql(LIST, { first: 10 }, ws.token);
    const node = list.data.conversations.edges.find((e: any) => e.node.id === conversation.id).node;
    expect(node).toMatchObject({ status: 'OPEN', mode: 'AI', contact: { name: 'Carla' }, lastMessage: { seq: 2, body: 'Order 1234' } });

    const assigned = await t.gql(
      `mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { assignee { id } } }`,
      { id: conversation.id, u: ws.userId },
      ws.token,
    );
    expect(assigned.data.assignConversation.assignee.id).toBe(ws.userId);
    const mine = await t.gql(LIST, { filter: { assigneeId: ws.userId } }, ws.token);
    expect(mine.data.conversations.edges.map((e: any) => e.node.id)).toEqual([conversation.id]);

    const before = await t.gql(GET, { id: conversation.id }, ws.token);
    expect(before.data.conversation.firstResponseAt).toBeNull();
    const reply = await t.gql(SEND, { input: { conversationId: conversation.id, body: 'It ships today.' } }, ws.token);
    expect(reply.data.sendMessage).toMatchObject({ seq: 3, authorType: 'AGENT' });

    const after = await t.gql(GET, { id: conversation.id }, customerToken);
    expect(after.data.conversation.firstResponseAt).toBe(reply.data.sendMessage.createdAt);
    expect(after.data.conversation.mode).toBe('HUMAN');
    expect(after.data.conversation.messages.edges.map((e: any) => e.node.seq)).toEqual([1, 2, 3]);

    const resolved = await t.gql(
      `mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { status resolvedAt } }`,
      { id: conversation.id },
      ws.token,
    );
    expect(resolved.data.setConversationStatus.status).toBe('RESOLVED');
    expect(resolved.data.setConversationStatus.resolvedAt).not.toBeNull();
    const rated = await t.gql(
      `mutation($id: ID!) { rateConversation(id: $id, score: 5, comment: "great") { csatScore } }`,
      { id: conversation.id },
      customerToken,
    );
    expect(rated.data.rateConversation.csatScore).toBe(5);
    expectError(
      await t.gql(`mutation($id: ID!) { rateConversation(id: $id, score: 6) { csatScore } }`, { id: conversation.id }, customerToken),
      'BAD_USER_INPUT',
    );

    // A customer message reopens a resolved conversation.
    await t.gql(SEND, { input: { conversationId: conversation.id, body: 'One more thing' } }, customerToken);
    const reopened = await t.gql(GET, { id: conversation.id }, ws.token);
    expect(reopened.data.conversation).toMatchObject({ status: 'OPEN', resolvedAt: null });

    // Audit trail of the staff actions.
    const actions = (await t.sql('select action from audit_log where target_id = ? order by created_at', [conversation.id])).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['conversation.assigned', 'conversation.resolved']));
  });

  it('keeps customers to their own conversation and tenants apart', async () => {
    const a = await start(ws.widgetKey, 'first', 'Dana');
    const b = await start(ws.widgetKey, 'second', 'Eli');
    // Another customer's conversation: FORBIDDEN, and nothing written.
    expectError(await t.gql(GET, { id: b.conversation.id }, a.customerToken), 'FORBIDDEN');
    expectError(await t.gql(SEND, { input: { conversationId: b.conversation.id, body: 'hi' } }, a.customerToken), 'FORBIDDEN');
    expect((await t.sql('select count(*)::int as n from message where conversation_id = ?', [b.conversation.id]))[0].n).toBe(1);
    // Customers cannot list the inbox.
    expectError(await t.gql(LIST, {}, a.customerToken), 'FORBIDDEN');

    // An agent of another workspace cannot see it at all.
    expectError(await t.gql(GET, { id: a.conversation.id }, other.token), 'NOT_FOUND');
    expectError(await t.gql(SEND, { input: { conversationId: a.conversation.id, body: 'x' } }, other.token), 'NOT_FOUND');
    expectError(
      await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: a.conversation.id, u: other.userId }, other.token),
      'NOT_FOUND',
    );
    const otherList = await t.gql(LIST, { first: 100 }, other.token);
    expect(otherList.data.conversations.edges).toEqual([]);
    // …nor assign its own users to this workspace's conversations.
    expectError(
      await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: a.conversation.id, u: other.userId }, ws.token),
      'NOT_FOUND',
    );

    expectError(await t.gql(START, { input: { widgetKey: 'wk_does-not-exist' } }), 'NOT_FOUND');
    // The widget checks its key before the customer writes anything.
    const W = `query($k: String!) { widget(widgetKey: $k) { workspaceName } }`;
    expect((await t.gql(W, { k: ws.widgetKey })).data.widget).toEqual({ workspaceName: 'Acme' });
    expectError(await t.gql(W, { k: 'wk_does-not-exist' }), 'NOT_FOUND');
    expectError(await t.gql(W, { k: 'x' }), 'BAD_USER_INPUT');
  });

  it('lets the customer end the chat: resolved, and reopened by their next message; their own conversation only, customers only', async () => {
    const a = await start(ws.widgetKey, 'I am done, thanks', 'Fay');
    const b = await start(ws.widgetKey, 'not mine', 'Gil');
    const END = `mutation($id: ID!) { endConversation(id: $id) { id status resolvedAt } }`;
    expectError(await t.gql(END, { id: b.conversation.id }, a.customerToken), 'FORBIDDEN');
    expectError(await t.gql(END, { id: a.conversation.id }, ws.token), 'FORBIDDEN');
    const ended = await t.gql(END, { id: a.conversation.id }, a.customerToken);
    expect(ended.data.endConversation).toMatchObject({ status: 'RESOLVED', resolvedAt: expect.any(String) });
    expect((await t.gql(GET, { id: b.conversation.id }, b.customerToken)).data.conversation.status).toBe('OPEN');
    // Customers see who is helping them by name only, never a colleague's account.
    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: b.conversation.id, u: ws.userId }, ws.token);
    const seen = `query($id: ID!) { conversation(id: $id) { assigneeName assignee { id email role } } }`;
    expect((await t.gql(seen, { id: b.conversation.id }, b.customerToken)).data.conversation).toEqual({ assigneeName: 'Admin', assignee: null });
    expect((await t.gql(seen, { id: b.conversation.id }, ws.token)).data.conversation).toMatchObject({
      assigneeName: 'Admin',
      assignee: { id: ws.userId, role: 'ADMIN' },
    });
    await t.gql(SEND, { input: { conversationId: a.conversation.id, body: 'one more thing' } }, a.customerToken);
    expect((await t.gql(`query($id: ID!) { conversation(id: $id) { status } }`, { id: a.conversation.id }, ws.token)).data.conversation.status).toBe('OPEN');
  });

  it('counts the inbox filters for the whole workspace', async () => {
    const counts = async (token = ws.token) => (await t.gql(`{ inboxCounts { open mine unassigned ai handedOff resolved } }`, {}, token)).data.inboxCounts;
    const before = await counts();
    const a = await start(ws.widgetKey, 'counting one', 'Fay');
    const b = await start(ws.widgetKey, 'counting two', 'Gus');
    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: a.conversation.id, u: ws.userId }, ws.token);
    await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: b.conversation.id }, ws.token);
    const after = await counts();
    // a: open and mine; b: resolved.
    expect(after.open - before.open).toBe(1);
    expect(after.mine - before.mine).toBe(1);
    expect(after.resolved - before.resolved).toBe(1);
    expect(after.unassigned + after.mine).toBeLessThanOrEqual(after.open);
    expect(after.ai + after.handedOff).toBe(after.open);
    // The same numbers as listing everything and counting by hand.
    const all = (await t.gql(`{ conversations(first: 100) { edges { node { status mode assignee { id } } } } }`, {}, ws.token)).data.conversations.edges.map(
      (e: any) => e.node,
    );
    const open = all.filter((c: any) => c.status !== 'RESOLVED');
    expect(after).toEqual({
      open: open.length,
      mine: open.filter((c: any) => c.assignee?.id === ws.userId).length,
      unassigned: open.filter((c: any) => !c.assignee).length,
      ai: open.filter((c: any) => c.mode === 'AI').length,
      handedOff: open.filter((c: any) => c.mode === 'HUMAN').length,
      resolved: all.length - open.length,
    });
    expect(await counts(other.token)).toEqual({ open: 0, mine: 0, unassigned: 0, ai: 0, handedOff: 0, resolved: 0 });
    expectError(await t.gql(`{ inboxCounts { open } }`, {}, a.customerToken), 'FORBIDDEN');
  });

  it('hands off to a human with a SYSTEM note', async () => {
    const { customerToken, conversation } = await start(ws.widgetKey, 'I want a person', 'Finn');
    const res = await t.gql(`mutation($id: ID!) { handOffToHuman(id: $id) { mode handoffReason lastSeq } }`, { id: conversation.id }, customerToken);
    expect(res.data.handOffToHuman).toEqual({ mode: 'HUMAN', handoffReason: 'customer_request', lastSeq: 2 });
    const msgs = await t.gql(GET, { id: conversation.id }, customerToken);
    expect(msgs.data.conversation.messages.edges[1].node.authorType).toBe('SYSTEM');
    expectError(await t.gql(`mutation($id: ID!) { handOffToHuman(id: $id) { mode } }`, { id: conversation.id }, customerToken), 'CONFLICT');
  });

  it('pages the inbox with Relay cursors and enforces the maximum page size', async () => {
    const fresh = await t.createWorkspace('Pager');
    for (let i = 0; i < 7; i++) await start(fresh.widgetKey, `hello ${i}`, `P${i}`);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await t.gql(LIST, { first: 3, after }, fresh.token);
      seen.push(...page.data.conversations.edges.map((e: any) => e.node.id));
      if (!page.data.conversations.pageInfo.hasNextPage) break;
      after = page.data.conversations.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    // An explicit null filter means no filter.
    expect((await t.gql(LIST, { first: 100, filter: null }, fresh.token)).data.conversations.edges).toHaveLength(7);
    expect(
      (await t.gql(`{ tickets(filter: null) { edges { node { id } } } faqs(filter: null) { edges { node { id } } } }`, {}, fresh.token)).errors,
    ).toBeUndefined();
    expectError(await t.gql(LIST, { first: 101 }, fresh.token), 'BAD_USER_INPUT');
    expectError(await t.gql(LIST, { first: 0 }, fresh.token), 'BAD_USER_INPUT');
    expectError(await t.gql(LIST, { after: 'garbage!' }, fresh.token), 'BAD_USER_INPUT');
  });

  it('lists conversations with a constant number of SQL statements (no N+1)', async () => {
    const big = await t.createWorkspace('Busy');
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "n1-agent@example.com", name: "Agent"}) { user { id } inviteToken } }`, {}, big.token);
    await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "password123"}) { accessToken } }`, {
      t: invite.data.inviteAgent.inviteToken,
    });
    const agents = [big.userId, invite.data.inviteAgent.user.id];
    for (let i = 0; i < 50; i++) {
      const { conversation } = await start(big.widgetKey, `question ${i}`, `N${i}`);
      if (i % 3 !== 0) {
        await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: conversation.id, u: agents[i % 2] }, big.token);
      }
    }
    const count = async (first: number) => {
      const before = t.queries.count;
      const res = await t.gql(LIST, { first }, big.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.conversations.edges).toHaveLength(first);
      expect(res.data.conversations.edges.every((e: any) => e.node.lastMessage && e.node.contact)).toBe(true);
      return t.queries.count - before;
    };
    const small = await count(5);
    const large = await count(50);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(5);
  });
});
