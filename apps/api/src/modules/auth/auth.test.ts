import { SignJWT } from 'jose';
import { eventually, expectError, startTestServer, TEST_JWT_SECRET, wsClient, type TestServer } from '../../../test/testkit.js';
import { TokenService } from './tokens.js';

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id email role workspace { id name widgetKey } } } }`;
const LOG_IN = `mutation($email: String!, $password: String!) { logIn(input: {email: $email, password: $password}) { accessToken refreshToken user { id } } }`;
const REFRESH = `mutation($token: String!) { refreshToken(token: $token) { accessToken refreshToken } }`;
const ME = `{ me { id email role workspace { name widgetKey } } }`;

describe('auth', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('signs up, logs in, rotates refresh tokens, detects reuse and logs out', async () => {
    const signUp = await t.gql(SIGN_UP, { input: { workspaceName: 'Acme', name: 'Ada', email: 'Ada@Acme.test', password: 'correct horse' } });
    expect(signUp.errors).toBeUndefined();
    expect(signUp.data.signUp.user).toMatchObject({ email: 'ada@acme.test', role: 'ADMIN', workspace: { name: 'Acme' } });
    expect(signUp.data.signUp.user.workspace.widgetKey).toMatch(/^wk_/);

    // A second sign-up on a non-empty instance is refused and writes nothing.
    const again = await t.gql(SIGN_UP, { input: { workspaceName: 'Other', name: 'Eve', email: 'eve@x.test', password: 'password99' } });
    expectError(again, 'FORBIDDEN');
    expect((await t.sql('select count(*)::int as n from workspace'))[0].n).toBe(1);

    const wrong = await t.gql(LOG_IN, { email: 'ada@acme.test', password: 'nope-nope' });
    expectError(wrong, 'UNAUTHENTICATED');

    const login = await t.gql(LOG_IN, { email: 'ada@acme.test', password: 'correct horse' });
    const first = login.data.logIn;
    const me = await t.gql(ME, {}, first.accessToken);
    expect(me.data.me).toMatchObject({ email: 'ada@acme.test', role: 'ADMIN' });

    const r1 = await t.gql(REFRESH, { token: first.refreshToken });
    expect(r1.errors).toBeUndefined();
    const second = r1.data.refreshToken;
    expect(second.refreshToken).not.toBe(first.refreshToken);

    // Reusing the rotated token is refused and revokes the whole family…
    expectError(await t.gql(REFRESH, { token: first.refreshToken }), 'UNAUTHENTICATED');
    // …so even the newest token of that family no longer works.
    expectError(await t.gql(REFRESH, { token: second.refreshToken }), 'UNAUTHENTICATED');

    // Tokens are stored hashed, never in clear.
    const stored = await t.sql('select token_hash from refresh_token');
    expect(stored.map((r) => r.token_hash)).not.toContain(first.refreshToken);

    const other = (await t.gql(LOG_IN, { email: 'ada@acme.test', password: 'correct horse' })).data.logIn;
    expect((await t.gql(`mutation($t: String!) { logOut(refreshToken: $t) }`, { t: other.refreshToken })).data.logOut).toBe(true);
    expectError(await t.gql(REFRESH, { token: other.refreshToken }), 'UNAUTHENTICATED');
  });

  it('invites an agent who accepts once and can then log in with the AGENT role', async () => {
    const admin = (await t.gql(LOG_IN, { email: 'ada@acme.test', password: 'correct horse' })).data.logIn.accessToken;
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "bob@acme.test", name: "Bob"}) { inviteToken user { id status role } } }`, {}, admin);
    expect(invite.data.inviteAgent.user).toMatchObject({ status: 'INVITED', role: 'AGENT' });
    expectError(await t.gql(LOG_IN, { email: 'bob@acme.test', password: 'whatever1' }), 'UNAUTHENTICATED');

    const token = invite.data.inviteAgent.inviteToken;
    const accept = await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "bobs-password"}) { accessToken user { role status } } }`, {
      t: token,
    });
    expect(accept.data.acceptInvite.user).toEqual({ role: 'AGENT', status: 'ACTIVE' });
    expectError(
      await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "again-password"}) { accessToken } }`, { t: token }),
      'NOT_FOUND',
    );

    const agent = (await t.gql(LOG_IN, { email: 'bob@acme.test', password: 'bobs-password' })).data.logIn.accessToken;
    // Agents cannot invite.
    expectError(await t.gql(`mutation { inviteAgent(input: {email: "x@acme.test", name: "X"}) { inviteToken } }`, {}, agent), 'FORBIDDEN');
    // Duplicate invites conflict.
    expectError(await t.gql(`mutation { inviteAgent(input: {email: "bob@acme.test", name: "Bob"}) { inviteToken } }`, {}, admin), 'CONFLICT');
    // The team list: active members only (an open invitation is not on it), same workspace only, staff only.
    await t.gql(`mutation { inviteAgent(input: {email: "carol@acme.test", name: "Carol"}) { inviteToken } }`, {}, admin);
    const team = await t.gql(`{ teamMembers { name role status } }`, {}, agent);
    expect(team.data.teamMembers.map((u: any) => u.name).sort()).toEqual(['Ada', 'Bob'].sort());
    const other = await t.createWorkspace('Elsewhere');
    expect((await t.gql(`{ teamMembers { email } }`, {}, other.token)).data.teamMembers.map((u: any) => u.email)).toEqual([other.email]);
    expectError(await t.gql(`{ teamMembers { id } }`), 'UNAUTHENTICATED');
  });

  it('rejects missing, malformed and expired tokens with UNAUTHENTICATED', async () => {
    expectError(await t.gql(ME), 'UNAUTHENTICATED');
    const bad = await t.gql(ME, {}, 'not-a-jwt');
    expectError(bad, 'UNAUTHENTICATED');
    expect(bad.status).toBe(401);
    const expired = await new SignJWT({ typ: 'access', wid: '00000000-0000-0000-0000-000000000000', role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('00000000-0000-0000-0000-000000000000')
      .setIssuer('switchboard')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const err = expectError(await t.gql(ME, {}, expired), 'UNAUTHENTICATED');
    expect(err.message).toMatch(/expired/i);
    const forged = await new SignJWT({ typ: 'access', wid: 'x', role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('switchboard')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expectError(await t.gql(ME, {}, forged), 'UNAUTHENTICATED');
  });

  it('refuses a token once it expires, though it was accepted before, over HTTP and graphql-ws', async () => {
    // Verified tokens are remembered by their text; the expiry must still end them.
    const ws = await t.createWorkspace();
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await new SignJWT({ typ: 'access', wid: ws.workspaceId, role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(ws.userId)
      .setIssuer('switchboard')
      .setIssuedAt(now)
      .setExpirationTime(now + 4)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const ok = await t.gql(ME, {}, shortLived);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.me.id).toBe(ws.userId);
    const refused = await eventually(
      async () => {
        const res = await t.gql(ME, {}, shortLived);
        return res.errors ? res : null;
      },
      15_000,
      'the token to expire',
    );
    expect(expectError(refused, 'UNAUTHENTICATED').message).toMatch(/expired/i);
    const socket = wsClient(t.wsUrl, shortLived);
    expect(await new Promise<number>((resolve) => socket.on('closed', (e: any) => resolve(e.code)))).toBe(4401);
    await socket.dispose();
  });

  it('remembers verified tokens by their text only: the expiry is checked on every use, forgeries are never remembered', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-06-01T12:00:00Z') });
    try {
      const tokens = new TokenService(TEST_JWT_SECRET, 60, 60);
      const token = await tokens.signAccess({ id: 'u1', workspaceId: 'w1', role: 'AGENT' as never });
      const first = await tokens.verify(token);
      expect(first).toMatchObject({ kind: 'user', userId: 'u1', workspaceId: 'w1', role: 'AGENT' });
      expect(await tokens.verify(token)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      // A changed signature is checked, and refused, however similar the text.
      const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
      await expect(tokens.verify(forged)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      await expect(tokens.verify(forged)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      vi.setSystemTime(new Date('2026-06-01T12:00:59Z'));
      expect(await tokens.verify(token)).toBe(first);
      vi.setSystemTime(new Date('2026-06-01T12:01:00Z'));
      await expect(tokens.verify(token)).rejects.toThrow(/expired/i);
      await expect(tokens.verify(token)).rejects.toThrow(/expired/i);
      // Another service (another secret) does not take it.
      await expect(new TokenService('another-secret-another-secret-another-secret', 60, 60).verify(token)).rejects.toThrow(/invalid/i);
    } finally {
      vi.useRealTimers();
    }
  });

  it('validates sign-up input before writing anything', async () => {
    const res = await t.gql(SIGN_UP, { input: { workspaceName: ' ', name: 'A', email: 'not-an-email', password: 'short' } });
    const err = expectError(res, 'BAD_USER_INPUT');
    const fields = (err.extensions!.validation as { field: string }[]).map((v) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['workspaceName', 'email', 'password']));
    // Each field is named once ("password must be …", not "password password must be …").
    expect(err.message).toMatch(/^Invalid input: /);
    expect(err.message).toMatch(/(^|; )email must be an email(;|$)/);
    expect(err.message).not.toMatch(/\b(workspaceName|email|password) \1\b/);
    expect((await t.sql('select count(*)::int as n from "user" where email = ?', ['not-an-email']))[0].n).toBe(0);
  });
});
