import type { Client } from 'graphql-ws';
import { collect, eventually, expectError, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';

const CREATE = `mutation($input: CreateLabelInput!) { createLabel(input: $input) { id name color openConversations } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateLabelInput!) { updateLabel(id: $id, input: $input) { id name color } }`;
const DELETE = `mutation($id: ID!) { deleteLabel(id: $id) }`;
const LABELS = `{ labels { name color openConversations } }`;
const ADD = `mutation($c: ID!, $l: ID!) { addConversationLabel(conversationId: $c, labelId: $l) { id labels { name } } }`;
const REMOVE = `mutation($c: ID!, $l: ID!) { removeConversationLabel(conversationId: $c, labelId: $l) { id labels { name } } }`;
const LIST = `query($labelIds: [ID!], $first: Int, $after: String) {
  conversations(filter: { labelIds: $labelIds }, first: $first, after: $after) { edges { node { id labels { name color } } } pageInfo { hasNextPage endCursor } }
}`;
const START = `mutation($key: String!, $name: String!) { startConversation(input: {widgetKey: $key, name: $name, message: "Hello"}) { conversation { id } customerToken } }`;
const INBOX = `subscription { inboxEvents { ... on ConversationUpdated { change conversation { id labels { name } } } } }`;

describe('labels', () => {
  let t: TestServer;
  let admin: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let agentToken: string;
  const chats: { id: string; customerToken: string }[] = [];
  const labelIds: Record<string, string> = {};

  const listed = async (ids: string[], token = agentToken) => {
    const res = await t.gql(LIST, { labelIds: ids }, token);
    expect(res.errors).toBeUndefined();
    return res.data.conversations.edges.map((e: any) => e.node.id).sort();
  };

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.createWorkspace('Label Co');
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "lena@labels.test", name: "Lena", role: AGENT}) { inviteToken } }`, {}, admin.token);
    const accepted = await t.gql(`mutation($token: String!) { acceptInvite(input: {token: $token, password: "agent-password"}) { accessToken } }`, {
      token: invite.data.inviteAgent.inviteToken,
    });
    agentToken = accepted.data.acceptInvite.accessToken;
    for (const name of ['Ann', 'Bob', 'Cy']) {
      const res = await t.gql(START, { key: admin.widgetKey, name });
      chats.push({ id: res.data.startConversation.conversation.id, customerToken: res.data.startConversation.customerToken });
    }
  });
  afterAll(() => t.close());

  it('lets admins manage workspace labels; names are unique ignoring case; bad input is refused and writes nothing', async () => {
    for (const [name, color] of [
      ['billing', '#1E88E5'],
      ['VIP', '#ffaa00'],
      ['bug', '#e53935'],
    ] as const) {
      const res = await t.gql(CREATE, { input: { name, color } }, admin.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.createLabel).toMatchObject({ name, color: color.toLowerCase(), openConversations: 0 });
      labelIds[name] = res.data.createLabel.id;
    }
    expect((await t.gql(LABELS, {}, agentToken)).data.labels.map((l: any) => l.name)).toEqual(['billing', 'bug', 'VIP']);

    const dup = await t.gql(CREATE, { input: { name: ' Billing ', color: '#000000' } }, admin.token);
    expectError(dup, 'CONFLICT');
    expectError(await t.gql(UPDATE, { id: labelIds.bug, input: { name: 'vip' } }, admin.token), 'CONFLICT');
    for (const input of [
      { name: '', color: '#000000' },
      { name: '   ', color: '#000000' },
      { name: 'x'.repeat(41), color: '#000000' },
      { name: 'ok', color: 'red' },
      { name: 'ok', color: '#12345' },
    ]) {
      expectError(await t.gql(CREATE, { input }, admin.token), 'BAD_USER_INPUT');
    }
    expectError(await t.gql(CREATE, { input: { name: 'agents-cannot', color: '#000000' } }, agentToken), 'FORBIDDEN');
    expectError(await t.gql(DELETE, { id: labelIds.bug }, agentToken), 'FORBIDDEN');
    expect((await t.sql(`select count(*)::int as n from label where workspace_id = ?`, [admin.workspaceId]))[0].n).toBe(3);

    const renamed = await t.gql(UPDATE, { id: labelIds.bug, input: { name: 'Bug report', color: '#C62828' } }, admin.token);
    expect(renamed.data.updateLabel).toMatchObject({ name: 'Bug report', color: '#c62828' });
    const audited = await t.sql(`select action from audit_log where workspace_id = ? and action like 'label.%' order by created_at, id`, [admin.workspaceId]);
    expect(audited.map((a) => a.action)).toEqual(['label.create', 'label.create', 'label.create', 'label.update']);
  });

  it('labels conversations, filters the inbox by every label asked for, counts open ones and tells live feeds', async () => {
    const [ann, bob, cy] = chats;
    const agentSocket: Client = wsClient(t.wsUrl, agentToken);
    const inbox = collect(agentSocket, INBOX);
    try {
      // Live once a change made now reaches it (a no-op status change publishes `updated`).
      await eventually(
        async () => {
          await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: OPEN) { id } }`, { id: cy!.id }, agentToken);
          return inbox.events.length > 0;
        },
        15_000,
        'the inbox subscription',
      );
      // Over HTTP…
      const added = await t.gql(ADD, { c: ann!.id, l: labelIds.billing }, agentToken);
      expect(added.data.addConversationLabel.labels).toEqual([{ name: 'billing' }]);
      // …and over graphql-ws.
      const viaSocket = await new Promise<any>((resolve) =>
        agentSocket.subscribe({ query: ADD, variables: { c: bob!.id, l: labelIds.VIP } }, { next: resolve, error: resolve, complete: () => {} }),
      );
      expect(viaSocket.data.addConversationLabel.labels).toEqual([{ name: 'VIP' }]);
      await t.gql(ADD, { c: bob!.id, l: labelIds.billing }, agentToken);
      // Again: not an error, not twice.
      const again = await t.gql(ADD, { c: bob!.id, l: labelIds.billing }, agentToken);
      expect(again.data.addConversationLabel.labels).toEqual([{ name: 'billing' }, { name: 'VIP' }]);

      await inbox.until((events) => events.filter((e) => e.change === 'labeled').length >= 3);
      const labeled = inbox.events.filter((e) => e.change === 'labeled');
      expect(labeled.map((e) => e.conversation.id)).toEqual([ann!.id, bob!.id, bob!.id]);
      expect(labeled.at(-1).conversation.labels).toEqual([{ name: 'billing' }, { name: 'VIP' }]);

      expect(await listed([labelIds.billing!])).toEqual([ann!.id, bob!.id].sort());
      expect(await listed([labelIds.billing!, labelIds.VIP!])).toEqual([bob!.id]);
      expect(await listed([labelIds.billing!, labelIds.billing!])).toEqual([ann!.id, bob!.id].sort());
      expect(await listed([labelIds.bug!])).toEqual([]);
      expect(await listed([])).toEqual(chats.map((c) => c.id).sort());
      // Page by page within the filter.
      const page1 = await t.gql(LIST, { labelIds: [labelIds.billing], first: 1 }, agentToken);
      expect(page1.data.conversations.pageInfo.hasNextPage).toBe(true);
      const page2 = await t.gql(LIST, { labelIds: [labelIds.billing], first: 1, after: page1.data.conversations.pageInfo.endCursor }, agentToken);
      expect(page2.data.conversations.pageInfo.hasNextPage).toBe(false);
      expect([page1, page2].map((p) => p.data.conversations.edges[0].node.id).sort()).toEqual([ann!.id, bob!.id].sort());
      expect(page1.data.conversations.edges[0].node.labels.length).toBeGreaterThan(0);

      const counts = async () => Object.fromEntries((await t.gql(LABELS, {}, agentToken)).data.labels.map((l: any) => [l.name, l.openConversations]));
      expect(await counts()).toEqual({ billing: 2, 'Bug report': 0, VIP: 1 });
      await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: bob!.id }, agentToken);
      expect(await counts()).toEqual({ billing: 1, 'Bug report': 0, VIP: 0 });

      const removed = await t.gql(REMOVE, { c: bob!.id, l: labelIds.VIP }, agentToken);
      expect(removed.data.removeConversationLabel.labels).toEqual([{ name: 'billing' }]);
      await inbox.until((events) => events.some((e) => e.change === 'unlabeled' && e.conversation.id === bob!.id));
      expect((await t.gql(REMOVE, { c: bob!.id, l: labelIds.VIP }, agentToken)).errors).toBeUndefined();

      // Deleting a label takes it off its conversations, and their feeds hear it.
      await t.gql(ADD, { c: cy!.id, l: labelIds.bug }, agentToken);
      const before = inbox.events.filter((e) => e.change === 'unlabeled' && e.conversation.id === cy!.id).length;
      expect((await t.gql(DELETE, { id: labelIds.bug }, admin.token)).data.deleteLabel).toBe(true);
      await inbox.until((events) => events.filter((e) => e.change === 'unlabeled' && e.conversation.id === cy!.id).length > before);
      expect(inbox.events.filter((e) => e.conversation.id === cy!.id).at(-1).conversation.labels).toEqual([]);
      expect(await listed([labelIds.bug!])).toEqual([]);
      expect((await t.sql(`select count(*)::int as n from conversation_label where label_id = ?`, [labelIds.bug]))[0].n).toBe(0);
      expect(inbox.errors).toEqual([]);
    } finally {
      inbox.dispose();
      await agentSocket.dispose();
    }
    const actions = await t.sql(
      `select action from audit_log where workspace_id = ? and action in ('conversation.labeled', 'conversation.unlabeled', 'label.delete') order by created_at, id`,
      [admin.workspaceId],
    );
    expect(actions.map((a) => a.action)).toEqual([
      'conversation.labeled',
      'conversation.labeled',
      'conversation.labeled',
      'conversation.unlabeled',
      'conversation.labeled',
      'label.delete',
    ]);
  });

  it('keeps labels within the workspace, away from customers, and within API-key scopes', async () => {
    const other = await t.createWorkspace('Other Co');
    const theirs = (await t.gql(CREATE, { input: { name: 'theirs', color: '#222222' } }, other.token)).data.createLabel.id;
    const theirChat = (await t.gql(START, { key: other.widgetKey, name: 'Zed' })).data.startConversation.conversation.id;
    expectError(await t.gql(ADD, { c: chats[0]!.id, l: theirs }, agentToken), 'NOT_FOUND');
    expectError(await t.gql(ADD, { c: theirChat, l: labelIds.billing }, agentToken), 'NOT_FOUND');
    expectError(await t.gql(UPDATE, { id: labelIds.billing, input: { color: '#000000' } }, other.token), 'NOT_FOUND');
    expect((await t.gql(LABELS, {}, other.token)).data.labels.map((l: any) => l.name)).toEqual(['theirs']);
    expect(await listed([theirs])).toEqual([]);
    expectError(await t.gql(ADD, { c: chats[0]!.id, l: 'not-a-uuid' }, agentToken), 'BAD_USER_INPUT');
    expectError(await t.gql(LIST, { labelIds: Array.from({ length: 11 }, () => labelIds.billing) }, agentToken), 'BAD_USER_INPUT');

    // The customer reads their conversation, not its labels, and cannot label it.
    const ann = chats[0]!;
    const own = await t.gql(`query($id: ID!) { conversation(id: $id) { id labels { name } } }`, { id: ann.id }, ann.customerToken);
    expect(own.errors).toBeUndefined();
    expect(own.data.conversation.labels).toEqual([]);
    expectError(await t.gql(ADD, { c: ann.id, l: labelIds.VIP }, ann.customerToken), 'FORBIDDEN');
    expectError(await t.gql(LABELS, {}, ann.customerToken), 'FORBIDDEN');

    // A partner key with conversations:read reads labels; one without is refused, over HTTP and graphql-ws.
    const key = async (scope: string) =>
      (await t.gql(`mutation($s: [ApiScope!]!) { createApiKey(input: { name: "k", scopes: $s }) { secret } }`, { s: [scope] }, admin.token)).data.createApiKey
        .secret;
    const reader = await key('CONVERSATIONS_READ');
    const tickets = await key('TICKETS_READ');
    expect((await t.gql(LABELS, {}, reader)).data.labels.map((l: any) => l.name)).toEqual(['billing', 'VIP']);
    expect((await t.gql(LIST, { labelIds: [labelIds.billing] }, reader)).data.conversations.edges.map((e: any) => e.node.labels)).toEqual([
      [{ name: 'billing', color: '#1e88e5' }],
      [{ name: 'billing', color: '#1e88e5' }],
    ]);
    expectError(await t.gql(ADD, { c: ann.id, l: labelIds.VIP }, reader), 'FORBIDDEN');
    expectError(await t.gql(LABELS, {}, tickets), 'FORBIDDEN');
    const socket = wsClient(t.wsUrl, tickets);
    try {
      const refused = await new Promise<any>((resolve) =>
        socket.subscribe(
          { query: `{ tickets { edges { node { conversation { labels { name } } } } } }` },
          { next: resolve, error: (e) => resolve({ errors: e }), complete: () => {} },
        ),
      );
      expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
    } finally {
      await socket.dispose();
    }
  });

  it('filters analytics by label, over HTTP and graphql-ws, with the same figures as the labeled list', async () => {
    const ANALYTICS = `query($f: AnalyticsFilter, $from: DateTimeISO!, $to: DateTimeISO!) { analytics(range: { from: $from, to: $to }, granularity: DAY, filter: $f) { conversationsCreated } }`;
    const range = { from: new Date(Date.now() - 7 * 86400_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    const created = async (f: Record<string, unknown> | null) => {
      const res = await t.gql(ANALYTICS, { f, ...range }, admin.token);
      expect(res.errors).toBeUndefined();
      return res.data.analytics.conversationsCreated;
    };
    const all = await created(null);
    const billing = await created({ labelIds: [labelIds.billing] });
    expect(billing).toBe((await listed([labelIds.billing!], admin.token)).length);
    expect(billing).toBeGreaterThan(0);
    expect(billing).toBeLessThan(all);
    expect(await created({ labelIds: [labelIds.billing, labelIds.VIP] })).toBe((await listed([labelIds.billing!, labelIds.VIP!], admin.token)).length);
    // A label of another workspace counts nothing here.
    const elsewhere = await t.createWorkspace('Other labels');
    const foreign = await t.gql(CREATE, { input: { name: 'billing', color: '#000000' } }, elsewhere.token);
    expect(await created({ labelIds: [foreign.data.createLabel.id] })).toBe(0);
    for (const f of [{ labelIds: ['not-a-uuid'] }, { labelIds: Array.from({ length: 11 }, () => labelIds.billing) }]) {
      expectError(await t.gql(ANALYTICS, { f, ...range }, admin.token), 'BAD_USER_INPUT');
    }
    const socket = wsClient(t.wsUrl, admin.token);
    try {
      const overWs = await new Promise<any>((resolve) =>
        socket.subscribe(
          { query: ANALYTICS, variables: { f: { labelIds: [labelIds.billing] }, ...range } },
          { next: resolve, error: (e) => resolve({ errors: e }), complete: () => {} },
        ),
      );
      expect(overWs.data.analytics.conversationsCreated).toBe(billing);
    } finally {
      await socket.dispose();
    }
  });
});
