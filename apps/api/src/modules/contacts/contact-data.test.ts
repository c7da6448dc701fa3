import { collect, expectError, startTestServer, subscriptionCounter, wsClient, type TestServer } from '../../../test/testkit.js';

describe('data rights and audit log', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace('Rights');
  });
  afterAll(() => t.close());

  const totals = async () =>
    (
      await t.gql(
        `query($from: DateTimeISO!, $to: DateTimeISO!) { analytics(range: {from: $from, to: $to}) { conversationsCreated resolutionRate csat { score ratings } messagesByAuthorType { label count } firstResponseTime { medianSeconds } } }`,
        { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000) },
        ws.token,
      )
    ).data.analytics;

  it('exports everything about a contact, then erases their personal data and keeps the metrics', async () => {
    const start = await t.gql(
      `mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Greta Gray", email: "greta@example.com", message: "My card 4111 was charged twice"}) { customerToken conversation { id contact { id } } } }`,
      { k: ws.widgetKey },
    );
    const { id, contact } = start.data.startConversation.conversation;
    await t.gql(`mutation($id: ID!) { sendMessage(input: {conversationId: $id, body: "We refunded it."}) { seq } }`, { id }, ws.token);
    await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id }, ws.token);
    await t.gql(
      `mutation($id: ID!) { rateConversation(id: $id, score: 5, comment: "Thanks Greta here") { id } }`,
      { id },
      start.data.startConversation.customerToken,
    );
    await t.gql(
      `mutation($id: ID!) { createTicket(input: {conversationId: $id, description: "greta@example.com asked for a receipt"}) { id } }`,
      { id },
      ws.token,
    );

    const exported = await t.gql(`mutation($c: ID!) { exportContactData(contactId: $c) }`, { c: contact.id }, ws.token);
    const data = exported.data.exportContactData;
    expect(data.contact).toMatchObject({ name: 'Greta Gray', email: 'greta@example.com' });
    expect(data.conversations[0].messages.map((m: any) => m.body)).toEqual(['My card 4111 was charged twice', 'We refunded it.']);
    expect(data.conversations[0].csatComment).toBe('Thanks Greta here');
    expect(data.tickets).toHaveLength(1);

    const before = await totals();
    const started = await subscriptionCounter(t.url);
    const client = wsClient(t.wsUrl, ws.token);
    const inbox = collect(client, `subscription { inboxEvents { ... on ConversationUpdated { change conversation { id contact { name email } } } } }`);
    await started.until({ inboxEvents: 1 });
    expect((await t.gql(`mutation($c: ID!) { eraseContact(contactId: $c) }`, { c: contact.id }, ws.token)).data.eraseContact).toBe(true);
    // Consoles that show the conversation hear about it and re-read an anonymous contact.
    const [event] = await inbox.until((ev) => ev.some((e) => e.conversation?.id === id));
    expect(event).toEqual({ change: 'erased', conversation: { id, contact: { name: null, email: null } } });
    inbox.dispose();
    await client.dispose();

    // No personal field of the contact remains anywhere in the database.
    const contactRow = await t.sql('select name, email from contact where id = ?', [contact.id]);
    expect(contactRow[0]).toEqual({ name: null, email: null });
    const leaks = await t.sql(
      `select 'message' as t from message where body like '%4111%' or body like '%Greta%'
       union all select 'conversation' from conversation where csat_comment is not null and id = ?
       union all select 'ticket' from ticket where description like '%greta%'
       union all select 'contact' from contact where email = 'greta@example.com' or name like '%Greta%'`,
      [id],
    );
    expect(leaks).toEqual([]);
    // The agent's reply and every metric are unchanged.
    expect((await t.sql('select body from message where conversation_id = ? order by seq', [id])).map((r) => r.body)).toEqual(['[erased]', 'We refunded it.']);
    expect(await totals()).toEqual(before);
    expectError(await t.gql(`mutation { eraseContact(contactId: "00000000-0000-4000-8000-000000000000") }`, {}, ws.token), 'NOT_FOUND');
  });

  it('lists the audit log for admins with filters and pagination', async () => {
    const page = await t.gql(
      `{ auditLog(first: 2, filter: {action: "contact."}) { edges { node { action actorType actorId targetType } } pageInfo { hasNextPage endCursor } } }`,
      {},
      ws.token,
    );
    expect(page.data.auditLog.edges.map((e: any) => e.node.action)).toEqual(['contact.erase', 'contact.export']);
    expect(page.data.auditLog.edges[0].node).toMatchObject({ actorType: 'USER', actorId: ws.userId, targetType: 'Contact' });
    const next = await t.gql(
      `query($after: String) { auditLog(first: 2, after: $after, filter: {action: "contact."}) { edges { node { action } } pageInfo { hasNextPage } } }`,
      { after: page.data.auditLog.pageInfo.endCursor },
      ws.token,
    );
    expect(next.data.auditLog.edges).toEqual([]);
    expect(next.data.auditLog.pageInfo.hasNextPage).toBe(false);

    // Actors are named: the staff member, and an API key by its name (one query each for the whole page).
    const key = await t.gql(`mutation { createApiKey(input: {name: "Partner BI", scopes: [ANALYTICS_READ]}) { secret } }`, {}, ws.token);
    const exported = await t.gql(
      `mutation { exportConversations(range: {from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z"}) { url } }`,
      {},
      key.data.createApiKey.secret,
    );
    expect(exported.errors).toBeUndefined();
    t.queries.count = 0;
    const named = await t.gql(`{ auditLog(first: 50) { edges { node { action actorType actorName } } } }`, {}, ws.token);
    const actors = new Map(named.data.auditLog.edges.map((e: any) => [e.node.actorType, e.node.actorName]));
    expect(actors.get('USER')).toBe('Admin');
    expect(actors.get('API_KEY')).toBe('Partner BI');
    expect(t.queries.count).toBeLessThanOrEqual(4);
    const other = await t.createWorkspace('Nosy');
    expect((await t.gql(`{ auditLog { edges { node { action } } } }`, {}, other.token)).data.auditLog.edges).toEqual([]);
  });
});
