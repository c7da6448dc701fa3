import type { Client } from 'graphql-ws';
import { collect, eventually, expectError, startTestServer, wsClient, type Collector, type TestServer } from '../../../test/testkit.js';

const CREATE = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id name assignmentPolicy capacity isDefault members { id } waitingConversations } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateTeamInput!) { updateTeam(id: $id, input: $input) { id name assignmentPolicy capacity isDefault } }`;
const TEAMS = `{ teams { name isDefault assignmentPolicy waitingConversations members { name } } }`;
const START = `mutation($key: String!, $name: String!) { startConversation(input: {widgetKey: $key, name: $name}) { conversation { id } customerToken } }`;
const HANDOFF = `mutation($id: ID!) { handOffToHuman(id: $id) { id mode assignee { id } team { name } } }`;
const CUSTOMER_HANDOFF = `mutation($id: ID!) { handOffToHuman(id: $id) { id mode assignee { id } assigneeName } }`;
const TRANSFER = `mutation($c: ID!, $t: ID) { transferConversation(conversationId: $c, teamId: $t) { id assignee { id } team { id name } } }`;
const NOTIFICATIONS = `subscription { notifications { kind text conversation { id } } }`;

describe('teams and auto-assignment', () => {
  let t: TestServer;
  let admin: Awaited<ReturnType<TestServer['createWorkspace']>>;
  const agents: { name: string; id: string; token: string }[] = [];
  const sockets: Client[] = [];
  const inboxes: Collector<any>[] = [];
  let presence: Collector<any>;
  let adminSocket: Client;
  const teamIds: Record<string, string> = {};

  const start = async (name: string) => {
    const res = await t.gql(START, { key: admin.widgetKey, name });
    expect(res.errors).toBeUndefined();
    return { id: res.data.startConversation.conversation.id as string, customerToken: res.data.startConversation.customerToken as string };
  };
  const assigneeCounts = async (ids: string[]) => {
    const rows = await t.sql(
      `select assignee_id, count(*)::int as n from conversation where id in (${ids.map(() => '?').join(', ')}) group by assignee_id`,
      ids,
    );
    return new Map(rows.map((r) => [r.assignee_id as string | null, r.n as number]));
  };

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true' });
    admin = await t.createWorkspace('Team Co');
    for (const name of ['Ada', 'Ben', 'Cleo', 'Dev']) {
      const invite = await t.gql(
        `mutation($email: String!, $name: String!) { inviteAgent(input: {email: $email, name: $name, role: AGENT}) { inviteToken } }`,
        { email: `${name.toLowerCase()}@teams.test`, name },
        admin.token,
      );
      const accepted = await t.gql(
        `mutation($token: String!) { acceptInvite(input: {token: $token, password: "agent-password"}) { accessToken user { id } } }`,
        { token: invite.data.inviteAgent.inviteToken },
      );
      agents.push({ name, id: accepted.data.acceptInvite.user.id, token: accepted.data.acceptInvite.accessToken });
    }
    adminSocket = wsClient(t.wsUrl, admin.token);
    presence = collect(adminSocket, `subscription { presenceChanged { status user { id } } }`);
    // Live once the admin hears their own presence change.
    await eventually(
      async () => {
        await t.gql(`mutation { setPresence(status: AWAY) }`, {}, admin.token);
        await t.gql(`mutation { setPresence(status: ONLINE) }`, {}, admin.token);
        return presence.events.some((e) => e.user.id === admin.userId);
      },
      15_000,
      'the presence subscription',
    );
    // Ada, Ben and Cleo are online (a socket each, listening to their notifications); Dev is not.
    for (const agent of agents.slice(0, 3)) {
      const socket = wsClient(t.wsUrl, agent.token);
      sockets.push(socket);
      inboxes.push(collect(socket, NOTIFICATIONS));
    }
    await presence.until((events) => agents.slice(0, 3).every((a) => events.some((e) => e.user.id === a.id && e.status === 'ONLINE')), 15_000);
  });
  afterAll(async () => {
    for (const s of [...sockets, adminSocket]) await s.dispose();
    await t.close();
  });

  it('lets admins manage teams; names are unique ignoring case; bad input is refused and writes nothing', async () => {
    const res = await t.gql(
      CREATE,
      { input: { name: 'Support', assignmentPolicy: 'ROUND_ROBIN', isDefault: true, memberIds: agents.map((a) => a.id) } },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createTeam).toMatchObject({ name: 'Support', assignmentPolicy: 'ROUND_ROBIN', capacity: null, isDefault: true, waitingConversations: 0 });
    expect(res.data.createTeam.members.map((m: any) => m.id)).toEqual(agents.map((a) => a.id));
    teamIds.support = res.data.createTeam.id;

    expectError(await t.gql(CREATE, { input: { name: ' support ' } }, admin.token), 'CONFLICT');
    for (const input of [
      { name: '' },
      { name: 'x'.repeat(61) },
      { name: 'ok', capacity: 0 },
      { name: 'ok', capacity: 101 },
      { name: 'ok', memberIds: ['nope'] },
    ]) {
      expectError(await t.gql(CREATE, { input }, admin.token), 'BAD_USER_INPUT');
    }
    expectError(await t.gql(CREATE, { input: { name: 'ok', memberIds: ['00000000-0000-4000-8000-000000000000'] } }, admin.token), 'NOT_FOUND');
    expectError(await t.gql(CREATE, { input: { name: 'agents-cannot' } }, agents[0]!.token), 'FORBIDDEN');
    // Another workspace cannot see, change or use the team.
    const other = await t.createWorkspace('Other Co');
    expectError(await t.gql(UPDATE, { id: teamIds.support, input: { name: 'Mine' } }, other.token), 'NOT_FOUND');
    expectError(
      await t.gql(`mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) { id } }`, { t: teamIds.support, u: other.userId }, admin.token),
      'NOT_FOUND',
    );
    expect((await t.gql(TEAMS, {}, other.token)).data.teams).toEqual([]);
    expect((await t.sql(`select count(*)::int as n from team where workspace_id = ?`, [admin.workspaceId]))[0].n).toBe(1);
    const audited = await t.sql(`select action from audit_log where workspace_id = ? and action like 'team.%'`, [admin.workspaceId]);
    expect(audited.map((a) => a.action)).toEqual(['team.create']);
  });

  it('round-robin spreads 30 concurrent handoffs evenly over the 3 online agents and skips the offline one', async () => {
    const chats = await Promise.all(Array.from({ length: 30 }, (_, i) => start(`Customer ${i}`)));
    const results = await Promise.all(chats.map((c) => t.gql(CUSTOMER_HANDOFF, { id: c.id }, c.customerToken)));
    for (const r of results) {
      expect(r.errors).toBeUndefined();
      // Customers see the agent's name, not the agent.
      expect(r.data.handOffToHuman).toMatchObject({ mode: 'HUMAN', assignee: null, assigneeName: expect.stringMatching(/^(Ada|Ben|Cleo)$/) });
    }
    // Teams are for staff: a customer asking gets none.
    const seen = await t.gql(`query($id: ID!) { conversation(id: $id) { team { name } } }`, { id: chats[0]!.id }, chats[0]!.customerToken);
    expect(seen.errors).toBeUndefined();
    expect(seen.data.conversation.team).toBeNull();
    const counts = await assigneeCounts(chats.map((c) => c.id));
    expect(agents.slice(0, 3).map((a) => counts.get(a.id))).toEqual([10, 10, 10]);
    expect(counts.get(agents[3]!.id)).toBeUndefined();
    // Every conversation is in the default team's inbox, and each agent heard of exactly theirs.
    const teamed = await t.gql(
      `query($t: ID!) { conversations(filter: {teamId: $t}, first: 50) { edges { node { team { name } } } } }`,
      { t: teamIds.support },
      admin.token,
    );
    expect(teamed.errors).toBeUndefined();
    expect(teamed.data.conversations.edges).toHaveLength(30);
    for (const [i, inbox] of inboxes.entries()) {
      const mine = await inbox.until((events) => events.filter((e) => e.kind === 'HANDED_OFF').length >= 10);
      const ids = mine.filter((e) => e.kind === 'HANDED_OFF').map((e) => e.conversation.id);
      const assigned = await t.sql(`select id from conversation where assignee_id = ? order by id`, [agents[i]!.id]);
      expect([...ids].sort()).toEqual(assigned.map((r) => r.id));
    }
    // Resolve them: capacity below counts unresolved conversations.
    await t.sql(`update conversation set status = 'RESOLVED', resolved_at = now() where workspace_id = ?`, [admin.workspaceId]);
  });

  it('least-open respects capacity and turns; when nobody can take it, the conversation waits in the team inbox and the team is told', async () => {
    const [ada, ben, cleo, dev] = agents;
    const billing = await t.gql(
      CREATE,
      { input: { name: 'Billing', assignmentPolicy: 'LEAST_OPEN', capacity: 2, memberIds: [ada!.id, ben!.id, dev!.id] } },
      admin.token,
    );
    teamIds.billing = billing.data.createTeam.id;
    const made = await t.gql(UPDATE, { id: teamIds.billing, input: { isDefault: true } }, admin.token);
    expect(made.data.updateTeam.isDefault).toBe(true);
    expect((await t.gql(TEAMS, {}, ada!.token)).data.teams.map((x: any) => [x.name, x.isDefault])).toEqual([
      ['Billing', true],
      ['Support', false],
    ]);

    // Ada already holds one conversation.
    const held = await start('Held');
    await t.gql(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: held.id, u: ada!.id }, admin.token);
    const order: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await start(`Billing ${i}`);
      const res = await t.gql(HANDOFF, { id: c.id }, admin.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.handOffToHuman.team).toEqual({ name: 'Billing' });
      order.push(res.data.handOffToHuman.assignee?.id ?? null);
    }
    // Ben (0 open) → Ada and Ben tie at 1, Ada is next in turn → Ben (1 vs Ada's 2) → both at capacity 2: nobody.
    expect(order).toEqual([ben!.id, ada!.id, ben!.id, null]);
    const waiting = await t.gql(
      `query($t: ID!) { conversations(filter: {teamId: $t, unassigned: true}) { edges { node { id } } } }`,
      { t: teamIds.billing },
      ada!.token,
    );
    expect(waiting.data.conversations.edges).toHaveLength(1);
    const waitingId = waiting.data.conversations.edges[0].node.id;
    expect((await t.gql(TEAMS, {}, ada!.token)).data.teams.find((x: any) => x.name === 'Billing').waitingConversations).toBe(1);
    // The online members of the team hear of it; Cleo (not in Billing) does not.
    for (const inbox of [inboxes[0]!, inboxes[1]!]) {
      await inbox.until((events) => events.some((e) => e.kind === 'UNASSIGNED_HANDOFF' && e.conversation.id === waitingId));
      expect(inbox.events.find((e) => e.kind === 'UNASSIGNED_HANDOFF')!.text).toContain('Billing');
    }
    expect(inboxes[2]!.events.some((e) => e.kind === 'UNASSIGNED_HANDOFF')).toBe(false);
    void cleo;

    // Over graphql-ws, Ben moves it to Support, which assigns it at once (round-robin: Cleo is next after Ben... in Support's order).
    const viaSocket = await new Promise<any>((resolve) =>
      sockets[1]!.subscribe({ query: TRANSFER, variables: { c: waitingId, t: teamIds.support } }, { next: resolve, error: resolve, complete: () => {} }),
    );
    expect(viaSocket.errors).toBeUndefined();
    expect(viaSocket.data.transferConversation.team.name).toBe('Support');
    const takenBy = viaSocket.data.transferConversation.assignee.id;
    expect([ada!.id, ben!.id, cleo!.id]).toContain(takenBy);
    const i = agents.findIndex((a) => a.id === takenBy);
    await inboxes[i]!.until((events) => events.some((e) => e.kind === 'ASSIGNED' && e.conversation.id === waitingId));
    // Another workspace's team, or a customer's view, get nothing.
    const other = await t.createWorkspace('Third Co');
    const theirs = await t.gql(CREATE, { input: { name: 'Theirs' } }, other.token);
    expectError(await t.gql(TRANSFER, { c: waitingId, t: theirs.data.createTeam.id }, ben!.token), 'NOT_FOUND');
    expectError(await t.gql(TRANSFER, { c: waitingId, t: 'nope' }, ben!.token), 'BAD_USER_INPUT');
    const audited = await t.sql(`select action from audit_log where workspace_id = ? and target_id = ? and action like 'conversation.%'`, [
      admin.workspaceId,
      waitingId,
    ]);
    expect(audited.map((a) => a.action)).toContain('conversation.assigned');
  });

  it('a handoff decided by the assistant’s job is routed too', async () => {
    const res = await t.gql(
      `mutation($key: String!) { startConversation(input: {widgetKey: $key, name: "Eve", message: "I want to talk to a human agent please"}) { conversation { id } } }`,
      { key: admin.widgetKey },
    );
    const id = res.data.startConversation.conversation.id;
    const row = await eventually(
      async () => {
        const [c] = await t.sql(`select mode, assignee_id, team_id from conversation where id = ?`, [id]);
        return c?.mode === 'HUMAN' ? c : null;
      },
      30_000,
      'the handoff',
    );
    expect(row.team_id).toBe(teamIds.billing);
    // Billing's members are at capacity: it waits, and they are told.
    expect(row.assignee_id).toBeNull();
    await inboxes[0]!.until((events) => events.some((e) => e.kind === 'UNASSIGNED_HANDOFF' && e.conversation.id === id), 15_000);
  });
});
