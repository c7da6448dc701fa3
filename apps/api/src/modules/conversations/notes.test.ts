import type { Client } from 'graphql-ws';
import { collect, eventually, expectError, startTestServer, wsClient, type Collector, type TestServer } from '../../../test/testkit.js';
import { findMentions } from './mentions.js';

const NOTE = `mutation($input: SendMessageInput!) { addNote(input: $input) { id seq kind body authorType mentions { id name } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq kind } }`;
const EVENTS = `subscription($id: ID!, $after: Int) {
  conversationEvents(conversationId: $id, afterSeq: $after) {
    __typename
    ... on MessageAdded { message { seq kind body } }
  }
}`;
const HISTORY = `query($id: ID!) { conversation(id: $id) { lastSeq mode assignee { id } lastMessage { seq body } messages { edges { node { seq kind body } } } } }`;
const NOTIFICATIONS = `subscription { notifications { kind text conversation { id } } }`;
const SECRET = 'the customer was rude on the phone';

const seqsOf = (events: any[]) => events.filter((e) => e.__typename === 'MessageAdded').map((e) => e.message.seq);

describe('private notes and @mentions', () => {
  let t: TestServer;
  let admin: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let other: Awaited<ReturnType<TestServer['createWorkspace']>>;
  const agents: Record<string, { id: string; token: string }> = {};
  const sockets: Client[] = [];
  const socket = (token: string) => {
    const s = wsClient(t.wsUrl, token);
    sockets.push(s);
    return s;
  };

  const invite = async (name: string, email: string) => {
    const invited = await t.gql(
      `mutation($e: String!, $n: String!) { inviteAgent(input: {email: $e, name: $n, role: AGENT}) { inviteToken user { id } } }`,
      { e: email, n: name },
      admin.token,
    );
    const accepted = await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "agent-password"}) { accessToken } }`, {
      t: invited.data.inviteAgent.inviteToken,
    });
    return { id: invited.data.inviteAgent.user.id as string, token: accepted.data.acceptInvite.accessToken as string };
  };
  const start = async (key = admin.widgetKey) => {
    const res = await t.gql(
      `mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Nia", message: "Where is my refund?"}) { customerToken conversation { id } } }`,
      { k: key },
    );
    return { id: res.data.startConversation.conversation.id as string, token: res.data.startConversation.customerToken as string };
  };
  // A subscription is live once an event published after it was set up arrives.
  const live = async (feed: Collector<any>, poke: () => Promise<unknown>, seen: (events: any[]) => boolean) => {
    await eventually(
      async () => {
        await poke();
        return seen(feed.events);
      },
      15_000,
      'the subscription',
    );
  };

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.createWorkspace('Notes Co');
    other = await t.createWorkspace('Elsewhere');
    agents.ann = await invite('Ann Lee', 'ann@notes.test');
    agents.annika = await invite('Ann', 'annika@notes.test');
    agents.bo = await invite('Bo Ray', 'bo@notes.test');
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t.close();
  });

  it('keeps notes from the customer on every path, while staff see them in the timeline', async () => {
    const chat = await start();
    const customerFeed = collect(socket(chat.token), EVENTS, { id: chat.id, after: 0 });
    const staffFeed = collect(socket(agents.bo!.token), EVENTS, { id: chat.id, after: 0 });
    await customerFeed.until((ev) => seqsOf(ev).includes(1));
    await staffFeed.until((ev) => seqsOf(ev).includes(1));

    const note = await t.gql(NOTE, { input: { conversationId: chat.id, body: `Heads up: ${SECRET}.` } }, agents.ann!.token);
    expect(note.errors).toBeUndefined();
    expect(note.data.addNote).toMatchObject({ seq: 2, kind: 'NOTE', authorType: 'AGENT', mentions: [] });
    // A note is no reply: the assistant keeps the conversation, nobody is assigned, no first response.
    const [facts] = await t.sql(`select mode, assignee_id, first_response_at, had_agent_reply, last_seq from conversation where id = ?`, [chat.id]);
    expect(facts).toMatchObject({ mode: 'AI', assignee_id: null, first_response_at: null, had_agent_reply: false, last_seq: 2 });

    const reply = await t.gql(SEND, { input: { conversationId: chat.id, body: 'Your refund is on its way.' } }, agents.ann!.token);
    expect(reply.data.sendMessage).toMatchObject({ seq: 3, kind: 'MESSAGE' });
    await staffFeed.until((ev) => seqsOf(ev).includes(3));
    expect(staffFeed.events.filter((e) => e.__typename === 'MessageAdded').map((e) => [e.message.seq, e.message.kind])).toEqual([
      [1, 'MESSAGE'],
      [2, 'NOTE'],
      [3, 'MESSAGE'],
    ]);
    await customerFeed.until((ev) => seqsOf(ev).includes(3));
    expect(seqsOf(customerFeed.events)).toEqual([1, 3]);
    expect(JSON.stringify(customerFeed.events)).not.toContain(SECRET);

    // Over HTTP, the customer's history and last message skip it; staff see it.
    const mine = await t.gql(HISTORY, { id: chat.id }, chat.token);
    expect(mine.data.conversation.messages.edges.map((e: any) => e.node.seq)).toEqual([1, 3]);
    expect(mine.data.conversation.lastMessage.seq).toBe(3);
    expect(JSON.stringify(mine.data)).not.toContain(SECRET);
    const theirs = await t.gql(HISTORY, { id: chat.id }, agents.bo!.token);
    expect(theirs.data.conversation.messages.edges.map((e: any) => [e.node.seq, e.node.kind])).toEqual([
      [1, 'MESSAGE'],
      [2, 'NOTE'],
      [3, 'MESSAGE'],
    ]);

    // Resuming across the note: the customer gets what follows, and a note as the newest entry is skipped too.
    await t.gql(NOTE, { input: { conversationId: chat.id, body: `Another internal remark: ${SECRET}` } }, agents.ann!.token);
    // Customer seqs so far 1, 3; the loop's own messages are 5, 6, 7.
    const customerSeqs = [1, 3, 5, 6, 7];
    for (const after of [0, 1, 2]) {
      const resumed = collect(socket(chat.token), EVENTS, { id: chat.id, after });
      await resumed.until((ev) => seqsOf(ev).length === customerSeqs.filter((s) => s > after && s < 5 + after).length);
      await t.gql(SEND, { input: { conversationId: chat.id, body: `Still there? ${after}` } }, chat.token);
      await resumed.until((ev) => seqsOf(ev).includes(5 + after));
      expect(seqsOf(resumed.events)).toEqual(customerSeqs.filter((s) => s > after && s <= 5 + after));
      expect(JSON.stringify(resumed.events)).not.toContain(SECRET);
      resumed.dispose();
    }
    // The customer's data export (given to the customer) leaves notes out.
    const [{ contact_id: contactId }] = await t.sql(`select contact_id from conversation where id = ?`, [chat.id]);
    const exported = await t.gql(`mutation($id: ID!) { exportContactData(contactId: $id) }`, { id: contactId }, admin.token);
    expect(exported.errors).toBeUndefined();
    expect(JSON.stringify(exported.data)).toContain('Your refund is on its way.');
    expect(JSON.stringify(exported.data)).not.toContain(SECRET);
  });

  it('notifies exactly the colleagues a note mentions, by name or email local part', async () => {
    const chat = await start();
    const feeds = Object.fromEntries(Object.entries(agents).map(([k, a]) => [k, collect(socket(a.token), NOTIFICATIONS)]));
    const adminFeed = collect(socket(admin.token), NOTIFICATIONS);
    // Live once an assignment made now is notified.
    for (const [k, a] of Object.entries(agents)) {
      await live(
        feeds[k]!,
        () => t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: chat.id, u: a.id }, admin.token),
        (ev) => ev.some((e) => e.kind === 'ASSIGNED'),
      );
    }
    const before = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, f.events.length]));

    const note = await t.gql(NOTE, { input: { conversationId: chat.id, body: 'Can you check this, @Ann Lee? cc @bo.' } }, admin.token);
    expect(note.errors).toBeUndefined();
    expect(note.data.addNote.mentions.map((u: any) => u.name).sort()).toEqual(['Ann Lee', 'Bo Ray']);
    await feeds.ann!.until((ev) => ev.some((e) => e.kind === 'MENTIONED'));
    await feeds.bo!.until((ev) => ev.some((e) => e.kind === 'MENTIONED'));
    const mention = feeds.ann!.events.find((e) => e.kind === 'MENTIONED');
    expect(mention).toEqual({ kind: 'MENTIONED', text: 'Admin mentioned you in a note: Can you check this, @Ann Lee? cc @bo.', conversation: { id: chat.id } });

    // "@Ann" alone is the other Ann (a name wins over Ann Lee's email local part); mentioning yourself notifies nobody.
    const second = await t.gql(NOTE, { input: { conversationId: chat.id, body: '@ann please take over. @Ann Lee stays on it.' } }, agents.ann!.token);
    expect(second.data.addNote.mentions.map((u: any) => u.name).sort()).toEqual(['Ann', 'Ann Lee']);
    await feeds.annika!.until((ev) => ev.some((e) => e.kind === 'MENTIONED'));
    // A later assignment, notified to Bo only after everything before it.
    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: chat.id, u: agents.bo!.id }, admin.token);
    await feeds.bo!.until((ev) => ev.filter((e) => e.kind === 'ASSIGNED').length >= 2);
    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: chat.id, u: agents.ann!.id }, admin.token);
    await feeds.ann!.until((ev) => ev.filter((e) => e.kind === 'ASSIGNED').length >= 2);
    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: chat.id, u: agents.annika!.id }, admin.token);
    await feeds.annika!.until((ev) => ev.filter((e) => e.kind === 'ASSIGNED').length >= 2);
    const mentions = (k: string) => feeds[k]!.events.slice(before[k]).filter((e) => e.kind === 'MENTIONED').length;
    expect({ ann: mentions('ann'), annika: mentions('annika'), bo: mentions('bo') }).toEqual({ ann: 1, annika: 1, bo: 1 });
    expect(adminFeed.events.filter((e) => e.kind === 'MENTIONED')).toEqual([]);
    // An email address in a note mentions nobody.
    const email = await t.gql(NOTE, { input: { conversationId: chat.id, body: 'Customer wrote from nia@bo.example' } }, admin.token);
    expect(email.data.addNote.mentions).toEqual([]);
  });

  it('is for staff only, over HTTP and graphql-ws; bad input writes nothing', async () => {
    const chat = await start();
    const foreign = await start(other.widgetKey);
    const key = await t.gql(`mutation { createApiKey(input: { name: "reader", scopes: [CONVERSATIONS_READ] }) { secret } }`, {}, admin.token);
    const input = { conversationId: chat.id, body: 'internal' };
    expectError(await t.gql(NOTE, { input }, chat.token), 'FORBIDDEN');
    expectError(await t.gql(NOTE, { input }, key.data.createApiKey.secret), 'FORBIDDEN');
    expectError(await t.gql(NOTE, { input }), 'UNAUTHENTICATED');
    expectError(await t.gql(NOTE, { input: { conversationId: chat.id, body: '   ' } }, admin.token), 'BAD_USER_INPUT');
    expectError(await t.gql(NOTE, { input: { conversationId: chat.id, body: 'x'.repeat(10_001) } }, admin.token), 'BAD_USER_INPUT');
    expectError(await t.gql(NOTE, { input: { conversationId: foreign.id, body: 'not yours' } }, admin.token), 'NOT_FOUND');
    const run = (client: Client, variables: Record<string, unknown>) =>
      new Promise<any>((resolve) =>
        client.subscribe({ query: NOTE, variables }, { next: resolve, error: (e) => resolve({ errors: Array.isArray(e) ? e : [e] }), complete: () => {} }),
      );
    expect((await run(socket(chat.token), { input })).errors[0].extensions.code).toBe('FORBIDDEN');
    const overWs = await run(socket(agents.bo!.token), { input: { ...input, clientMessageId: 'note-1' } });
    expect(overWs.data.addNote).toMatchObject({ seq: 2, kind: 'NOTE' });
    // Retried, the same note; a customer cannot reuse its client id to read it.
    expect((await t.gql(NOTE, { input: { ...input, clientMessageId: 'note-1' } }, agents.bo!.token)).data.addNote.id).toBe(overWs.data.addNote.id);
    expectError(await t.gql(SEND, { input: { conversationId: chat.id, body: 'hi', clientMessageId: 'note-1' } }, chat.token), 'CONFLICT');
    expectError(await t.gql(NOTE, { input: { ...input, clientMessageId: 'note-1' } }, agents.ann!.token), 'CONFLICT');
    const [{ n }] = await t.sql(`select count(*)::int as n from message where conversation_id = ?`, [chat.id]);
    expect(n).toBe(2);
    expect((await t.sql(`select count(*)::int as n from message where conversation_id = ?`, [foreign.id]))[0].n).toBe(1);
  });

  it('finds mentions by the longest name, and not inside words or addresses', () => {
    const team = [
      { id: 'a', name: 'Ann', email: 'ann@x.test' },
      { id: 'b', name: 'Ann Lee', email: 'alee@x.test' },
      { id: 'c', name: 'Bo', email: 'bo@x.test' },
    ];
    const ids = (body: string) => findMentions(body, team).map((u) => u.id);
    expect(ids('@Ann Lee, look')).toEqual(['b']);
    expect(ids('@ann: look')).toEqual(['a']);
    // An email local part mentions too, unless a name of the same length takes it.
    expect(ids('@alee')).toEqual(['b']);
    expect(
      findMentions('@ann', [
        { id: 'x', name: 'Zed', email: 'ann@x.test' },
        { id: 'y', name: 'Ann', email: 'y@x.test' },
      ]).map((u) => u.id),
    ).toEqual(['y']);
    expect(ids('@alee and @BO.')).toEqual(['b', 'c']);
    expect(ids('@Annabel')).toEqual([]);
    expect(ids('mail ann@x.test or x@bo')).toEqual([]);
    expect(ids('@bo @bo @Bo')).toEqual(['c']);
  });
});
