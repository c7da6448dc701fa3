import type { Client } from 'graphql-ws';
import { expectError, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';
import { parseHeadline } from './conversation-search.js';

const SEARCH = `query($filter: ConversationFilter, $first: Int, $after: String) {
  conversations(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id status contact { name email } } highlights { field text matches { start length } messageId messageSeq } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const START = `mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } customerToken } }`;
const SEND = `mutation($c: ID!, $body: String!) { sendMessage(input: {conversationId: $c, body: $body}) { id seq } }`;

type Chat = { id: string; customerToken: string };

describe('conversation search', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let other: Awaited<ReturnType<TestServer['createWorkspace']>>;
  const chats: Record<string, Chat> = {};

  const start = async (key: string, input: Record<string, unknown>): Promise<Chat> => {
    const res = await t.gql(START, { input: { widgetKey: key, ...input } });
    expect(res.errors).toBeUndefined();
    return { id: res.data.startConversation.conversation.id, customerToken: res.data.startConversation.customerToken };
  };
  const search = async (filter: Record<string, unknown>, token = ws.token, page: { first?: number; after?: string } = {}) => {
    const res = await t.gql(SEARCH, { filter, ...page }, token);
    expect(res.errors).toBeUndefined();
    return res.data.conversations;
  };
  const ids = async (filter: Record<string, unknown>, token = ws.token) => (await search(filter, token)).edges.map((e: any) => e.node.id);
  const marked = (h: { text: string; matches: { start: number; length: number }[] }) =>
    h.matches.map((m) => h.text.slice(m.start, m.start + m.length).toLowerCase());

  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace('Search Co');
    other = await t.createWorkspace('Other Co');
    chats.kettle = await start(ws.widgetKey, { name: 'Ann Archer', message: 'I want a refund for my broken kettle, it leaks.' });
    chats.parcel = await start(ws.widgetKey, { name: 'Bob Baker', email: 'bob@parcels.test', message: 'Where is my parcel?' });
    await t.gql(SEND, { c: chats.parcel.id, body: 'Your parcel ships tomorrow morning.' }, ws.token);
    chats.maria = await start(ws.widgetKey, { name: 'Maria Lopez', email: 'Maria.Lopez@example.com', message: 'Hello there' });
    chats.invoice = await start(ws.widgetKey, { name: 'Ivo', message: 'Something is off with my bill' });
    const ticket = await t.gql(
      `mutation($c: ID!) { createTicket(input: {subject: "Invoice correction for March", conversationId: $c}) { id } }`,
      { c: chats.invoice.id },
      ws.token,
    );
    expect(ticket.errors).toBeUndefined();
    // Several conversations about the same thing, for ranking and paging.
    chats.refundTwice = await start(ws.widgetKey, { name: 'Rae', message: 'Refund please. I was promised a refund last week and the refund never came.' });
    chats.refundName = await start(ws.widgetKey, { name: 'Refundo Ruiz', message: 'Hi' });
    // Another workspace says the same words: never part of this one's results.
    chats.foreign = await start(other.widgetKey, { name: 'Maria Lopez', message: 'refund my broken kettle' });
  });
  afterAll(() => t.close());

  it('finds conversations by message text, contact name or email, and ticket subject, with highlights; never another workspace’s', async () => {
    const kettle = await search({ search: 'kettle' });
    expect(kettle.edges.map((e: any) => e.node.id)).toEqual([chats.kettle!.id]);
    const [hit] = kettle.edges[0].highlights;
    expect(hit).toMatchObject({ field: 'MESSAGE', messageSeq: 1 });
    expect(hit.messageId).toBeTruthy();
    expect(hit.text).toContain('broken kettle');
    expect(marked(hit)).toEqual(['kettle']);

    // Words match as prefixes, in any case.
    expect(await ids({ search: 'PARC' })).toEqual([chats.parcel!.id]);
    const maria = await search({ search: 'mari' });
    expect(maria.edges.map((e: any) => e.node.id)).toEqual([chats.maria!.id]);
    expect(maria.edges[0].highlights[0]).toMatchObject({ field: 'CONTACT' });
    // 'mari' is a prefix of the name and of the whole email address.
    expect(marked(maria.edges[0].highlights[0])).toEqual(['maria', 'maria.lopez@example.com']);
    expect(await ids({ search: 'maria.lopez@example.com' })).toEqual([chats.maria!.id]);
    const invoice = await search({ search: 'invoice' });
    expect(invoice.edges.map((e: any) => e.node.id)).toEqual([chats.invoice!.id]);
    expect(invoice.edges[0].highlights).toEqual([
      { field: 'TICKET', text: 'Invoice correction for March', matches: [{ start: 0, length: 7 }], messageId: null, messageSeq: null },
    ]);

    // Web-search syntax: phrases, exclusions, or.
    expect(await ids({ search: '"broken kettle"' })).toEqual([chats.kettle!.id]);
    expect(await ids({ search: '"kettle broken"' })).toEqual([]);
    expect((await ids({ search: 'refund -kettle' })).sort()).toEqual([chats.refundTwice!.id, chats.refundName!.id].sort());
    expect((await ids({ search: 'kettle or parcel' })).sort()).toEqual([chats.kettle!.id, chats.parcel!.id].sort());
    // Nothing to search for once punctuation is dropped: nothing found, no error.
    expect(await ids({ search: '!!! ???' })).toEqual([]);
    expect(await ids({ search: "o'brien & |" })).toEqual([]);
    expect(await ids({ search: 'zebra' })).toEqual([]);

    // The other workspace sees its own conversation only.
    expect(await ids({ search: 'kettle' }, other.token)).toEqual([chats.foreign!.id]);
  });

  it('ranks a contact name above a mention, and more mentions above one; pages through every match once', async () => {
    const refund = await search({ search: 'refund' });
    const order = refund.edges.map((e: any) => e.node.id);
    expect(order).toEqual([chats.refundName!.id, chats.refundTwice!.id, chats.kettle!.id]);
    expect(refund.edges[0].highlights.map((h: any) => h.field)).toEqual(['CONTACT']);
    expect(refund.edges[1].highlights.map((h: any) => h.field)).toEqual(['MESSAGE']);
    expect(marked(refund.edges[1].highlights[0])).toEqual(['refund', 'refund', 'refund']);

    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await search({ search: 'refund' }, ws.token, { first: 1, after });
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(order);
  });

  it('combines search with the inbox filters, and filters by contact email and start time without it', async () => {
    await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: chats.kettle!.id }, ws.token);
    expect(await ids({ search: 'refund', status: 'RESOLVED' })).toEqual([chats.kettle!.id]);
    expect(await ids({ search: 'refund', status: 'OPEN' })).not.toContain(chats.kettle!.id);
    expect(await ids({ search: 'parcel', contactEmail: 'BOB@parcels.test' })).toEqual([chats.parcel!.id]);
    expect(await ids({ search: 'kettle', contactEmail: 'bob@parcels.test' })).toEqual([]);
    expect(await ids({ contactEmail: 'bob@PARCELS.test' })).toEqual([chats.parcel!.id]);
    // `%` and `_` mean themselves.
    expect(await ids({ contactEmail: 'b_b@parcels.test' })).toEqual([]);

    const [{ created_at: startedAt }] = await t.sql(`select created_at from conversation where id = ?`, [chats.maria!.id]);
    const at = new Date(startedAt);
    const later = await ids({ from: at.toISOString() });
    expect(later).toContain(chats.maria!.id);
    expect(later).not.toContain(chats.parcel!.id);
    const earlier = await ids({ to: at.toISOString() });
    expect(earlier).not.toContain(chats.maria!.id);
    expect(earlier).toContain(chats.parcel!.id);
    expect(await ids({ search: 'maria', to: at.toISOString() })).toEqual([]);
  });

  it('finds a message as soon as it is sent, and forgets an erased customer’s words', async () => {
    const sent = await t.gql(SEND, { c: chats.parcel!.id, body: 'The courier says: left with a neighbour.' }, chats.parcel!.customerToken);
    expect(sent.errors).toBeUndefined();
    const found = await search({ search: 'neighbour' });
    expect(found.edges.map((e: any) => e.node.id)).toEqual([chats.parcel!.id]);
    expect(found.edges[0].highlights[0]).toMatchObject({ field: 'MESSAGE', messageSeq: sent.data.sendMessage.seq });

    const [{ contact_id: contactId }] = await t.sql(`select contact_id from conversation where id = ?`, [chats.parcel!.id]);
    const erased = await t.gql(`mutation($id: ID!) { eraseContact(contactId: $id) }`, { id: contactId }, ws.token);
    expect(erased.errors).toBeUndefined();
    expect(await ids({ search: 'neighbour' })).toEqual([]);
    expect(await ids({ search: 'bob' })).toEqual([]);
    expect(await ids({ contactEmail: 'bob@parcels.test' })).toEqual([]);
    // The agent's own reply stays searchable.
    expect(await ids({ search: 'tomorrow' })).toEqual([chats.parcel!.id]);
  });

  it('refuses bad input with BAD_USER_INPUT and writes nothing', async () => {
    for (const filter of [
      { search: '' },
      { search: '   ' },
      { search: 'x'.repeat(201) },
      { contactEmail: 'not-an-email' },
      { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    ]) {
      expectError(await t.gql(SEARCH, { filter }, ws.token), 'BAD_USER_INPUT');
    }
    expectError(await t.gql(SEARCH, { filter: { search: 'refund' }, after: 'bm9wZQ' }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SEARCH, { filter: { search: 'refund' }, first: 101 }, ws.token), 'BAD_USER_INPUT');
    // A cursor of the unsearched list is not a search cursor.
    const plain = await search({});
    expectError(await t.gql(SEARCH, { filter: { search: 'refund' }, after: plain.pageInfo.endCursor }, ws.token), 'BAD_USER_INPUT');
  });

  it('holds over graphql-ws and for API keys with conversations:read only; customers cannot search', async () => {
    const scoped = await t.gql(`mutation { createApiKey(input: { name: "reader", scopes: [CONVERSATIONS_READ] }) { secret } }`, {}, ws.token);
    const unscoped = await t.gql(`mutation { createApiKey(input: { name: "kb", scopes: [KNOWLEDGE_READ] }) { secret } }`, {}, ws.token);
    const reader = scoped.data.createApiKey.secret;
    const kb = unscoped.data.createApiKey.secret;
    const httpResult = await search({ search: 'refund' });
    expect((await search({ search: 'refund' }, reader)).edges.map((e: any) => e.node.id)).toEqual(httpResult.edges.map((e: any) => e.node.id));
    expectError(await t.gql(SEARCH, { filter: { search: 'refund' } }, kb), 'FORBIDDEN');
    expectError(await t.gql(SEARCH, { filter: { search: 'refund' } }, chats.kettle!.customerToken), 'FORBIDDEN');
    expectError(await t.gql(SEARCH, { filter: { search: 'refund' } }), 'UNAUTHENTICATED');

    const run = (client: Client, variables: Record<string, unknown>) =>
      new Promise<any>((resolve) =>
        client.subscribe({ query: SEARCH, variables }, { next: resolve, error: (e) => resolve({ errors: Array.isArray(e) ? e : [e] }), complete: () => {} }),
      );
    const sockets = [wsClient(t.wsUrl, ws.token), wsClient(t.wsUrl, reader), wsClient(t.wsUrl, kb), wsClient(t.wsUrl, chats.kettle!.customerToken)];
    try {
      for (const socket of sockets.slice(0, 2)) {
        const res = await run(socket, { filter: { search: 'refund' } });
        expect(res.errors).toBeUndefined();
        expect(res.data.conversations).toEqual(httpResult);
      }
      for (const socket of sockets.slice(2)) {
        const res = await run(socket, { filter: { search: 'refund' } });
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const bad = await run(sockets[0]!, { filter: { search: ' ' } });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await Promise.all(sockets.map((s) => s.dispose()));
    }
  });

  it('turns marked excerpts into plain text and ranges', () => {
    expect(parseHeadline('  a \u0002refund\u0003 for \u0002kettle\u0003s')).toEqual({
      text: 'a refund for kettles',
      matches: [
        { start: 2, length: 6 },
        { start: 13, length: 6 },
      ],
    });
    expect(parseHeadline('no marks')).toEqual({ text: 'no marks', matches: [] });
  });
});
