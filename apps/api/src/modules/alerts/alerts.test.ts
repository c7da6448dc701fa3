// Alerts end to end: real conditions raise them (an overdue ticket, a blocked
// event loop, a job backlog on Redis), admins get them live over graphql-ws,
// list, acknowledge and resolve them over HTTP (audited), each workspace sees
// only its own plus installation-wide ones, and non-admins are refused.
import { collect, eventually, expectError, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';
import { withRedis } from '../../../test/needs.js';
import { scrapeMetrics } from '../../../test/prometheus.js';

const ALERT = `id rule severity status summary value threshold installationWide acknowledgedAt acknowledgedById acknowledgeNote resolvedAt resolvedById`;
const ALERTS = `query($filter: AlertFilter, $first: Int, $after: String) { alerts(filter: $filter, first: $first, after: $after) { edges { node { ${ALERT} } } pageInfo { hasNextPage endCursor } } }`;
const ACK = `mutation($id: ID!, $note: String) { acknowledgeAlert(id: $id, note: $note) { ${ALERT} } }`;
const RESOLVE = `mutation($id: ID!) { resolveAlert(id: $id) { ${ALERT} } }`;
const RAISED = `subscription AlertRaised { alertRaised { ${ALERT} } }`;

describe('alerts', () => {
  let t: TestServer;
  let a: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let b: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let agentToken: string;

  const alertsOf = async (token: string, filter: Record<string, unknown>) => {
    const res = await t.gql(ALERTS, { filter, first: 50 }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.alerts.edges.map((e: any) => e.node);
  };

  beforeAll(async () => {
    t = await startTestServer({ ALERT_EVALUATION_SECONDS: '0.5', ALERT_EVENT_LOOP_LAG_MS: '100', ALERT_QUEUE_BACKLOG: '2', ALERT_QUEUE_BACKLOG_MINUTES: '0' });
    a = await t.createWorkspace('Alpha');
    b = await t.createWorkspace('Beta');
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "agent-alerts@example.com", name: "Agent"}) { inviteToken } }`, {}, a.token);
    agentToken = (
      await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "agent-password"}) { accessToken } }`, {
        t: invite.data.inviteAgent.inviteToken,
      })
    ).data.acceptInvite.accessToken;
  });
  afterAll(() => t.close());

  it('raises an SLA alert for an overdue ticket, live to that workspace’s admins, then acknowledge and resolve', async () => {
    const before = await scrapeMetrics(t.url);
    const adminSocket = wsClient(t.wsUrl, a.token);
    const live = collect(adminSocket, RAISED);
    await eventually(
      async () => {
        const m = await scrapeMetrics(t.url);
        return m.sum('switchboard_subscriptions_active', { topic: 'alertRaised' }) > before.sum('switchboard_subscriptions_active', { topic: 'alertRaised' });
      },
      10_000,
      'the alertRaised subscription',
    );

    const created = await t.gql(
      `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }`,
      {
        input: { subject: 'Refund overdue', dueAt: new Date(Date.now() - 3600_000).toISOString() },
      },
      a.token,
    );
    const ticketId = created.data.createTicket.id;

    const [event] = (await live.until((ev) => ev.some((e) => e.rule === 'sla_breach'), 15_000)).filter((e) => e.rule === 'sla_breach');
    expect(event).toMatchObject({
      status: 'FIRING',
      severity: 'WARNING',
      value: 1,
      threshold: 1,
      installationWide: false,
      summary: '1 open ticket is past due',
    });
    expect((await scrapeMetrics(t.url)).sum('switchboard_tickets_overdue')).toBe(1);

    // Alpha's admin lists it; Beta's admin does not see it; an agent may not look.
    expect((await alertsOf(a.token, { rule: 'sla_breach', status: 'FIRING' })).map((x: any) => x.id)).toEqual([event.id]);
    expect(await alertsOf(b.token, { rule: 'sla_breach' })).toEqual([]);
    expectError(await t.gql(ALERTS, {}, agentToken), 'FORBIDDEN');
    expectError(await t.gql(ACK, { id: event.id }, agentToken), 'FORBIDDEN');
    expectError(await t.gql(ACK, { id: event.id }, b.token), 'NOT_FOUND');
    expectError(await t.gql(ACK, { id: 'not-an-id' }, a.token), 'BAD_USER_INPUT');
    expectError(await t.gql(ALERTS, { filter: { rule: 'no_such_rule' } }, a.token), 'BAD_USER_INPUT');

    const acked = await t.gql(ACK, { id: event.id, note: 'Calling the customer now' }, a.token);
    expect(acked.data.acknowledgeAlert).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedById: a.userId, acknowledgeNote: 'Calling the customer now' });
    expectError(await t.gql(ACK, { id: event.id }, a.token), 'CONFLICT');
    // Still overdue: the evaluation refreshes the acknowledged alert instead of raising another.
    await eventually(
      async () => (await t.sql(`select last_seen_at > acknowledged_at as seen from alert where id = ?`, [event.id]))[0]?.seen,
      10_000,
      'a later evaluation',
    );
    expect((await alertsOf(a.token, { rule: 'sla_breach' })).map((x: any) => [x.id, x.status])).toEqual([[event.id, 'ACKNOWLEDGED']]);

    const resolved = await t.gql(RESOLVE, { id: event.id }, a.token);
    expect(resolved.data.resolveAlert).toMatchObject({ status: 'RESOLVED', resolvedById: a.userId });
    expectError(await t.gql(RESOLVE, { id: event.id }, a.token), 'CONFLICT');

    // The condition persists, so a new alert is raised; fixing the ticket resolves it by itself.
    const again = await live.until((ev) => ev.filter((e) => e.rule === 'sla_breach').length === 2, 15_000);
    const second = again.filter((e) => e.rule === 'sla_breach')[1];
    expect(second.id).not.toBe(event.id);
    await t.gql(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { status } }`, { input: { id: ticketId, status: 'RESOLVED' } }, a.token);
    const cleared = await eventually(
      async () => {
        const [x] = (await alertsOf(a.token, { rule: 'sla_breach' })).filter((x: any) => x.id === second.id);
        return x?.status === 'RESOLVED' && x;
      },
      10_000,
      'the alert to resolve by itself',
    );
    expect(cleared.resolvedById).toBeNull();
    expect((await scrapeMetrics(t.url)).sum('switchboard_tickets_overdue')).toBe(0);

    const audit = await t.gql(`{ auditLog(filter: {action: "alert."}) { edges { node { action targetId actorId } } } }`, {}, a.token);
    expect(audit.data.auditLog.edges.map((e: any) => e.node)).toEqual([
      { action: 'alert.resolve', targetId: event.id, actorId: a.userId },
      { action: 'alert.acknowledge', targetId: event.id, actorId: a.userId },
    ]);
    live.dispose();
    await adminSocket.dispose();
  });

  it('refuses the alertRaised subscription to non-admins', async () => {
    const socket = wsClient(t.wsUrl, agentToken);
    const refused = collect(socket, RAISED);
    await eventually(async () => refused.errors.length > 0, 10_000, 'the refusal');
    expect((refused.errors[0] as any).extensions.code).toBe('FORBIDDEN');
    await socket.dispose();
  });

  it('raises an installation-wide alert when the event loop stays blocked, seen by every workspace’s admins', async () => {
    const socket = wsClient(t.wsUrl, b.token);
    const live = collect(socket, RAISED);
    // A query answered on the same socket after the subscribe message: the subscription is set up
    // (the socket handles its messages in order) before the loop is blocked and the alert raised.
    await new Promise<void>((resolve, reject) => socket.subscribe({ query: '{ me { id } }' }, { next: () => undefined, error: reject, complete: resolve }));
    const lagged = async () => (await t.sql(`select id from alert where rule = 'event_loop_lag'`)).length > 0;
    // Block this process (which runs the server) in 150 ms slices, letting evaluations run in between.
    const deadline = Date.now() + 20_000;
    while (!(await lagged())) {
      if (Date.now() > deadline) throw new Error('no event_loop_lag alert');
      const until = Date.now() + 150;
      while (Date.now() < until);
      await new Promise((r) => setTimeout(r, 5));
    }
    const events = await live.until((ev) => ev.some((e) => e.rule === 'event_loop_lag'), 10_000);
    const alert = events.find((e) => e.rule === 'event_loop_lag');
    expect(alert).toMatchObject({ installationWide: true, severity: 'WARNING', threshold: 100 });
    expect(alert.value).toBeGreaterThan(100);
    expect((await alertsOf(a.token, { rule: 'event_loop_lag' })).map((x: any) => x.id)).toContain(alert.id);
    live.dispose();
    await socket.dispose();
  });

  withRedis('raises a queue backlog alert when jobs wait without workers', async () => {
    // This server runs no workers on Redis: each customer message leaves an ai.analyze job waiting.
    for (let i = 0; i < 3; i++) {
      await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, message: "Where is my order number ${i}?"}) { customerToken } }`, {
        k: a.widgetKey,
      });
    }
    // The scheduled maintenance jobs back up too without workers, and may raise the alert first: it names every backed-up queue, and is updated at each evaluation.
    const alert = await eventually(
      async () => {
        const [found] = await alertsOf(b.token, { rule: 'queue_backlog' });
        return found && /\bai \d+ waiting/.test(found.summary) ? found : null;
      },
      15_000,
      'the backlog alert naming the ai queue',
    );
    expect(alert).toMatchObject({ installationWide: true, severity: 'CRITICAL', status: 'FIRING', threshold: 2 });
    expect(alert.value).toBeGreaterThanOrEqual(3);
    expect(alert.summary).toMatch(/^Job backlog: (.+, )?ai \d+ waiting/);
  });
});
