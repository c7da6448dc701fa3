import { subscribeToConversation } from '@switchboard/schema';
import {
  collect,
  eventually,
  expectError,
  sleep,
  startTestServer,
  subscriptionCounter,
  untilFeedLive,
  wsClient,
  type TestServer,
} from '../../../test/testkit.js';
import { withRedis } from '../../../test/needs.js';

const EVENTS = `subscription($id: ID!, $after: Int) {
  conversationEvents(conversationId: $id, afterSeq: $after) {
    __typename
    ... on MessageAdded { message { seq body authorType } }
    ... on ConversationUpdated { change conversation { id status assignee { id } } }
    ... on TypingChanged { isTyping who { type name } }
  }
}`;
const INBOX = `subscription { inboxEvents { __typename ... on ConversationUpdated { change conversation { id } } ... on TicketUpdated { change ticket { id } } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`;

const seqs = (events: any[]) => events.filter((e) => e.__typename === 'MessageAdded').map((e) => e.message.seq);
const upTo = (n: number) => (events: any[]) => seqs(events).includes(n);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('live feeds over graphql-ws', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let other: Awaited<ReturnType<TestServer['createWorkspace']>>;
  const clients: { dispose(): unknown }[] = [];
  const track = <T extends { dispose(): unknown }>(c: T) => (clients.push(c), c);

  const start = async (widgetKey = ws.widgetKey) => {
    const res = await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Iris"}) { customerToken conversation { id } } }`, {
      k: widgetKey,
    });
    return { token: res.data.startConversation.customerToken as string, id: res.data.startConversation.conversation.id as string };
  };
  const send = async (conversationId: string, token: string, body: string) => {
    const res = await t.gql(SEND, { input: { conversationId, body } }, token);
    expect(res.errors).toBeUndefined();
    return res.data.sendMessage.seq as number;
  };

  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace('Live');
    other = await t.createWorkspace('Elsewhere');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
  });
  afterAll(() => t.close());

  it('resumes after a dropped socket with exactly the missed messages, then goes live', async () => {
    const c = await start();
    const first = track(wsClient(t.wsUrl, ws.token));
    const feed = collect(first, EVENTS, { id: c.id, after: 0 });
    for (let i = 1; i <= 5; i++) await send(c.id, c.token, `m${i}`);
    await feed.until(upTo(5));
    expect(seqs(feed.events)).toEqual(range(1, 5));
    await first.dispose();

    for (let i = 6; i <= 10; i++) await send(c.id, c.token, `m${i}`);
    const again = track(wsClient(t.wsUrl, ws.token));
    const resumed = collect(again, EVENTS, { id: c.id, after: 5 });
    await resumed.until(upTo(10));
    await send(c.id, c.token, 'm11');
    await resumed.until(upTo(11));
    // A later message arrives after any duplicate the feed could still send, so no wait is needed.
    await send(c.id, c.token, 'm12');
    await resumed.until(upTo(12));
    expect(seqs(resumed.events)).toEqual(range(6, 12));
    expect(resumed.events.filter((e) => e.__typename === 'MessageAdded').map((e) => e.message.body)).toEqual(range(6, 12).map((i) => `m${i}`));
  });

  it('loses nothing and repeats nothing when messages land during the replay', async () => {
    const c = await start();
    for (let i = 1; i <= 250; i++) await send(c.id, c.token, `backlog ${i}`);
    const client = track(wsClient(t.wsUrl, ws.token));
    const feed = collect(client, EVENTS, { id: c.id, after: 0 });
    // Sent while the 250-message replay (two pages) is streaming.
    const live = Promise.all(range(1, 10).map((i) => send(c.id, ws.token, `during ${i}`)));
    await live;
    await feed.until(upTo(260), 20_000);
    // Events of one feed arrive in order: once a later message is in, any duplicate would be too.
    await send(c.id, c.token, 'marker');
    await feed.until(upTo(261));
    expect(seqs(feed.events)).toEqual(range(1, 261));
  });

  it('the client helper resubscribes from the last seen seq after a reconnect', async () => {
    const c = await start();
    for (let i = 1; i <= 3; i++) await send(c.id, c.token, `h${i}`);
    const client = track(
      wsClient(t.wsUrl, c.token, {
        retryAttempts: 20,
        retryWait: async () => {
          await sleep(50);
        },
        shouldRetry: () => true,
      }),
    );
    const received: number[] = [];
    const feed = subscribeToConversation({
      client,
      conversationId: c.id,
      afterSeq: 1,
      onEvent: (e) => {
        if (e.__typename === 'MessageAdded') received.push(e.message.seq);
      },
    });
    track(feed);
    const waitFor = (n: number) => eventually(async () => received.includes(n), 10_000, `seq ${n}`);
    await waitFor(3);
    client.terminate();
    for (let i = 4; i <= 8; i++) await send(c.id, ws.token, `h${i}`);
    await waitFor(8);
    await send(c.id, ws.token, 'h9');
    await waitFor(9);
    // One more after the last: any repeat from the resubscription would arrive before it.
    await send(c.id, ws.token, 'h10');
    await waitFor(10);
    expect(received).toEqual(range(2, 10));
    expect(feed.lastSeq).toBe(10);
  });

  it('reads each event once per node, however many subscribers receive it', async () => {
    const c = await start();
    const queriesFor = async (subscribers: number, body: string) => {
      const feeds = Array.from({ length: subscribers }, () => collect(track(wsClient(t.wsUrl, ws.token)), EVENTS, { id: c.id }));
      // Every feed is live once it has seen a typing event sent after subscribing.
      await eventually(
        async () => {
          await t.gql(`mutation($id: ID!) { setTyping(conversationId: $id, isTyping: true) }`, { id: c.id }, ws.token);
          await sleep(400);
          return feeds.every((f) => f.events.some((e) => e.__typename === 'TypingChanged'));
        },
        15_000,
        'live feeds',
      );
      await sleep(100);
      const before = t.queries.count;
      const seq = await send(c.id, c.token, body);
      await Promise.all(feeds.map((f) => f.until(upTo(seq))));
      await sleep(100);
      return t.queries.count - before;
    };
    const few = await queriesFor(2, 'to a few');
    for (const c2 of clients.splice(0)) await c2.dispose();
    const many = await queriesFor(25, 'to many');
    // Background maintenance (the reconciler, alert rules, the outbox) may land a statement in
    // either window; reading per subscriber would add 23 or more.
    expect(Math.abs(many - few)).toBeLessThanOrEqual(2);
  });

  it('shares the start-up reads (access, replay) among subscribers that arrive together', async () => {
    const c = await start();
    for (let i = 1; i <= 3; i++) await send(c.id, c.token, `r${i}`);
    const subscribers = 30;
    const clients = Array.from({ length: subscribers }, () => track(wsClient(t.wsUrl, ws.token)));
    // Connected (authenticated and acknowledged) before the count starts.
    await Promise.all(clients.map((client) => new Promise((resolve) => client.on('connected', resolve))));
    const before = t.queries.count;
    const feeds = clients.map((client) => collect(client, EVENTS, { id: c.id, after: 0 }));
    await Promise.all(feeds.map((f) => f.until(upTo(3))));
    const used = t.queries.count - before;
    for (const f of feeds) expect(seqs(f.events)).toEqual([1, 2, 3]);
    // Unshared: one access check and one replay page per subscriber; on PostgreSQL, subscribers
    // arriving together share them. Embedded PGlite answers each read before the next subscribe
    // arrives, so there is nothing to share: at most those two each (60 measured), and a couple
    // from background maintenance.
    expect(used).toBeLessThan(process.env.DATABASE_URL ? subscribers : 2 * subscribers + 3);
    const seq = await send(c.id, c.token, 'after the replay');
    await Promise.all(feeds.map((f) => f.until(upTo(seq))));
  });

  // Two nodes on one Redis: the PostgreSQL + Redis pass runs it.
  withRedis('fans out through Redis: a subscriber on node B receives a message sent via node A', async () => {
    const peer = await t.startPeer();
    try {
      const c = await start();
      const started = await subscriptionCounter(peer.url);
      const client = track(wsClient(peer.wsUrl, ws.token));
      // From seq 0: the message arrives whether it lands before or after the feed goes live.
      const feed = collect(client, EVENTS, { id: c.id, after: 0 });
      const inbox = collect(track(wsClient(peer.wsUrl, ws.token)), INBOX);
      await started.until({ conversationEvents: 1, inboxEvents: 1 });
      await send(c.id, c.token, 'hello from node A');
      await feed.until(upTo(1));
      expect(feed.events[0].message.body).toBe('hello from node A');
      await inbox.until((ev) => ev.some((e) => e.change === 'message' && e.conversation.id === c.id));
      // …and the other way round.
      const r = await peer.gql(SEND, { input: { conversationId: c.id, body: 'via B' } }, ws.token);
      expect(r.data.sendMessage.seq).toBe(2);
      const onA = collect(track(wsClient(t.wsUrl, ws.token)), EVENTS, { id: c.id, after: 1 });
      await onA.until(upTo(2));
    } finally {
      for (const c of clients.splice(0)) await c.dispose();
      await peer.close();
    }
  });

  it('streams typing, conversation updates and inbox events to the right people only', async () => {
    const c = await start();
    const started = await subscriptionCounter(t.url);
    const agentFeed = collect(track(wsClient(t.wsUrl, ws.token)), EVENTS, { id: c.id });
    const customerFeed = collect(track(wsClient(t.wsUrl, c.token)), EVENTS, { id: c.id });
    const inbox = collect(track(wsClient(t.wsUrl, ws.token)), INBOX);
    const foreignInbox = collect(track(wsClient(t.wsUrl, other.token)), INBOX);
    await started.until({ conversationEvents: 2, inboxEvents: 2 });
    // The customer's own typing proves the agent's feed live; the check below reads that first indicator.
    await untilFeedLive(t, agentFeed, c.id, c.token);

    expect((await t.gql(`mutation($id: ID!) { setTyping(conversationId: $id, isTyping: true) }`, { id: c.id }, c.token)).data.setTyping).toBe(true);
    await agentFeed.until((ev) => ev.some((e) => e.__typename === 'TypingChanged'));
    expect(agentFeed.events.find((e) => e.__typename === 'TypingChanged')).toEqual({
      __typename: 'TypingChanged',
      isTyping: true,
      who: { type: 'CUSTOMER', name: 'Iris' },
    });

    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: c.id, u: ws.userId }, ws.token);
    await customerFeed.until((ev) => ev.some((e) => e.change === 'assigned'));
    await inbox.until((ev) => ev.some((e) => e.change === 'assigned' && e.conversation.id === c.id));
    await t.gql(`mutation { createTicket(input: {subject: "Follow up"}) { id } }`, {}, ws.token);
    await inbox.until((ev) => ev.some((e) => e.__typename === 'TicketUpdated' && e.change === 'created'));

    // Another workspace's agent received none of it: its own ticket, created after all of the
    // above was delivered, is the first and only event on its feed.
    const marker = await t.gql(`mutation { createTicket(input: {subject: "Theirs"}) { id } }`, {}, other.token);
    await foreignInbox.until((ev) => ev.some((e) => e.ticket?.id === marker.data.createTicket.id));
    expect(foreignInbox.events).toEqual([{ __typename: 'TicketUpdated', change: 'created', ticket: { id: marker.data.createTicket.id } }]);
  });

  it('refuses bad tokens, other customers, other tenants and bad input, and stays up', async () => {
    const bad = wsClient(t.wsUrl, 'not-a-token');
    const closed = await new Promise<number>((resolve) => bad.on('closed', (e: any) => resolve(e.code)));
    expect(closed).toBe(4401);
    await bad.dispose();
    const none = wsClient(t.wsUrl, null);
    expect(await new Promise<number>((resolve) => none.on('closed', (e: any) => resolve(e.code)))).toBe(4401);
    await none.dispose();

    const mine = await start();
    const theirs = await start();
    const customer = track(wsClient(t.wsUrl, mine.token));
    const forbidden = collect(customer, EVENTS, { id: theirs.id });
    await forbidden.until(() => forbidden.errors.length > 0);
    expect((forbidden.errors[0] as any).extensions.code).toBe('FORBIDDEN');

    const foreign = track(wsClient(t.wsUrl, other.token));
    const notFound = collect(foreign, EVENTS, { id: mine.id });
    await notFound.until(() => notFound.errors.length > 0);
    expect((notFound.errors[0] as any).extensions.code).toBe('NOT_FOUND');

    const agent = track(wsClient(t.wsUrl, ws.token));
    const cases: [Record<string, unknown>, string][] = [
      [{ id: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
      [{ id: 'nope' }, 'BAD_USER_INPUT'],
      [{ id: mine.id, after: -1 }, 'BAD_USER_INPUT'],
    ];
    for (const [variables, code] of cases) {
      const sub = collect(agent, EVENTS, variables);
      await sub.until(() => sub.errors.length > 0);
      expect((sub.errors[0] as any).extensions.code).toBe(code);
    }
    const huge = collect(agent, `subscription { inboxEvents { __typename } } # ${'x'.repeat(150_000)}`);
    await huge.until(() => huge.errors.length > 0);
    expect((huge.errors[0] as any).extensions.code).toBe('BAD_USER_INPUT');
    // The same query guards as over HTTP: 20 aliases (the limit is 15).
    const wide = collect(
      agent,
      `subscription { inboxEvents { ... on ConversationUpdated { conversation { ${Array.from({ length: 20 }, (_, i) => `a${i}: id`).join(' ')} } } } }`,
    );
    await wide.until(() => wide.errors.length > 0);
    expect((wide.errors as any[]).map((e) => e.message).join(' | ')).toMatch(/alias/i);
    const customerOnInbox = collect(customer, INBOX);
    await customerOnInbox.until(() => customerOnInbox.errors.length > 0);
    expect((customerOnInbox.errors[0] as any).extensions.code).toBe('FORBIDDEN');

    // A flood of typing updates is cut off with RATE_LIMITED and a retry hint.
    const results = [];
    for (let i = 0; i < 25; i++)
      results.push(await t.gql(`mutation($id: ID!) { setTyping(conversationId: $id, isTyping: true) }`, { id: mine.id }, mine.token));
    const limited = results.filter((r) => r.errors);
    expect(limited.length).toBe(5);
    const err = expectError(limited[0]!, 'RATE_LIMITED');
    expect(err.extensions!.retryAfter).toBeGreaterThan(0);

    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const stillLive = collect(agent, EVENTS, { id: mine.id, after: 0 });
    await send(mine.id, mine.token, 'still here');
    await stillLive.until(upTo(1));
  });

  it('tracks presence, sends notifications, and shows admins the system status', async () => {
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "live-agent@example.com", name: "Lee"}) { inviteToken user { id } } }`, {}, ws.token);
    const agentId = invite.data.inviteAgent.user.id;
    const agentToken = (
      await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "password123"}) { accessToken } }`, {
        t: invite.data.inviteAgent.inviteToken,
      })
    ).data.acceptInvite.accessToken;

    const started = await subscriptionCounter(t.url);
    const presence = collect(track(wsClient(t.wsUrl, ws.token)), `subscription { presenceChanged { status user { id } } }`);
    await started.until({ presenceChanged: 1 });
    const agentClient = wsClient(t.wsUrl, agentToken);
    const notes = collect(agentClient, `subscription { notifications { kind conversation { id } } }`);
    await presence.until((ev) => ev.some((e) => e.user.id === agentId && e.status === 'ONLINE'));
    const team = await t.gql(`{ teamPresence { status user { id } } }`, {}, ws.token);
    expect(team.data.teamPresence).toEqual(expect.arrayContaining([{ status: 'ONLINE', user: { id: agentId } }]));

    expect((await t.gql(`mutation { setPresence(status: AWAY) }`, {}, agentToken)).data.setPresence).toBe('AWAY');
    await presence.until((ev) => ev.some((e) => e.user.id === agentId && e.status === 'AWAY'));

    const c = await start();
    await started.until({ presenceChanged: 1, notifications: 1 });
    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: c.id, u: agentId }, ws.token);
    await notes.until((ev) => ev.some((e) => e.kind === 'ASSIGNED' && e.conversation.id === c.id));

    await agentClient.dispose();
    await presence.until((ev) => ev.some((e) => e.user.id === agentId && e.status === 'OFFLINE'));

    const status = collect(
      track(wsClient(t.wsUrl, ws.token)),
      `subscription { systemStatus { status database { ok } redis { ok } node { sockets subscriptions } cluster { sockets } eventLoopLagMs ai { provider } } }`,
    );
    await status.until((ev) => ev.length > 0);
    expect(status.events[0]).toMatchObject({ status: 'ok', database: { ok: true }, ai: { provider: 'local' } });
    expect(status.events[0].node.sockets).toBeGreaterThanOrEqual(2);
    expect(status.events[0].node.subscriptions).toBeGreaterThanOrEqual(2);
    // Without Redis (embedded) there is none to report.
    expect(status.events[0].redis).toEqual(process.env.REDIS_URL ? { ok: true } : null);
    const denied = collect(track(wsClient(t.wsUrl, agentToken)), `subscription { systemStatus { status } }`);
    await denied.until(() => denied.errors.length > 0);
    expect((denied.errors[0] as any).extensions.code).toBe('FORBIDDEN');
  });
});
