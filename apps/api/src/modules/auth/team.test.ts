import { collect, eventually, expectError, holdBack, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';

const LOG_IN = `mutation($email: String!, $password: String!) { logIn(input: {email: $email, password: $password}) { accessToken refreshToken user { id } } }`;
const REFRESH = `mutation($token: String!) { refreshToken(token: $token) { accessToken refreshToken } }`;
const INVITE = `mutation($email: String!, $name: String!, $role: UserRole) { inviteAgent(input: {email: $email, name: $name, role: $role}) { inviteToken user { id } } }`;
const ACCEPT = `mutation($token: String!) { acceptInvite(input: {token: $token, password: "agent-password"}) { accessToken refreshToken user { id } } }`;
const ROSTER = `query($first: Int, $after: String, $statuses: [UserStatus!]) {
  teamRoster(first: $first, after: $after, statuses: $statuses) {
    edges { node { id name email role status lastSeenAt deactivatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CHANGE_ROLE = `mutation($id: ID!, $role: UserRole!) { changeRole(userId: $id, role: $role) { id role } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateUser(userId: $id) { id status deactivatedAt } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateUser(userId: $id) { id status deactivatedAt } }`;

describe('team administration', () => {
  let t: TestServer;
  let admin: { token: string; userId: string; workspaceId: string; email: string };

  /** Invites and accepts: a signed-in member with tokens. */
  async function member(name: string, role: 'ADMIN' | 'AGENT' = 'AGENT') {
    const email = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@team.test`;
    const invite = await t.gql(INVITE, { email, name, role }, admin.token);
    const accepted = await t.gql(ACCEPT, { token: invite.data.inviteAgent.inviteToken });
    return {
      id: accepted.data.acceptInvite.user.id as string,
      email,
      token: accepted.data.acceptInvite.accessToken as string,
      refresh: accepted.data.acceptInvite.refreshToken as string,
    };
  }

  const auditActions = async () =>
    (await t.sql(`select action from audit_log where workspace_id = ? order by created_at, id`, [admin.workspaceId])).map((r) => r.action);

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.createWorkspace('Team Co');
  });
  afterAll(() => t.close());

  it('lists the whole team with role, status and last seen, page by page, for admins only', async () => {
    const bob = await member('Bob');
    await t.gql(INVITE, { email: 'pending@team.test', name: 'Penny Pending' }, admin.token);
    const all = await t.gql(ROSTER, { first: 2 }, admin.token);
    expect(all.errors).toBeUndefined();
    expect(all.data.teamRoster.edges.map((e: any) => e.node.name)).toEqual(['Admin', 'Bob']);
    expect(all.data.teamRoster.pageInfo.hasNextPage).toBe(true);
    expect(all.data.teamRoster.edges[0].node.lastSeenAt).not.toBeNull();
    const next = await t.gql(ROSTER, { first: 2, after: all.data.teamRoster.pageInfo.endCursor }, admin.token);
    expect(next.data.teamRoster.edges.map((e: any) => [e.node.name, e.node.status])).toEqual([['Penny Pending', 'INVITED']]);
    const pending = await t.gql(ROSTER, { statuses: ['INVITED'] }, admin.token);
    expect(pending.data.teamRoster.edges.map((e: any) => e.node.email)).toEqual(['pending@team.test']);

    expectError(await t.gql(ROSTER, {}, bob.token), 'FORBIDDEN');
    // Another workspace's admin sees only their own team.
    const other = await t.createWorkspace('Elsewhere');
    expect((await t.gql(ROSTER, {}, other.token)).data.teamRoster.edges.map((e: any) => e.node.email)).toEqual([other.email]);
    expectError(await t.gql(CHANGE_ROLE, { id: bob.id, role: 'ADMIN' }, other.token), 'NOT_FOUND');
  });

  it('changes roles; a demoted admin’s token stops working and a refresh brings the new role', async () => {
    const cleo = await member('Cleo', 'ADMIN');
    expect((await t.gql(ROSTER, { first: 1 }, cleo.token)).errors).toBeUndefined();
    const demoted = await t.gql(CHANGE_ROLE, { id: cleo.id, role: 'AGENT' }, admin.token);
    expect(demoted.data.changeRole).toEqual({ id: cleo.id, role: 'AGENT' });
    expectError(await t.gql(ROSTER, { first: 1 }, cleo.token), 'UNAUTHENTICATED');
    const agentToken = (await t.gql(REFRESH, { token: cleo.refresh })).data.refreshToken.accessToken;
    expect((await t.gql(`{ me { role } }`, {}, agentToken)).data.me.role).toBe('AGENT');
    expectError(await t.gql(ROSTER, { first: 1 }, agentToken), 'FORBIDDEN');
    expectError(await t.gql(CHANGE_ROLE, { id: cleo.id, role: 'ADMIN' }, agentToken), 'FORBIDDEN');
    expect(await auditActions()).toContain('user.role_change');
  });

  it('refuses a demoted or deactivated member on this node at once, even when the revocation event is slow to arrive', async () => {
    // The event crosses Redis (or the in-process hub) asynchronously: hold it back for a while, as a busy Redis would.
    const events = holdBack(t, 'principalRevoked');
    try {
      const erin = await member('Erin', 'ADMIN');
      const fay = await member('Fay');
      expect((await t.gql(ROSTER, { first: 1 }, erin.token)).errors).toBeUndefined();
      expect((await t.gql(`{ me { id } }`, {}, fay.token)).data.me.id).toBe(fay.id);
      await t.gql(CHANGE_ROLE, { id: erin.id, role: 'AGENT' }, admin.token);
      await t.gql(DEACTIVATE, { id: fay.id }, admin.token);
      expect(events.held.length).toBe(2);
      expectError(await t.gql(ROSTER, { first: 1 }, erin.token), 'UNAUTHENTICATED');
      expectError(await t.gql(`{ me { id } }`, {}, fay.token), 'UNAUTHENTICATED');
    } finally {
      events.release();
    }
  });

  it('deactivation locks a member out at once (refresh, log-in, access token) and reactivation lets them back', async () => {
    const dan = await member('Dan');
    expect((await t.gql(`{ me { id } }`, {}, dan.token)).data.me.id).toBe(dan.id);
    expectError(await t.gql(DEACTIVATE, { id: dan.id }, dan.token), 'FORBIDDEN');
    let connected = false;
    let closedWith: number | undefined;
    const socket = wsClient(t.wsUrl, dan.token, { on: { connected: () => (connected = true), closed: (e) => (closedWith = (e as { code: number }).code) } });
    const feed = collect(socket, 'subscription { notifications { id } }');
    await eventually(async () => connected, 15_000, 'the socket to connect');

    const off = await t.gql(DEACTIVATE, { id: dan.id }, admin.token);
    expect(off.data.deactivateUser).toMatchObject({ id: dan.id, status: 'DISABLED' });
    expect(off.data.deactivateUser.deactivatedAt).not.toBeNull();
    expectError(await t.gql(REFRESH, { token: dan.refresh }), 'UNAUTHENTICATED');
    expectError(await t.gql(LOG_IN, { email: dan.email, password: 'agent-password' }), 'UNAUTHENTICATED');
    expectError(await t.gql(`{ me { id } }`, {}, dan.token), 'UNAUTHENTICATED');
    // The open socket is closed as revoked.
    await eventually(async () => closedWith === 4403, 15_000, 'the socket to close with 4403');
    feed.dispose();
    await socket.dispose();

    const on = await t.gql(REACTIVATE, { id: dan.id }, admin.token);
    expect(on.data.reactivateUser).toEqual({ id: dan.id, status: 'ACTIVE', deactivatedAt: null });
    // Sessions revoked by the deactivation stay revoked; the password works again.
    expectError(await t.gql(REFRESH, { token: dan.refresh }), 'UNAUTHENTICATED');
    expect((await t.gql(LOG_IN, { email: dan.email, password: 'agent-password' })).data.logIn.user.id).toBe(dan.id);
    expect(await auditActions()).toEqual(expect.arrayContaining(['user.deactivate', 'user.reactivate']));
  });

  it('never leaves a workspace without an active admin', async () => {
    const solo = await t.createWorkspace('Solo');
    const ana = await (async () => {
      const email = `ana-${Date.now()}@solo.test`;
      const invite = await t.gql(INVITE, { email, name: 'Ana', role: 'AGENT' }, solo.token);
      return (await t.gql(ACCEPT, { token: invite.data.inviteAgent.inviteToken })).data.acceptInvite.user.id as string;
    })();
    const err = expectError(await t.gql(CHANGE_ROLE, { id: solo.userId, role: 'AGENT' }, solo.token), 'CONFLICT');
    expect(err.message).toMatch(/last active admin/);
    expectError(await t.gql(DEACTIVATE, { id: solo.userId }, solo.token), 'BAD_USER_INPUT');
    // With a second admin the first may step down; then the second is the last one.
    await t.gql(CHANGE_ROLE, { id: ana, role: 'ADMIN' }, solo.token);
    expect((await t.gql(CHANGE_ROLE, { id: solo.userId, role: 'AGENT' }, solo.token)).data.changeRole.role).toBe('AGENT');
    const anaToken = (await t.gql(LOG_IN, { email: (await t.sql('select email from "user" where id = ?', [ana]))[0].email, password: 'agent-password' })).data
      .logIn.accessToken;
    expectError(await t.gql(CHANGE_ROLE, { id: ana, role: 'AGENT' }, anaToken), 'CONFLICT');
    expect(
      (await t.sql(`select count(*)::int as n from "user" where workspace_id = ? and role = 'ADMIN' and status = 'ACTIVE'`, [solo.workspaceId]))[0].n,
    ).toBe(1);
  });

  it('revokes and resends invitations', async () => {
    const invite = await t.gql(INVITE, { email: 'erin@team.test', name: 'Erin' }, admin.token);
    const erin = invite.data.inviteAgent.user.id;
    const resent = await t.gql(`mutation($id: ID!) { resendInvitation(userId: $id) { inviteToken user { id status } } }`, { id: erin }, admin.token);
    expect(resent.data.resendInvitation.user).toEqual({ id: erin, status: 'INVITED' });
    expectError(await t.gql(ACCEPT, { token: invite.data.inviteAgent.inviteToken }), 'NOT_FOUND');
    expect((await t.gql(`mutation($id: ID!) { revokeInvitation(userId: $id) }`, { id: erin }, admin.token)).data.revokeInvitation).toBe(true);
    expectError(await t.gql(ACCEPT, { token: resent.data.resendInvitation.inviteToken }), 'NOT_FOUND');
    expect((await t.gql(ROSTER, { statuses: ['INVITED'] }, admin.token)).data.teamRoster.edges.map((e: any) => e.node.email)).not.toContain('erin@team.test');
    expect(await auditActions()).toEqual(expect.arrayContaining(['user.invite_resend', 'user.invite_revoke']));
  });

  it('changes one’s own password and resets a member’s with a one-time link', async () => {
    const fay = await member('Fay');
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) }`;
    expectError(await t.gql(CHANGE, { c: 'wrong-password', n: 'new-password-1' }, fay.token), 'BAD_USER_INPUT');
    expect((await t.gql(CHANGE, { c: 'agent-password', n: 'new-password-1' }, fay.token)).data.changePassword).toBe(true);
    expectError(await t.gql(LOG_IN, { email: fay.email, password: 'agent-password' }), 'UNAUTHENTICATED');
    const session = (await t.gql(LOG_IN, { email: fay.email, password: 'new-password-1' })).data.logIn;

    expectError(await t.gql(`mutation($id: ID!) { createPasswordResetLink(userId: $id) { resetToken } }`, { id: admin.userId }, fay.token), 'FORBIDDEN');
    const link = await t.gql(`mutation($id: ID!) { createPasswordResetLink(userId: $id) { resetToken expiresAt user { id } } }`, { id: fay.id }, admin.token);
    const RESET = `mutation($token: String!, $p: String!) { resetPassword(input: {token: $token, password: $p}) { accessToken user { id } } }`;
    const reset = await t.gql(RESET, { token: link.data.createPasswordResetLink.resetToken, p: 'reset-password-2' });
    expect(reset.data.resetPassword.user.id).toBe(fay.id);
    // One use only; earlier sessions are signed out; the new password works.
    expectError(await t.gql(RESET, { token: link.data.createPasswordResetLink.resetToken, p: 'another-password' }), 'NOT_FOUND');
    expectError(await t.gql(REFRESH, { token: session.refreshToken }), 'UNAUTHENTICATED');
    expect((await t.gql(LOG_IN, { email: fay.email, password: 'reset-password-2' })).data.logIn.user.id).toBe(fay.id);
    expect(await auditActions()).toEqual(expect.arrayContaining(['user.password_change', 'user.password_reset_link', 'user.password_reset']));
    // Nothing secret is stored in clear.
    expect(JSON.stringify(await t.sql('select password_reset_token_hash from "user"'))).not.toContain(link.data.createPasswordResetLink.resetToken);
  });
});
