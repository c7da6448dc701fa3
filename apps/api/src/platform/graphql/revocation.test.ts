// Credentials live as long as the socket: revoked keys, ended sessions,
// deactivated accounts, erased contacts and expired tokens stop an open
// socket within seconds (its operations end with an error, then it closes
// 4403 or 4401), and the same credential is refused over HTTP.
import { print } from 'graphql';
import { LogInDocument } from '@switchboard/schema';
import type { Client } from 'graphql-ws';
import { eventually, expectError, holdBack, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';

interface Watched {
  client: Client;
  /** The close code, once the server closes the socket. */
  closed: Promise<number>;
  /** The first error the subscription receives. */
  failed: Promise<any>;
  /** Resolves on the subscription's first event (so it is known to be live). */
  live: Promise<void>;
}

/** Opens a socket with `token` and one subscription on it. */
function watch(t: TestServer, token: string, query: string, variables: Record<string, unknown> = {}): Watched {
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((r) => (onClosed = r));
  const client = wsClient(t.wsUrl, token, { on: { closed: (e: any) => onClosed(e.code) } });
  let onFailed!: (e: any) => void;
  let onLive!: () => void;
  const failed = new Promise<any>((r) => (onFailed = r));
  const live = new Promise<void>((r) => (onLive = r));
  client.subscribe({ query, variables }, { next: () => onLive(), error: (e) => onFailed(e), complete: () => onFailed(new Error('completed')) });
  return { client, closed, failed, live };
}

/** Creates tickets until the inbox subscriptions have seen one (a subscription has no acknowledgement to wait for). */
async function wake(t: TestServer, token: string, live: Promise<unknown>) {
  let seen = false;
  void live.then(() => (seen = true));
  const deadline = Date.now() + 15_000;
  while (!seen && Date.now() < deadline) {
    await t.gql(`mutation { createTicket(input: { subject: "Wake the feed" }) { id } }`, {}, token);
    await Promise.race([live, new Promise((r) => setTimeout(r, 250))]);
  }
  if (!seen) throw new Error('the inbox subscription never went live');
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))]);

const METRICS = `subscription { metricsUpdated { windowDays } }`;
const INBOX = `subscription { inboxEvents { __typename } }`;
const CONVERSATION = `subscription($id: ID!) { conversationEvents(conversationId: $id, afterSeq: 0) { __typename } }`;

describe('revocation reaches open sockets', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    // A long sweep interval: what must happen within seconds here happens through revocation events.
    t = await startTestServer({ AUTH_RECHECK_SECONDS: '3600' });
    ws = await t.createWorkspace();
  });
  afterAll(() => t.close());

  it('a revoked API key: its metricsUpdated subscription ends FORBIDDEN, the socket closes 4403, HTTP and new sockets are refused', async () => {
    const created = await t.gql(`mutation { createApiKey(input: { name: "Partner", scopes: [ANALYTICS_READ] }) { secret apiKey { id } } }`, {}, ws.token);
    const { secret, apiKey } = created.data.createApiKey;
    const w = watch(t, secret, METRICS);
    await within(w.live, 10_000, 'the first metrics frame');
    const started = Date.now();
    expect((await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id }, ws.token)).data.revokeApiKey.revokedAt).toBeTruthy();
    const err = await within(w.failed, 5000, 'the subscription error');
    expect(err[0].extensions.code).toBe('FORBIDDEN');
    expect(await within(w.closed, 5000, 'the socket close')).toBe(4403);
    expect(Date.now() - started).toBeLessThan(5000);
    expectError(
      await t.gql(`{ analytics(range: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" }) { automatedResolutionRate } }`, {}, secret),
      'UNAUTHENTICATED',
    );
    const again = watch(t, secret, METRICS);
    expect(await within(again.closed, 5000, 'refusal of a new socket')).toBe(4401);
    await again.client.dispose();
    await w.client.dispose();
  });

  it('the node that revokes closes its own sockets at once, without waiting for the event to come back through pub/sub', async () => {
    const created = await t.gql(`mutation { createApiKey(input: { name: "Held back", scopes: [ANALYTICS_READ] }) { secret apiKey { id } } }`, {}, ws.token);
    const { secret, apiKey } = created.data.createApiKey;
    const w = watch(t, secret, METRICS);
    await within(w.live, 10_000, 'the first metrics frame');
    const events = holdBack(t, 'principalRevoked');
    try {
      await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id }, ws.token);
      expect(events.held.length).toBe(1);
      expect((await within(w.failed, 5000, 'the subscription error'))[0].extensions.code).toBe('FORBIDDEN');
      expect(await within(w.closed, 5000, 'the socket close')).toBe(4403);
    } finally {
      events.release();
    }
    await w.client.dispose();
  });

  it('log-out ends the session: its sockets close 4403 and its access token is refused over HTTP', async () => {
    const login = await t.gql(print(LogInDocument), { input: { email: ws.email, password: 'password123' } });
    const { accessToken, refreshToken } = login.data.logIn;
    const w = watch(t, accessToken, INBOX);
    // Another session of the same user is not affected.
    const other = watch(t, ws.token, INBOX);
    await wake(t, ws.token, Promise.all([w.live, other.live]));
    expect((await t.gql(`mutation($r: String!) { logOut(refreshToken: $r) }`, { r: refreshToken }, accessToken)).data.logOut).toBe(true);
    expect((await within(w.failed, 5000, 'the subscription error'))[0].extensions.code).toBe('FORBIDDEN');
    expect(await within(w.closed, 5000, 'the socket close')).toBe(4403);
    const refused = expectError(await t.gql(`{ me { id } }`, {}, accessToken), 'UNAUTHENTICATED');
    expect(refused.message).toMatch(/session/i);
    expect((await t.gql(`{ me { id } }`, {}, ws.token)).data.me.id).toBe(ws.userId);
    await w.client.dispose();
    await other.client.dispose();
  });

  it('an erased contact: the customer socket closes 4403 and the customer token is refused', async () => {
    const started = await t.gql(
      `mutation($k: String!) { startConversation(input: { widgetKey: $k, name: "Pat", email: "pat@example.com", message: "Hello" }) { customerToken conversation { id contact { id } } } }`,
      { k: ws.widgetKey },
    );
    const { customerToken, conversation } = started.data.startConversation;
    const w = watch(t, customerToken, CONVERSATION, { id: conversation.id });
    await within(w.live, 10_000, 'the replayed history');
    expect((await t.gql(`mutation($id: ID!) { eraseContact(contactId: $id) }`, { id: conversation.contact.id }, ws.token)).data.eraseContact).toBe(true);
    expect((await within(w.failed, 5000, 'the subscription error'))[0].extensions.code).toBe('FORBIDDEN');
    expect(await within(w.closed, 5000, 'the socket close')).toBe(4403);
    expectError(await t.gql(`query($id: ID!) { conversation(id: $id) { id } }`, { id: conversation.id }, customerToken), 'UNAUTHENTICATED');
    await w.client.dispose();
  });
});

describe('without an event', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ AUTH_RECHECK_SECONDS: '1', ACCESS_TOKEN_TTL_SECONDS: '8' });
  });
  afterAll(() => t.close());

  it('an access token that expires closes its socket 4401 at expiry, with UNAUTHENTICATED for its operations', async () => {
    const ws = await t.createWorkspace();
    const w = watch(t, ws.token, INBOX);
    await wake(t, ws.token, w.live);
    expect((await within(w.failed, 12_000, 'the subscription error'))[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await within(w.closed, 5000, 'the socket close')).toBe(4401);
    await w.client.dispose();
  });

  it('an account disabled behind the API’s back is noticed by the periodic re-check', async () => {
    const ws = await t.createWorkspace();
    const w = watch(t, ws.token, INBOX);
    await wake(t, ws.token, w.live);
    await t.sql(`update "user" set status = 'DISABLED' where id = ?`, [ws.userId]);
    expect(await within(w.closed, 5000, 'the socket close')).toBe(4403);
    await w.client.dispose();
  });
});

describe('a revocation event that never arrives', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ AUTH_CACHE_SECONDS: '1' });
  });
  afterAll(() => t.close());

  it('a node that never hears of a revocation refuses the credential once its cached verdict is AUTH_CACHE_SECONDS old', async () => {
    const ws = await t.createWorkspace();
    const login = await t.gql(print(LogInDocument), { input: { email: ws.email, password: 'password123' } });
    const { accessToken, refreshToken } = login.data.logIn;
    const ME = `{ me { id } }`;
    const peer = await t.startPeer();
    try {
      // The peer checks the session and keeps its verdict (an access token alone names no revocation).
      expect((await peer.gql(ME, {}, accessToken)).data.me.id).toBe(ws.userId);
      // The log-out's event is lost on the way (a Redis blink): the peer never hears it.
      const events = holdBack(t, 'principalRevoked');
      try {
        expect((await t.gql(`mutation($r: String!) { logOut(refreshToken: $r) }`, { r: refreshToken }, accessToken)).data.logOut).toBe(true);
        expect(events.held).toHaveLength(1);
        expectError(await t.gql(ME, {}, accessToken), 'UNAUTHENTICATED');
        await eventually(
          async () => {
            const refused = (await peer.gql(ME, {}, accessToken)).errors?.[0];
            return refused?.extensions?.code === 'UNAUTHENTICATED' && /session has ended/.test(refused.message);
          },
          15_000,
          'the peer refusing the ended session',
        );
      } finally {
        events.release();
      }
    } finally {
      await peer.close();
    }
  });
});
