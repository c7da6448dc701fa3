import { expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id subject status priority resolvedAt requester { name } conversation { id } assignee { id } } }`;
const UPDATE = `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { id status resolvedAt priority assignee { id } } }`;

describe('tickets', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace();
  });
  afterAll(() => t.close());

  it('creates a ticket from a conversation, resolves it and lists it', async () => {
    const start = await t.gql(
      `mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Hana", message: "My invoice is wrong"}) { conversation { id } } }`,
      { k: ws.widgetKey },
    );
    const conversationId = start.data.startConversation.conversation.id;
    const created = await t.gql(CREATE, { input: { conversationId, priority: 'HIGH', assigneeId: ws.userId } }, ws.token);
    expect(created.errors).toBeUndefined();
    expect(created.data.createTicket).toMatchObject({
      subject: 'My invoice is wrong',
      status: 'OPEN',
      priority: 'HIGH',
      requester: { name: 'Hana' },
      conversation: { id: conversationId },
      assignee: { id: ws.userId },
    });

    const id = created.data.createTicket.id;
    const resolved = await t.gql(UPDATE, { input: { id, status: 'RESOLVED' } }, ws.token);
    expect(resolved.data.updateTicket.resolvedAt).not.toBeNull();
    const reopened = await t.gql(UPDATE, { input: { id, status: 'OPEN', assigneeId: null } }, ws.token);
    expect(reopened.data.updateTicket).toMatchObject({ resolvedAt: null, assignee: null });

    const list = await t.gql(`{ tickets(first: 10, filter: {status: OPEN}) { edges { node { id } } pageInfo { hasNextPage } } }`, {}, ws.token);
    expect(list.data.tickets.edges.map((e: any) => e.node.id)).toContain(id);
  });

  it('validates and isolates tickets', async () => {
    expectError(await t.gql(CREATE, { input: {} }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(CREATE, { input: { subject: 'x', assigneeId: '00000000-0000-4000-8000-000000000000' } }, ws.token), 'NOT_FOUND');
    const other = await t.createWorkspace();
    const mine = await t.gql(CREATE, { input: { subject: 'Private' } }, ws.token);
    expectError(await t.gql(`query($id: ID!) { ticket(id: $id) { id } }`, { id: mine.data.createTicket.id }, other.token), 'NOT_FOUND');
    expectError(await t.gql(UPDATE, { input: { id: mine.data.createTicket.id, status: 'CLOSED' } }, other.token), 'NOT_FOUND');
    const count = await t.sql("select count(*)::int as n from ticket where status = 'CLOSED'");
    expect(count[0].n).toBe(0);
  });
});
