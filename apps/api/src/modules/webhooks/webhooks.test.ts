// Webhooks end to end, over real HTTP and graphql-ws against the real
// database: a receiver started here verifies every delivery with the
// standardwebhooks library; events come from the product's own mutations;
// retries keep the webhook-id; secret rotation signs with both secrets during
// the overlap; 410 disables (admins notified live), and so do days of
// failures (with an alert); a window replays exactly
// its events; tenants and API-key scopes are kept apart; a rolled-back
// transaction emits nothing. SSRF refusals run on a server without the
// allow-list (the others allow 127.0.0.1 so they can reach the receiver).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { collect, eventually, expectError, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';
import { scrapeMetrics } from '../../../test/prometheus.js';
import { forkFor } from '../../platform/database.js';
import { emitWebhookEvents, pokeFanOut, WebhookEventType } from './index.js';

interface Received {
  path: string;
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

/** A partner's server: records every request; `behaviour` decides the status per path and attempt. */
class Receiver {
  readonly requests: Received[] = [];
  private server!: Server;
  url = '';
  /** path → (attempt number for this webhook-id, 1-based) → status */
  behaviour = new Map<string, (attempt: number) => number>();

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id']);
        const path = req.url ?? '/';
        this.requests.push({ path, id, headers: req.headers, body, json: JSON.parse(body) });
        const attempt = this.requests.filter((r) => r.path === path && r.id === id).length;
        res.statusCode = this.behaviour.get(path)?.(attempt) ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  /** Whether `secret` verifies this request, with the Standard Webhooks verifier. */
  static verifies(secret: string, r: Received): boolean {
    try {
      new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  }

  close() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

const ENDPOINT = `id url description eventTypes enabled disabledReason disabledAt secretPrefix previousSecretExpiresAt failingSince lastSuccessAt createdAt`;
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT} } } }`;
const UPDATE = `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { ${ENDPOINT} } }`;
const ROTATE = `mutation($id: ID!, $overlap: Int) { rotateWebhookSecret(id: $id, overlapMinutes: $overlap) { secret endpoint { ${ENDPOINT} } } }`;
const LIST = `{ webhookEndpoints { ${ENDPOINT} } }`;
const DELIVERY = `id endpointId eventId eventType trigger status attempts lastStatusCode lastLatencyMs lastError lastAttemptAt nextAttemptAt deliveredAt createdAt event { id type version data occurredAt }`;
const DELIVERIES = `query($endpointId: ID!, $filter: WebhookDeliveryFilter, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $endpointId, filter: $filter, first: $first, after: $after) { edges { node { ${DELIVERY} } } pageInfo { hasNextPage endCursor } } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { ${DELIVERY} } }`;
const REPLAY = `mutation($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { replayWebhooks(endpointId: $id, from: $from, to: $to) { endpointId count deliveries { id eventId trigger } } }`;
const TEST = `mutation($id: ID!) { sendTestWebhook(id: $id) { ${DELIVERY} } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`;
const CREATE_TICKET = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }`;

const ALL_TYPES = [
  'CONVERSATION_CREATED',
  'CONVERSATION_ASSIGNED',
  'CONVERSATION_HANDED_OFF',
  'CONVERSATION_RESOLVED',
  'MESSAGE_CREATED',
  'TICKET_CREATED',
  'TICKET_UPDATED',
  'CSAT_SUBMITTED',
  'FAQ_PUBLISHED',
];

describe('webhooks', () => {
  let t: TestServer;
  let a: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let b: Awaited<ReturnType<TestServer['createWorkspace']>>;
  const receiver = new Receiver();

  const ok = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await t.gql(query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const create = async (path: string, eventTypes: string[], token = a.token) =>
    (await ok(CREATE, { input: { url: `${receiver.url}${path}`, eventTypes, description: `receiver ${path}` } }, token)).createWebhookEndpoint as {
      secret: string;
      endpoint: any;
    };
  const deliveriesOf = async (endpointId: string, filter: Record<string, unknown> = {}, token = a.token) =>
    (await ok(DELIVERIES, { endpointId, filter, first: 100 }, token)).webhookDeliveries.edges.map((e: any) => e.node);
  const ticket = async (subject: string) => (await ok(CREATE_TICKET, { input: { subject } }, a.token)).createTicket.id as string;

  beforeAll(async () => {
    await receiver.start();
    t = await startTestServer({
      RUN_WORKERS: 'true',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_TIMEOUT_MS: '3000',
      ALERT_EVALUATION_SECONDS: '0.5',
    });
    a = await t.createWorkspace('Alpha');
    b = await t.createWorkspace('Beta');
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('sends every event type, signed so that the standardwebhooks verifier accepts it; never a system note as message.created', async () => {
    const { secret, endpoint } = await create('/all', ALL_TYPES);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(endpoint).toMatchObject({ enabled: true, disabledReason: null, eventTypes: ALL_TYPES, secretPrefix: secret.slice(0, 12) });
    // The secret is never readable again.
    expect(JSON.stringify((await ok(LIST, {}, a.token)).webhookEndpoints)).not.toContain(secret.slice(12));

    // A customer starts a conversation; an agent (the admin) answers: handed off, assigned, message.
    const started = await ok(
      `mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } customerToken } }`,
      {
        input: { widgetKey: a.widgetKey, message: 'Where is my parcel?', name: 'Dana' },
      },
      '',
    );
    const conversationId = started.startConversation.conversation.id;
    const customerToken = started.startConversation.customerToken;
    await ok(`mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`, { input: { conversationId, body: 'Let me check.' } }, a.token);
    await ok(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: conversationId }, a.token);
    await ok(`mutation($id: ID!) { rateConversation(id: $id, score: 5, comment: "Quick!") { id } }`, { id: conversationId }, customerToken);
    // A second conversation handed off explicitly: the SYSTEM note it adds is not a message.created.
    const second = await ok(
      `mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } } }`,
      { input: { widgetKey: a.widgetKey } },
      '',
    );
    const secondId = second.startConversation.conversation.id;
    await ok(`mutation($id: ID!) { handOffToHuman(id: $id, reason: agent_request) { id } }`, { id: secondId }, a.token);
    await ok(`mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`, { id: secondId, u: a.userId }, a.token);
    const ticketId = await ticket('Parcel lost');
    await ok(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { id } }`, { input: { id: ticketId, status: 'RESOLVED' } }, a.token);
    const faq = await ok(
      `mutation($input: CreateFaqInput!) { createFaq(input: $input) { id } }`,
      { input: { question: 'Where is my parcel?', answer: 'Track it on the tracking page.' } },
      a.token,
    );
    await ok(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id: faq.createFaq.id }, a.token);

    const expected = [
      'conversation.created',
      'message.created', // start with a first message
      'conversation.handed_off',
      'conversation.assigned',
      'message.created', // the agent's reply takes over
      'conversation.resolved',
      'csat.submitted',
      'conversation.created',
      'conversation.handed_off',
      'conversation.assigned',
      'ticket.created',
      'ticket.updated',
      'faq.published',
    ];
    const got = await eventually(async () => receiver.on('/all').length >= expected.length && receiver.on('/all'), 20_000, 'every event');
    // Ordering is not promised: compare as multisets.
    expect(got.map((r) => r.json.type).sort()).toEqual([...expected].sort());
    for (const r of got) {
      expect(Receiver.verifies(secret, r)).toBe(true);
      expect(r.json).toMatchObject({ id: r.id, version: 1, workspaceId: a.workspaceId });
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(Receiver.verifies(`whsec_${Buffer.from('another secret of thirty-two bytes').toString('base64')}`, got[0]!)).toBe(false);
    const byType = (type: string) => got.filter((r) => r.json.type === type).map((r) => r.json.data);
    expect(
      byType('message.created')
        .map((d) => [d.message.authorType, d.message.body])
        .sort(),
    ).toEqual([
      ['AGENT', 'Let me check.'],
      ['CUSTOMER', 'Where is my parcel?'],
    ]);
    expect(
      byType('conversation.handed_off')
        .map((d) => d.reason)
        .sort(),
    ).toEqual(['agent_request', 'agent_took_over']);
    expect(byType('csat.submitted')).toEqual([{ conversationId, score: 5, comment: 'Quick!' }]);
    expect(byType('conversation.resolved')[0].conversation).toMatchObject({ id: conversationId, status: 'RESOLVED' });
    expect(byType('ticket.updated')[0]).toMatchObject({
      ticket: { id: ticketId, status: 'RESOLVED' },
      changes: expect.arrayContaining(['status', 'resolvedAt']),
    });
    expect(byType('faq.published')[0].faq).toMatchObject({ id: faq.createFaq.id, question: 'Where is my parcel?' });
    // Event ids are unique and are the webhook-id.
    expect(new Set(got.map((r) => r.id)).size).toBe(got.length);

    const log = await deliveriesOf(endpoint.id);
    expect(log).toHaveLength(expected.length);
    for (const d of log) expect(d).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200, trigger: 'EVENT', lastError: null });
    expect(log.every((d: any) => d.lastLatencyMs >= 0 && d.event.id === d.eventId)).toBe(true);

    const metrics = await scrapeMetrics(t.url);
    expect(metrics.sum('switchboard_webhook_attempts_total', { result: 'delivered' })).toBeGreaterThanOrEqual(expected.length);
    expect(metrics.sum('switchboard_webhook_events_total', { type: 'message.created' })).toBeGreaterThanOrEqual(2);
    await ok(DELETE, { id: endpoint.id }, a.token);
  });

  it('retries a failing receiver with backoff and delivers later with the same webhook-id', async () => {
    receiver.behaviour.set('/flaky', (attempt) => (attempt <= 3 ? 503 : 200));
    const { secret, endpoint } = await create('/flaky', ['TICKET_CREATED']);
    const ticketId = await ticket('Flaky receiver');
    const [delivered] = await eventually(
      async () => {
        const log = await deliveriesOf(endpoint.id);
        return log[0]?.status === 'DELIVERED' && log;
      },
      20_000,
      'the delivery to succeed',
    );
    expect(delivered).toMatchObject({ attempts: 4, lastStatusCode: 200, status: 'DELIVERED', nextAttemptAt: null });
    const attempts = receiver.on('/flaky');
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((r) => r.id))).toEqual(new Set([delivered.eventId]));
    expect(attempts.every((r) => Receiver.verifies(secret, r) && r.json.data.ticket.id === ticketId)).toBe(true);
    // Each attempt is signed at its own time; the body (and so the event) stays the same.
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    const metrics = await scrapeMetrics(t.url);
    expect(metrics.sum('switchboard_webhook_attempts_total', { result: 'retrying' })).toBeGreaterThanOrEqual(3);
  });

  it('rotates the secret: both secrets verify during the overlap, only the new one after', async () => {
    const { secret: first, endpoint } = await create('/rotate', ['TICKET_CREATED']);
    const rotated = (await ok(ROTATE, { id: endpoint.id, overlap: 60 }, a.token)).rotateWebhookSecret;
    expect(rotated.secret).not.toBe(first);
    expect(new Date(rotated.endpoint.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    await ticket('During the overlap');
    const [during] = await eventually(async () => receiver.on('/rotate').length === 1 && receiver.on('/rotate'), 15_000, 'the delivery during the overlap');
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(Receiver.verifies(first, during!)).toBe(true);
    expect(Receiver.verifies(rotated.secret, during!)).toBe(true);

    const again = (await ok(ROTATE, { id: endpoint.id, overlap: 0 }, a.token)).rotateWebhookSecret;
    expect(again.endpoint.previousSecretExpiresAt).toBeNull();
    await ticket('After the overlap');
    const after = (await eventually(async () => receiver.on('/rotate').length === 2 && receiver.on('/rotate'), 15_000, 'the delivery after the overlap'))[1]!;
    expect(Receiver.verifies(again.secret, after)).toBe(true);
    expect(Receiver.verifies(rotated.secret, after)).toBe(false);
    expect(Receiver.verifies(first, after)).toBe(false);
    expectError(await t.gql(ROTATE, { id: endpoint.id, overlap: -1 }, a.token), 'BAD_USER_INPUT');
    expectError(await t.gql(ROTATE, { id: endpoint.id, overlap: 20_000 }, a.token), 'BAD_USER_INPUT');
  });

  it('disables an endpoint that answers 410 Gone and tells the admins live', async () => {
    receiver.behaviour.set('/gone', () => 410);
    const { endpoint } = await create('/gone', ['TICKET_CREATED']);
    const socket = wsClient(t.wsUrl, a.token);
    const notes = collect(socket, `subscription { notifications { id kind text conversation { id } } }`);
    await eventually(
      async () => (await scrapeMetrics(t.url)).sum('switchboard_subscriptions_active', { topic: 'notifications' }) > 0,
      10_000,
      'the notifications subscription',
    );
    await ticket('To a gone receiver');
    const [note] = await notes.until((n) => n.some((x) => x.kind === 'WEBHOOK_DISABLED'), 15_000);
    expect(note).toMatchObject({ kind: 'WEBHOOK_DISABLED', conversation: null });
    expect(note.text).toContain('/gone');
    const [disabled] = (await ok(LIST, {}, a.token)).webhookEndpoints.filter((e: any) => e.id === endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'GONE' });
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: 410 });
    // Nothing more is sent to it; testing or replaying it is refused until it is enabled again.
    await ticket('After it was disabled');
    expectError(await t.gql(TEST, { id: endpoint.id }, a.token), 'CONFLICT');
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    expect(receiver.on('/gone')).toHaveLength(1);
    const audit = await ok(`{ auditLog(filter: {action: "webhook_endpoint.disable"}) { edges { node { action targetId actorType } } } }`, {}, a.token);
    expect(audit.auditLog.edges.map((e: any) => e.node)).toEqual([{ action: 'webhook_endpoint.disable', targetId: endpoint.id, actorType: 'SYSTEM' }]);
    receiver.behaviour.set('/gone', () => 200);
    const enabled = (await ok(UPDATE, { input: { id: endpoint.id, enabled: true } }, a.token)).updateWebhookEndpoint;
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
    const test = (await ok(TEST, { id: endpoint.id }, a.token)).sendTestWebhook;
    expect(test).toMatchObject({ trigger: 'TEST', eventType: 'WEBHOOK_TEST', status: 'PENDING' });
    const received = await eventually(async () => receiver.on('/gone').find((r) => r.json.type === 'webhook.test'), 15_000, 'the test event');
    expect(received.json.data).toMatchObject({ endpointId: endpoint.id });
    notes.dispose();
    await socket.dispose();
  });

  it('disables an endpoint that has failed every delivery for WEBHOOK_DISABLE_AFTER_DAYS, notifies the admins and raises an alert', async () => {
    receiver.behaviour.set('/down', () => 503);
    const { endpoint } = await create('/down', ['TICKET_CREATED']);
    await create('/witness', ['TICKET_CREATED']); // sees each event once it has been fanned out
    const socket = wsClient(t.wsUrl, a.token);
    const notes = collect(socket, `subscription { notifications { id kind text } }`);
    await eventually(
      async () => (await scrapeMetrics(t.url)).sum('switchboard_subscriptions_active', { topic: 'notifications' }) > 0,
      10_000,
      'the notifications subscription',
    );
    await ticket('To a receiver that is down');
    // Failing, but not for long: retried, still enabled, failing since the first attempt.
    const failing = await eventually(
      async () => {
        const [e] = (await ok(LIST, {}, a.token)).webhookEndpoints.filter((x: any) => x.id === endpoint.id);
        return e.failingSince && receiver.on('/down').length >= 2 && e;
      },
      15_000,
      'the endpoint to be failing',
    );
    expect(failing).toMatchObject({ enabled: true, disabledReason: null });
    expect(notes.events.filter((n) => n.kind === 'WEBHOOK_DISABLED' && n.text.includes('/down'))).toEqual([]);
    // Days go by with every attempt failing (WEBHOOK_DISABLE_AFTER_DAYS is 5 by default): the next failed retry disables it.
    await t.sql(`update webhook_endpoint set failing_since = now() - interval '5 days 1 minute' where id = ?`, [endpoint.id]);
    const isDisabledNote = (n: any) => n.kind === 'WEBHOOK_DISABLED' && n.text.includes('/down');
    const note = (await notes.until((n) => n.some(isDisabledNote), 20_000)).find(isDisabledNote);
    expect(note.text).toContain('failed every delivery since');
    const [disabled] = (await ok(LIST, {}, a.token)).webhookEndpoints.filter((e: any) => e.id === endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'FAILING' });
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'FAILED', lastStatusCode: 503, nextAttemptAt: null });
    const attempts = receiver.on('/down').length;
    expect(delivery.attempts).toBe(attempts);
    // The alert an operator sees, with the endpoint's URL.
    const alert = await eventually(
      async () => {
        const res = await ok(
          `{ alerts(filter: {rule: "webhook_endpoint_disabled", status: FIRING}) { edges { node { rule severity summary value } } } }`,
          {},
          a.token,
        );
        return res.alerts.edges[0]?.node;
      },
      15_000,
      'the webhook_endpoint_disabled alert',
    );
    expect(alert).toMatchObject({ rule: 'webhook_endpoint_disabled', severity: 'WARNING', value: 1 });
    expect(alert.summary).toContain('disabled after failing every delivery');
    // Nothing more is attempted: the next event reaches the witness, not the disabled endpoint.
    const later = await ticket('While it is disabled');
    await eventually(async () => receiver.on('/witness').some((x) => x.json.data.ticket.id === later), 15_000, 'the witness to get the later event');
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    expect(receiver.on('/down')).toHaveLength(attempts);
    notes.dispose();
    await socket.dispose();
  });

  it('replays exactly the events of a window, and redelivers one delivery, with their original webhook-ids', async () => {
    const { secret, endpoint } = await create('/replay', ['TICKET_CREATED']);
    await ticket('Before the window');
    await eventually(async () => receiver.on('/replay').length === 1, 15_000, 'the first delivery');
    const from = new Date();
    const inWindow = [await ticket('In the window 1'), await ticket('In the window 2'), await ticket('In the window 3')];
    const to = new Date(Date.now() + 1);
    await eventually(async () => receiver.on('/replay').length === 4, 15_000, 'the window’s deliveries');
    // Guard the boundary: the next event must be stamped after `to`.
    await eventually(async () => Date.now() > to.getTime() + 5 && true, 1_000, 'the clock to pass the window');
    await ticket('After the window');
    await eventually(async () => receiver.on('/replay').length === 5, 15_000, 'the last delivery');
    const originals = new Map(receiver.on('/replay').map((r) => [r.json.data.ticket.id as string, r.id]));

    const replay = (await ok(REPLAY, { id: endpoint.id, from: from.toISOString(), to: to.toISOString() }, a.token)).replayWebhooks;
    expect(replay.count).toBe(3);
    expect(replay.deliveries.every((d: any) => d.trigger === 'REPLAY')).toBe(true);
    const replayed = (await eventually(async () => receiver.on('/replay').length === 8 && receiver.on('/replay'), 15_000, 'the replay')).slice(5);
    expect(replayed.map((r) => r.json.data.ticket.id).sort()).toEqual([...inWindow].sort());
    expect(replayed.map((r) => r.id).sort()).toEqual(inWindow.map((id) => originals.get(id)).sort());
    expect(replayed.every((r) => Receiver.verifies(secret, r))).toBe(true);
    expect((await deliveriesOf(endpoint.id, { trigger: 'REPLAY', status: 'DELIVERED' })).length).toBe(3);

    const [last] = await deliveriesOf(endpoint.id, { trigger: 'EVENT' });
    const redelivered = (await ok(REDELIVER, { id: last.id }, a.token)).redeliverWebhook;
    expect(redelivered).toMatchObject({ trigger: 'REDELIVERY', eventId: last.eventId, status: 'PENDING' });
    const again = await eventually(async () => receiver.on('/replay').length === 9 && receiver.on('/replay')[8], 15_000, 'the redelivery');
    expect(again!.id).toBe(last.eventId);
    // Filters: by event, by status, by time.
    expect((await deliveriesOf(endpoint.id, { eventId: last.eventId })).map((d: any) => d.trigger).sort()).toEqual(['EVENT', 'REDELIVERY']);
    expect(await deliveriesOf(endpoint.id, { status: 'FAILED' })).toEqual([]);
    expect(await deliveriesOf(endpoint.id, { to: from.toISOString() })).toHaveLength(1);
    const page = await ok(DELIVERIES, { endpointId: endpoint.id, first: 4 }, a.token);
    expect(page.webhookDeliveries.pageInfo.hasNextPage).toBe(true);
    const next = await ok(DELIVERIES, { endpointId: endpoint.id, first: 100, after: page.webhookDeliveries.pageInfo.endCursor }, a.token);
    expect(next.webhookDeliveries.edges).toHaveLength(9 - 4);
    expectError(await t.gql(REPLAY, { id: endpoint.id, from: to.toISOString(), to: from.toISOString() }, a.token), 'BAD_USER_INPUT');
  });

  it('keeps endpoints and deliveries to their workspace and to admins or keys with WEBHOOKS_WRITE', async () => {
    const { endpoint } = await create('/tenant', ['TICKET_CREATED']);
    await ticket('Tenant check');
    const delivery = await eventually(async () => (await deliveriesOf(endpoint.id)).find((d: any) => d.status === 'DELIVERED'), 15_000, 'a delivery');
    // Another workspace's admin: sees none of it, reaches none of it.
    expect((await ok(LIST, {}, b.token)).webhookEndpoints).toEqual([]);
    expectError(await t.gql(DELIVERIES, { endpointId: endpoint.id }, b.token), 'NOT_FOUND');
    expectError(await t.gql(UPDATE, { input: { id: endpoint.id, enabled: false } }, b.token), 'NOT_FOUND');
    expectError(await t.gql(ROTATE, { id: endpoint.id }, b.token), 'NOT_FOUND');
    expectError(await t.gql(REDELIVER, { id: delivery.id }, b.token), 'NOT_FOUND');
    expectError(await t.gql(REPLAY, { id: endpoint.id, from: new Date(0).toISOString(), to: new Date().toISOString() }, b.token), 'NOT_FOUND');
    expectError(await t.gql(DELETE, { id: endpoint.id }, b.token), 'NOT_FOUND');
    // B's own endpoint receives none of A's events.
    const { endpoint: bEndpoint } = await create('/tenant-b', ['TICKET_CREATED'], b.token);
    await ticket('Only for Alpha');
    await eventually(async () => (await deliveriesOf(endpoint.id)).length === 2, 15_000, 'A’s second delivery');
    expect(await deliveriesOf(bEndpoint.id, {}, b.token)).toEqual([]);

    // API keys: without WEBHOOKS_WRITE refused, with it allowed (in its own workspace only).
    const key = async (scopes: string[]) =>
      (await ok(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { name: scopes.join(','), scopes } }, a.token))
        .createApiKey.secret as string;
    const reader = await key(['TICKETS_READ', 'CONVERSATIONS_READ']);
    const writer = await key(['WEBHOOKS_WRITE']);
    for (const [query, variables] of [
      [LIST, {}],
      [DELIVERIES, { endpointId: endpoint.id }],
      [CREATE, { input: { url: `${receiver.url}/key`, eventTypes: ['TICKET_CREATED'] } }],
      [REDELIVER, { id: delivery.id }],
    ] as const) {
      const res = await t.gql(query, variables, reader);
      expectError(res, 'FORBIDDEN');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await ok(LIST, {}, writer)).webhookEndpoints.map((e: any) => e.id)).toContain(endpoint.id);
    const created = (await ok(CREATE, { input: { url: `${receiver.url}/key`, eventTypes: ['TICKET_CREATED'] } }, writer)).createWebhookEndpoint;
    expect(created.secret).toMatch(/^whsec_/);
    expect((await ok(DELIVERIES, { endpointId: endpoint.id }, writer)).webhookDeliveries.edges.length).toBe(2);
    const audit = await ok(`{ auditLog(filter: {action: "webhook_endpoint.create"}) { edges { node { targetId actorType } } } }`, {}, a.token);
    expect(audit.auditLog.edges.map((e: any) => e.node)).toContainEqual({ targetId: created.endpoint.id, actorType: 'API_KEY' });
    // An agent is not an admin.
    const invite = await ok(`mutation { inviteAgent(input: {email: "agent-webhooks@example.com", name: "Agent"}) { inviteToken } }`, {}, a.token);
    const agent = (
      await ok(
        `mutation($t: String!) { acceptInvite(input: {token: $t, password: "agent-password"}) { accessToken } }`,
        { t: invite.inviteAgent.inviteToken },
        '',
      )
    ).acceptInvite.accessToken;
    expectError(await t.gql(LIST, {}, agent), 'FORBIDDEN');
    expectError(await t.gql(CREATE, { input: { url: `${receiver.url}/agent`, eventTypes: ['TICKET_CREATED'] } }, agent), 'FORBIDDEN');
  });

  it('re-checks the address at every delivery (a name that now resolves elsewhere is refused)', async () => {
    const c = await t.createWorkspace('Epsilon');
    const { endpoint } = await create('/recheck', ['TICKET_CREATED'], c.token);
    // What a DNS answer changed after registration amounts to: the endpoint now points outside the allow-list.
    const port = new URL(receiver.url).port;
    await t.sql(`update webhook_endpoint set url = ? where id = ?`, [`http://127.0.0.2:${port}/recheck`, endpoint.id]);
    await ok(CREATE_TICKET, { input: { subject: 'Rebound' } }, c.token);
    const [refused] = await eventually(
      async () => {
        const log = await deliveriesOf(endpoint.id, {}, c.token);
        return log[0]?.attempts >= 1 && log;
      },
      15_000,
      'the refused attempt',
    );
    expect(refused).toMatchObject({ status: 'PENDING', lastStatusCode: null });
    expect(refused.lastError).toMatch(/^refused: 127\.0\.0\.2 is a loopback, private, link-local/);
    expect(refused.nextAttemptAt).not.toBeNull();
    expect(receiver.on('/recheck')).toEqual([]);
    expect((await scrapeMetrics(t.url)).sum('switchboard_webhook_attempts_total', { result: 'refused' })).toBeGreaterThanOrEqual(1);
    await ok(DELETE, { id: endpoint.id }, c.token);
  });

  it('validates input with BAD_USER_INPUT', async () => {
    const bad = (input: Record<string, unknown>) => t.gql(CREATE, { input: { url: `${receiver.url}/v`, eventTypes: ['TICKET_CREATED'], ...input } }, a.token);
    expectError(await bad({ eventTypes: [] }), 'BAD_USER_INPUT');
    expectError(await bad({ eventTypes: ['WEBHOOK_TEST'] }), 'BAD_USER_INPUT');
    expectError(await bad({ url: 'not a url' }), 'BAD_USER_INPUT');
    expectError(await bad({ url: 'ftp://127.0.0.1/x' }), 'BAD_USER_INPUT');
    expectError(await bad({ url: 'http://user:pw@127.0.0.1/x' }), 'BAD_USER_INPUT');
    expectError(await t.gql(DELIVERIES, { endpointId: 'nope' }, a.token), 'BAD_USER_INPUT');
    expectError(await t.gql(REDELIVER, { id: 'nope' }, a.token), 'BAD_USER_INPUT');
  });

  it('erasing a contact removes their words from stored events, so a redelivery or replay sends no trace of them', async () => {
    const e = await t.createWorkspace('Erasure');
    const { secret, endpoint } = await create('/erasure', ['MESSAGE_CREATED', 'CSAT_SUBMITTED'], e.token);
    const started = await ok(
      `mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Greta Gray", message: "My card 4111 was charged twice"}) { customerToken conversation { id contact { id } } } }`,
      { k: e.widgetKey },
      '',
    );
    const { conversation, customerToken } = started.startConversation;
    await ok(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { conversationId: conversation.id, body: 'Refunded the second charge.' } },
      e.token,
    );
    await ok(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: conversation.id }, e.token);
    await ok(`mutation($id: ID!) { rateConversation(id: $id, score: 4, comment: "Call me on 555-0100") { id } }`, { id: conversation.id }, customerToken);
    await eventually(async () => receiver.on('/erasure').length === 3, 15_000, 'the three events');
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();

    expect((await ok(`mutation($c: ID!) { eraseContact(contactId: $c) }`, { c: conversation.contact.id }, e.token)).eraseContact).toBe(true);
    const stored = JSON.stringify(await t.sql(`select data from webhook_event where workspace_id = ?`, [e.workspaceId]));
    expect(stored).not.toContain('4111');
    expect(stored).not.toContain('555-0100');
    expect(stored).toContain('Refunded the second charge.'); // the agent's words are not the customer's personal data
    // Replaying the window sends the redacted payloads, under the original webhook-ids.
    const before = receiver.on('/erasure').length;
    expect((await ok(REPLAY, { id: endpoint.id, from, to }, e.token)).replayWebhooks.count).toBe(3);
    const replayed = await eventually(async () => receiver.on('/erasure').length === before + 3 && receiver.on('/erasure').slice(before), 15_000, 'the replay');
    expect(replayed.every((r) => Receiver.verifies(secret, r))).toBe(true);
    const data = replayed.map((r) => r.json.data);
    expect(
      data
        .filter((d) => d.message)
        .map((d) => [d.message.authorType, d.message.body])
        .sort(),
    ).toEqual([
      ['AGENT', 'Refunded the second charge.'],
      ['CUSTOMER', '[erased]'],
    ]);
    expect(data.filter((d) => d.score)).toEqual([{ conversationId: conversation.id, score: 4, comment: null }]);
  });

  it('deletes events past retention (the global one, or a workspace’s shorter one) with their delivery log, but not while a delivery is pending', async () => {
    const short = await t.createWorkspace('Short retention');
    const long = await t.createWorkspace('Default retention');
    await t.sql(`update workspace set retention_days = 7 where id = ?`, [short.workspaceId]);
    receiver.behaviour.set('/retention-pending', () => 503);
    await create('/retention', ['TICKET_CREATED'], short.token);
    await create('/retention-pending', ['TICKET_CREATED'], short.token);
    await create('/retention', ['TICKET_CREATED'], long.token);
    const ticketIn = async (w: typeof short, subject: string) => (await ok(CREATE_TICKET, { input: { subject } }, w.token)).createTicket.id as string;
    const ids = {
      shortOld: await ticketIn(short, 'eight days ago'),
      shortNew: await ticketIn(short, 'yesterday'),
      longOld: await ticketIn(long, 'eight days ago'),
      longAncient: await ticketIn(long, 'thirty-one days ago'),
    };
    // Each event reached /retention; in the short workspace each also has a delivery to /retention-pending, still retrying.
    await eventually(async () => receiver.on('/retention').length === 4 && receiver.on('/retention-pending').length >= 2, 15_000, 'the deliveries');
    const age = (ticketId: string, interval: string) =>
      t.sql(`update webhook_event set occurred_at = now() - interval '${interval}' where data #>> '{ticket,id}' = ?`, [ticketId]);
    await age(ids.shortOld, '8 days');
    await age(ids.shortNew, '1 day');
    await age(ids.longOld, '8 days');
    await age(ids.longAncient, '31 days');
    const remaining = async () =>
      (
        await t.sql<{ id: string }>(`select data #>> '{ticket,id}' as id from webhook_event where workspace_id in (?, ?) order by occurred_at`, [
          short.workspaceId,
          long.workspaceId,
        ])
      ).map((r) => r.id);
    const { webhookRetentionJob } = await import('./retention.job.js');

    // While the eight-day-old event still has a pending delivery, it stays.
    await t.server.deps.jobs.enqueue(webhookRetentionJob, {}, { jobId: `retention-1-${Date.now()}` });
    await eventually(async () => !(await remaining()).includes(ids.longAncient), 15_000, 'the first retention run');
    expect(await remaining()).toEqual([ids.shortOld, ids.longOld, ids.shortNew]);

    // Once that delivery has ended, it goes, with its delivery log.
    await t.sql(`update webhook_delivery set status = 'FAILED', next_attempt_at = null where workspace_id = ? and status = 'PENDING'`, [short.workspaceId]);
    await t.server.deps.jobs.enqueue(webhookRetentionJob, {}, { jobId: `retention-2-${Date.now()}` });
    await eventually(async () => !(await remaining()).includes(ids.shortOld), 15_000, 'the second retention run');
    expect(await remaining()).toEqual([ids.longOld, ids.shortNew]);
    expect(
      await t.sql(
        `select count(*)::int as n from webhook_delivery d where d.workspace_id in (?, ?) and not exists (select 1 from webhook_event e where e.id = d.event_id)`,
        [short.workspaceId, long.workspaceId],
      ),
    ).toEqual([{ n: 0 }]);
    expect(await t.sql(`select count(*)::int as n from webhook_delivery where workspace_id = ?`, [short.workspaceId])).toEqual([{ n: 2 }]);
  });

  it('fans out events whose node died between commit and the fan-out (the sweep picks them up), more than one claim and one dispatch take at once', async () => {
    const c = await t.createWorkspace('Lost poke');
    const { endpoint } = await create('/lost-poke', ['TICKET_CREATED'], c.token);
    // Committed with the change, but no pokeFanOut: as if the process died right after commit.
    const pending = await forkFor(t.server.deps.orm, c.workspaceId).transactional((tx) =>
      emitWebhookEvents(
        tx,
        c.workspaceId,
        Array.from({ length: 250 }, (_, i) => ({ type: WebhookEventType.TICKET_CREATED, data: { marker: `orphaned-${i}` } })),
      ),
    );
    expect(pending).toBe(true);
    expect(await t.sql(`select count(*)::int as n from webhook_event where workspace_id = ? and fan_out_pending`, [c.workspaceId])).toEqual([{ n: 250 }]);
    // The sweep leaves events younger than FAN_OUT_LOST_MS to their poke; this one is made older.
    await t.sql(`update webhook_event set occurred_at = now() - interval '1 minute' where workspace_id = ?`, [c.workspaceId]);
    const { sweepWebhooksJob } = await import('./sweep.job.js');
    await t.server.deps.jobs.enqueue(sweepWebhooksJob, {}, { jobId: `sweep-${Date.now()}` });
    // Delivery is at least once: on a busy machine an attempt whose answer came too late is
    // sent again (same webhook-id), so wait for every distinct event, not for 250 requests.
    const markers = () => new Set(receiver.on('/lost-poke').map((r) => r.json.data.marker));
    await eventually(async () => markers().size >= 250, 60_000, 'the swept events');
    expect(markers()).toEqual(new Set(Array.from({ length: 250 }, (_, i) => `orphaned-${i}`)));
    // One delivery per event: any repeated request is a retry of the same delivery.
    const received = receiver.on('/lost-poke');
    expect(new Set(received.map((r) => r.id)).size).toBe(250);
    for (const marker of markers()) expect(new Set(received.filter((r) => r.json.data.marker === marker).map((r) => r.id)).size).toBe(1);
    expect(await t.sql(`select count(*)::int as n from webhook_event where workspace_id = ? and fan_out_pending`, [c.workspaceId])).toEqual([{ n: 0 }]);
    expect(await t.sql(`select count(*)::int as n from webhook_delivery where endpoint_id = ?`, [endpoint.id])).toEqual([{ n: 250 }]);
  });

  it('emits nothing when the transaction rolls back', async () => {
    const c = await t.createWorkspace('Delta');
    const { endpoint } = await create('/rollback', ['TICKET_CREATED'], c.token);
    const em = forkFor(t.server.deps.orm, c.workspaceId);
    await expect(
      em.transactional(async (tx) => {
        const pending = await emitWebhookEvents(tx, c.workspaceId, [{ type: WebhookEventType.TICKET_CREATED, data: { marker: 'rolled-back' } }]);
        expect(pending).toBe(true);
        await tx.flush();
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const committed = await forkFor(t.server.deps.orm, c.workspaceId).transactional((tx) =>
      emitWebhookEvents(tx, c.workspaceId, [{ type: WebhookEventType.TICKET_CREATED, data: { marker: 'committed' } }]),
    );
    pokeFanOut(t.server.deps, committed);
    await eventually(async () => receiver.on('/rollback').length === 1, 15_000, 'the committed event');
    expect(receiver.on('/rollback').map((r) => r.json.data.marker)).toEqual(['committed']);
    expect(await t.sql(`select count(*)::int as n from webhook_event where data->>'marker' = 'rolled-back'`)).toEqual([{ n: 0 }]);
    expect(await t.sql(`select count(*)::int as n from job_outbox where job like 'webhooks.%'`)).toEqual([{ n: 0 }]);
    expect((await deliveriesOf(endpoint.id, {}, c.token)).map((d: any) => d.event.data.marker)).toEqual(['committed']);
  });
});

describe('webhooks: SSRF protection (no allow-list)', () => {
  let t: TestServer;
  let a: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    t = await startTestServer();
    a = await t.createWorkspace('Gamma');
  });
  afterAll(() => t.close());

  it.each([
    ['loopback', 'https://127.0.0.1/hook'],
    ['loopback by name', 'https://localhost/hook'],
    ['private 10.x', 'https://10.1.2.3/hook'],
    ['private 192.168.x', 'https://192.168.0.10/hook'],
    ['link-local (cloud metadata)', 'https://169.254.169.254/latest/meta-data'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['decimal loopback', 'https://2130706433/hook'],
    ['plain http', 'http://example.com/hook'],
  ])('refuses %s', async (_what, url) => {
    const res = await t.gql(CREATE, { input: { url, eventTypes: ['TICKET_CREATED'] } }, a.token);
    expectError(res, 'BAD_USER_INPUT');
  });
});
