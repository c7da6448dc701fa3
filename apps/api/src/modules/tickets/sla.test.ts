import type { Client } from 'graphql-ws';
import { collect, eventually, expectError, startTestServer, wsClient, type Collector, type TestServer } from '../../../test/testkit.js';
import { addBusinessMinutes } from './business-hours.js';
import { slaBreachJob } from './sla.job.js';

const SET_HOURS = `mutation($input: BusinessHoursInput!) { setBusinessHours(input: $input) { timezone intervals { weekday opens closes } holidays { date name } } }`;
const SET_POLICY = `mutation($input: SlaPolicyInput!) { setSlaPolicy(input: $input) { id priority firstResponseMinutes resolutionMinutes businessHoursOnly } }`;
const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id dueAt sla { state firstResponseDueAt resolutionDueAt secondsLeft } } }`;
const UPDATE = `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { id priority dueAt status sla { state firstResponseDueAt firstRespondedAt firstResponseBreached resolutionDueAt resolutionBreached nextDueAt secondsLeft } } }`;
const COMMENT = `mutation($input: AddTicketCommentInput!) { addTicketComment(input: $input) { id body isPublic author { id } createdAt } }`;
const DETAIL = `query($id: ID!) { ticket(id: $id) {
  subject status requester { name } conversation { id }
  sla { state firstResponseDueAt firstRespondedAt firstResponseBreached resolutionDueAt resolutionBreached }
  comments(first: 50) { edges { node { body isPublic author { name } } } pageInfo { hasNextPage } }
  history(first: 50) { edges { node { kind fromValue toValue actor { id } } } } } }`;
const START = `mutation($key: String!, $name: String!, $message: String!) { startConversation(input: {widgetKey: $key, name: $name, message: $message}) { conversation { id } customerToken } }`;
const NOTIFICATIONS = `subscription { notifications { kind text ticket { id subject } conversation { id } } }`;

/** Berlin, Monday to Friday 09:00–12:00 and 13:00–17:00; closed on 24 and 25 December 2026. */
const BERLIN = {
  timezone: 'Europe/Berlin',
  intervals: [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, opens: '09:00', closes: '12:00' },
    { weekday, opens: '13:00', closes: '17:00' },
  ]),
  holidays: [
    { date: '2026-12-25', name: 'Christmas Day' },
    { date: '2026-12-24', name: 'Christmas Eve' },
  ],
};

/** Runs one operation over graphql-ws and returns its result. */
function overSocket(client: Client, query: string, variables: Record<string, unknown>): Promise<any> {
  return new Promise((resolve, reject) => {
    let result: unknown;
    client.subscribe({ query, variables }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
  });
}

describe('business-hours arithmetic (by hand)', () => {
  const calendar = { timezone: BERLIN.timezone, intervals: BERLIN.intervals, holidays: BERLIN.holidays.map((h) => h.date) };

  it('skips the night, the lunch break, the weekend and the holidays', () => {
    // Wed 23 Dec 16:30 CET. 30 minutes are left that day; Thu 24 and Fri 25 are holidays, then the weekend.
    const start = new Date('2026-12-23T15:30:00Z');
    expect(addBusinessMinutes(start, 30, calendar)!.toISOString()).toBe('2026-12-23T16:00:00.000Z'); // 17:00 CET, the close
    expect(addBusinessMinutes(start, 60, calendar)!.toISOString()).toBe('2026-12-28T08:30:00.000Z'); // Mon 09:30 CET
    // 480 = 30 (Wed) + 180 (Mon morning) + 240 (Mon afternoon) + 30 (Tue) → Tue 29 Dec 09:30 CET.
    expect(addBusinessMinutes(start, 480, calendar)!.toISOString()).toBe('2026-12-29T08:30:00.000Z');
    // Started during the lunch break: the clock starts at 13:00. Mon 28 Dec 12:20 CET + 50 → 13:50 CET.
    expect(addBusinessMinutes(new Date('2026-12-28T11:20:00Z'), 50, calendar)!.toISOString()).toBe('2026-12-28T12:50:00.000Z');
    // Started on a Saturday night: Monday 09:00 + 10.
    expect(addBusinessMinutes(new Date('2026-12-26T22:00:00Z'), 10, calendar)!.toISOString()).toBe('2026-12-28T08:10:00.000Z');
  });

  it('follows the zone across a daylight-saving change', () => {
    // Fri 27 Mar 2026 16:00 CET (15:00Z) + 120: one hour on Friday; clocks go forward on Sunday; Mon 30 Mar 09:00 CEST is 07:00Z, + 60.
    expect(
      addBusinessMinutes(new Date('2026-03-27T15:00:00Z'), 120, { timezone: 'Europe/Berlin', intervals: BERLIN.intervals, holidays: [] })!.toISOString(),
    ).toBe('2026-03-30T08:00:00.000Z');
  });

  it('counts every minute without a calendar, and gives up on a calendar that is never open', () => {
    expect(addBusinessMinutes(new Date('2026-12-23T15:30:00Z'), 90, null)!.toISOString()).toBe('2026-12-23T17:00:00.000Z');
    expect(
      addBusinessMinutes(new Date('2026-12-23T15:30:00Z'), 90, {
        timezone: 'UTC',
        intervals: [{ weekday: 1, opens: '09:00', closes: '10:00' }],
        holidays: [],
      })!.toISOString(),
    ).toBe(
      '2027-01-04T09:30:00.000Z', // Mondays only: 28 Dec 09:00–10:00, then 4 Jan 09:00 + 30
    );
  });
});

describe('ticket detail and SLA policies', () => {
  let t: TestServer;
  let admin: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let agent: { id: string; token: string };
  let adminSocket: Client;
  let agentSocket: Client;
  let adminNotes: Collector<any>;
  let agentNotes: Collector<any>;
  let inbox: Collector<any>;

  beforeAll(async () => {
    // Workers in this process: the sweep runs here with BullMQ too.
    t = await startTestServer({ RUN_WORKERS: 'true' });
    admin = await t.createWorkspace('SLA Co');
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "sam@sla.test", name: "Sam", role: AGENT}) { inviteToken } }`, {}, admin.token);
    const accepted = await t.gql(`mutation($token: String!) { acceptInvite(input: {token: $token, password: "agent-password"}) { accessToken user { id } } }`, {
      token: invite.data.inviteAgent.inviteToken,
    });
    agent = { id: accepted.data.acceptInvite.user.id, token: accepted.data.acceptInvite.accessToken };
    adminSocket = wsClient(t.wsUrl, admin.token);
    agentSocket = wsClient(t.wsUrl, agent.token);
    adminNotes = collect(adminSocket, NOTIFICATIONS);
    agentNotes = collect(agentSocket, NOTIFICATIONS);
    inbox = collect(adminSocket, `subscription { inboxEvents { ... on TicketUpdated { change ticket { id } } } }`);
    // Live once the admin's inbox hears a ticket being created.
    const probes = new Set<string>();
    await eventually(
      async () => {
        const probe = await t.gql(CREATE, { input: { subject: 'Probe' } }, admin.token);
        probes.add(probe.data.createTicket.id);
        return inbox.events.some((e) => probes.has(e.ticket?.id));
      },
      15_000,
      'the inbox subscription',
    );
  });
  afterAll(async () => {
    await adminSocket.dispose();
    await agentSocket.dispose();
    await t.close();
  });

  it('lets admins set business hours and policies; bad input is refused and writes nothing', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ ...BERLIN, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ ...BERLIN, intervals: [{ weekday: 8, opens: '09:00', closes: '17:00' }] }, 'weekday'],
      [{ ...BERLIN, intervals: [{ weekday: 1, opens: '17:00', closes: '09:00' }] }, 'closes must be after opens'],
      [{ ...BERLIN, intervals: [{ weekday: 1, opens: '9am', closes: '17:00' }] }, 'HH:mm'],
      [
        {
          ...BERLIN,
          intervals: [
            { weekday: 1, opens: '09:00', closes: '13:00' },
            { weekday: 1, opens: '12:00', closes: '17:00' },
          ],
        },
        'overlaps',
      ],
      [{ ...BERLIN, holidays: [{ date: '2026-02-30' }] }, 'not a date'],
    ];
    for (const [input, message] of bad) {
      const err = expectError(await t.gql(SET_HOURS, { input }, admin.token), 'BAD_USER_INPUT');
      expect(err.message).toContain(message);
    }
    expectError(await t.gql(SET_POLICY, { input: { priority: 'HIGH' } }, admin.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SET_POLICY, { input: { priority: 'HIGH', firstResponseMinutes: 0 } }, admin.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SET_HOURS, { input: BERLIN }, agent.token), 'FORBIDDEN');
    expectError(await t.gql(SET_POLICY, { input: { priority: 'HIGH', firstResponseMinutes: 60 } }, agent.token), 'FORBIDDEN');
    expect((await t.sql('select count(*)::int as n from business_calendar'))[0].n).toBe(0);
    expect((await t.sql('select count(*)::int as n from sla_policy'))[0].n).toBe(0);

    const set = await t.gql(SET_HOURS, { input: BERLIN }, admin.token);
    expect(set.errors).toBeUndefined();
    // Sorted: holidays by date, intervals by weekday and time.
    expect(set.data.setBusinessHours.holidays.map((h: any) => h.date)).toEqual(['2026-12-24', '2026-12-25']);
    expect(set.data.setBusinessHours.intervals[0]).toEqual({ weekday: 1, opens: '09:00', closes: '12:00' });
    const high = await t.gql(SET_POLICY, { input: { priority: 'HIGH', firstResponseMinutes: 60, resolutionMinutes: 480 } }, admin.token);
    expect(high.data.setSlaPolicy).toMatchObject({ priority: 'HIGH', businessHoursOnly: true });
    await t.gql(SET_POLICY, { input: { priority: 'NORMAL', resolutionMinutes: 120, businessHoursOnly: false } }, admin.token);
    const settings = await t.gql(
      `{ slaSettings { businessHours { timezone } policies { priority firstResponseMinutes resolutionMinutes } } }`,
      {},
      agent.token,
    );
    expect(settings.data.slaSettings).toEqual({
      businessHours: { timezone: 'Europe/Berlin' },
      policies: [
        { priority: 'NORMAL', firstResponseMinutes: null, resolutionMinutes: 120 },
        { priority: 'HIGH', firstResponseMinutes: 60, resolutionMinutes: 480 },
      ],
    });
    const audits = await t.sql(`select action from audit_log where workspace_id = ? and action like 'sla.%' order by created_at`, [admin.workspaceId]);
    expect(audits.map((a) => a.action)).toEqual(['sla.business_hours.set', 'sla.policy.set', 'sla.policy.set']);
  });

  it('sets due dates from the priority’s policy over business hours and holidays (computed by hand)', async () => {
    // Around the clock (NORMAL: businessHoursOnly false): created + 120 minutes.
    const normal = await t.gql(CREATE, { input: { subject: 'Printer on fire', priority: 'NORMAL' } }, admin.token);
    expect(normal.errors).toBeUndefined();
    const [row] = await t.sql('select created_at from ticket where id = ?', [normal.data.createTicket.id]);
    expect(new Date(normal.data.createTicket.dueAt).getTime()).toBe(new Date(row.created_at).getTime() + 120 * 60_000);
    expect(normal.data.createTicket.sla).toMatchObject({ state: 'ON_TRACK', firstResponseDueAt: null });

    // A ticket created on Wednesday 23 December 2026 at 16:30 in Berlin (15:30Z), then raised to HIGH:
    // the targets are counted from its creation over Berlin's business hours.
    const ticket = await t.gql(CREATE, { input: { subject: 'Invoice wrong', priority: 'LOW' } }, admin.token);
    const id = ticket.data.createTicket.id;
    expect(ticket.data.createTicket.sla).toEqual({ state: 'NONE', firstResponseDueAt: null, resolutionDueAt: null, secondsLeft: null });
    await t.sql(`update ticket set created_at = '2026-12-23T15:30:00Z' where id = ?`, [id]);
    const raised = await t.gql(UPDATE, { input: { id, priority: 'HIGH' } }, admin.token);
    expect(raised.errors).toBeUndefined();
    // First response (60): 16:30–17:00 Wed, then the holidays and the weekend, Mon 28 Dec 09:00–09:30 CET.
    expect(raised.data.updateTicket.sla.firstResponseDueAt).toBe('2026-12-28T08:30:00.000Z');
    // Resolution (480): 30 Wed + 180 + 240 Mon + 30 Tue → Tue 29 Dec 09:30 CET.
    expect(raised.data.updateTicket.dueAt).toBe('2026-12-29T08:30:00.000Z');
    expect(raised.data.updateTicket.sla.resolutionDueAt).toBe('2026-12-29T08:30:00.000Z');
    // secondsLeft counts to the earliest open target, the first response.
    const expectedLeft = Math.round((Date.parse('2026-12-28T08:30:00Z') - Date.now()) / 1000);
    expect(Math.abs(raised.data.updateTicket.sla.secondsLeft - expectedLeft)).toBeLessThan(60);

    // A due time given by hand wins over the policy's.
    const manual = await t.gql(CREATE, { input: { subject: 'Manual', priority: 'HIGH', dueAt: '2030-01-01T00:00:00.000Z' } }, admin.token);
    expect(manual.data.createTicket.dueAt).toBe('2030-01-01T00:00:00.000Z');
    expect(manual.data.createTicket.sla.firstResponseDueAt).not.toBeNull();
  });

  it('keeps comments (public replies reach the customer’s conversation, internal ones never do), history and the first-response clock', async () => {
    const start = await t.gql(START, { key: admin.widgetKey, name: 'Hana', message: 'My parcel never arrived' });
    const conversationId = start.data.startConversation.conversation.id;
    const customerSocket = wsClient(t.wsUrl, start.data.startConversation.customerToken);
    const customerFeed = collect(
      customerSocket,
      `subscription($id: ID!) { conversationEvents(conversationId: $id, afterSeq: 0) { __typename ... on MessageAdded { message { body authorType } } } }`,
      { id: conversationId },
    );
    try {
      const created = await t.gql(CREATE, { input: { conversationId, priority: 'HIGH', assigneeId: agent.id } }, admin.token);
      const id = created.data.createTicket.id;
      expect(created.data.createTicket.sla.state).toMatch(/ON_TRACK|AT_RISK/);

      // Over graphql-ws: an internal comment, then a public reply.
      const internal = await overSocket(agentSocket, COMMENT, { input: { ticketId: id, body: 'Courier says it was left at the door', isPublic: false } });
      expect(internal.errors).toBeUndefined();
      expect(internal.data.addTicketComment).toMatchObject({ isPublic: false, author: { id: agent.id } });
      // An internal comment that @mentions Sam notifies exactly Sam, with the ticket.
      const mention = await t.gql(COMMENT, { input: { ticketId: id, body: '@Sam please call the courier', isPublic: false } }, admin.token);
      expect(mention.errors).toBeUndefined();
      await agentNotes.until((events) => events.some((e) => e.kind === 'MENTIONED' && e.ticket?.id === id), 15_000);
      expect(agentNotes.events.find((e) => e.kind === 'MENTIONED')).toMatchObject({
        conversation: null,
        text: expect.stringContaining('mentioned you on ticket “My parcel never arrived”: @Sam please call the courier'),
      });
      expect(adminNotes.events.some((e) => e.kind === 'MENTIONED')).toBe(false);
      const reply = await t.gql(COMMENT, { input: { ticketId: id, body: 'We are sending a new parcel today.', isPublic: true } }, agent.token);
      expect(reply.errors).toBeUndefined();
      await customerFeed.until((events) => events.some((e) => e.message?.body === 'We are sending a new parcel today.'));
      expect(customerFeed.events.some((e) => e.message?.body?.includes('Courier'))).toBe(false);
      const customerView = await t.gql(
        `query($id: ID!) { conversation(id: $id) { messages { edges { node { body authorType } } } } }`,
        { id: conversationId },
        start.data.startConversation.customerToken,
      );
      const bodies = customerView.data.conversation.messages.edges.map((e: any) => e.node.body);
      expect(bodies).toContain('We are sending a new parcel today.');
      expect(bodies.join(' ')).not.toContain('Courier');
      expect(bodies.join(' ')).not.toContain('call the courier');

      await t.gql(UPDATE, { input: { id, status: 'PENDING' } }, agent.token);
      await t.gql(UPDATE, { input: { id, status: 'RESOLVED', assigneeId: admin.userId } }, agent.token);
      const detail = await t.gql(DETAIL, { id }, agent.token);
      expect(detail.errors).toBeUndefined();
      const d = detail.data.ticket;
      expect(d).toMatchObject({ subject: 'My parcel never arrived', status: 'RESOLVED', requester: { name: 'Hana' }, conversation: { id: conversationId } });
      expect(d.comments.edges.map((e: any) => [e.node.isPublic, e.node.author.name])).toEqual([
        [false, 'Sam'],
        [false, 'Admin'],
        [true, 'Sam'],
      ]);
      expect(d.sla).toMatchObject({ state: 'MET', firstResponseBreached: false, resolutionBreached: false });
      expect(d.sla.firstRespondedAt).not.toBeNull();
      expect(d.history.edges.map((e: any) => [e.node.kind, e.node.fromValue, e.node.toValue, e.node.actor?.id])).toEqual([
        ['CREATED', null, 'OPEN', admin.userId],
        ['STATUS', 'OPEN', 'PENDING', agent.id],
        ['ASSIGNEE', agent.id, admin.userId, agent.id],
        ['STATUS', 'PENDING', 'RESOLVED', agent.id],
      ]);
      // Paginated oldest first.
      const page = await t.gql(
        `query($id: ID!) { ticket(id: $id) { history(first: 2) { edges { cursor node { kind } } pageInfo { hasNextPage } } } }`,
        { id },
        agent.token,
      );
      expect(page.data.ticket.history.pageInfo.hasNextPage).toBe(true);
      const next = await t.gql(
        `query($id: ID!, $after: String) { ticket(id: $id) { history(first: 5, after: $after) { edges { node { kind fromValue } } } } }`,
        { id, after: page.data.ticket.history.edges[1].cursor },
        agent.token,
      );
      expect(next.data.ticket.history.edges.map((e: any) => [e.node.kind, e.node.fromValue])).toEqual([
        ['ASSIGNEE', agent.id],
        ['STATUS', 'PENDING'],
      ]);
      expect(inbox.events.filter((e) => e.ticket?.id === id).map((e) => e.change)).toEqual(expect.arrayContaining(['created', 'commented', 'updated']));

      // Bad input and other tenants.
      expectError(await t.gql(COMMENT, { input: { ticketId: id, body: '   ', isPublic: false } }, agent.token), 'BAD_USER_INPUT');
      expectError(await t.gql(COMMENT, { input: { ticketId: 'nope', body: 'x', isPublic: false } }, agent.token), 'BAD_USER_INPUT');
      const other = await t.createWorkspace('Elsewhere');
      expectError(await t.gql(COMMENT, { input: { ticketId: id, body: 'sneaky', isPublic: true } }, other.token), 'NOT_FOUND');
      expectError(await t.gql(COMMENT, { input: { ticketId: id, body: 'sneaky', isPublic: false } }, start.data.startConversation.customerToken), 'FORBIDDEN');
      expect((await t.sql('select count(*)::int as n from ticket_comment where ticket_id = ?', [id]))[0].n).toBe(3);
    } finally {
      await customerSocket.dispose();
    }
  });

  it('records each missed target once, notifies the assignee (or the admins), and counts it in analytics', async () => {
    const mine = await t.gql(CREATE, { input: { subject: 'Late for Sam', priority: 'HIGH', assigneeId: agent.id } }, admin.token);
    const nobody = await t.gql(CREATE, { input: { subject: 'Late for nobody', priority: 'NORMAL' } }, admin.token);
    const ids = [mine.data.createTicket.id, nobody.data.createTicket.id];
    // Both targets of Sam's ticket and the resolution target of the other one passed a minute ago.
    await t.sql(`update ticket set first_response_due_at = now() - interval '1 minute', due_at = now() - interval '1 minute' where id = ?`, [ids[0]]);
    await t.sql(`update ticket set due_at = now() - interval '1 minute' where id = ?`, [ids[1]]);
    const before = await t.gql(
      `query($id: ID!) { ticket(id: $id) { sla { state firstResponseBreached resolutionBreached secondsLeft } } }`,
      { id: ids[0] },
      agent.token,
    );
    expect(before.data.ticket.sla).toMatchObject({ state: 'BREACHED', firstResponseBreached: true, resolutionBreached: true });
    expect(before.data.ticket.sla.secondsLeft).toBeLessThan(0);

    await t.server.deps.jobs.enqueue(slaBreachJob, {});
    await agentNotes.until((events) => events.filter((e) => e.kind === 'SLA_BREACHED').length === 2, 15_000);
    await adminNotes.until((events) => events.some((e) => e.kind === 'SLA_BREACHED' && e.ticket?.id === ids[1]), 15_000);
    const samGot = agentNotes.events.filter((e) => e.kind === 'SLA_BREACHED');
    expect(samGot.map((e) => e.ticket?.id)).toEqual([ids[0], ids[0]]);
    expect(samGot.map((e) => e.text).sort()).toEqual([
      'SLA breached: first response target missed on ticket “Late for Sam”',
      'SLA breached: resolution target missed on ticket “Late for Sam”',
    ]);
    // The admin hears only of the unassigned one.
    expect(adminNotes.events.filter((e) => e.kind === 'SLA_BREACHED').map((e) => e.ticket?.id)).toEqual([ids[1]]);
    await inbox.until((events) => ids.every((id) => events.some((e) => e.ticket?.id === id && e.change === 'sla_breached')));

    // A second run records nothing more.
    await t.server.deps.jobs.enqueue(slaBreachJob, {}, { jobId: 'second-sweep' });
    await t.server.deps.jobs.idle();
    const events = await t.sql(`select ticket_id, kind, actor_id from ticket_event where kind like '%BREACHED' order by kind`);
    expect(events.filter((e) => e.ticket_id === ids[0]).map((e) => e.kind)).toEqual(['FIRST_RESPONSE_BREACHED', 'RESOLUTION_BREACHED']);
    expect(events.filter((e) => e.ticket_id === ids[1]).map((e) => e.kind)).toEqual(['RESOLUTION_BREACHED']);
    expect(events.every((e) => e.actor_id === null)).toBe(true);
    expect(agentNotes.events.filter((e) => e.kind === 'SLA_BREACHED')).toHaveLength(2);

    // A late reply does not erase the breach.
    await t.gql(COMMENT, { input: { ticketId: ids[0], body: 'Sorry for the wait', isPublic: true } }, agent.token);
    const after = await t.gql(`query($id: ID!) { ticket(id: $id) { sla { state firstResponseBreached firstRespondedAt } } }`, { id: ids[0] }, agent.token);
    expect(after.data.ticket.sla).toMatchObject({ state: 'BREACHED', firstResponseBreached: true });

    const range = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    const analytics = await t.gql(
      `query($from: DateTimeISO!, $to: DateTimeISO!) { analytics(range: {from: $from, to: $to}) { slaBreaches ticketSla { withTargets firstResponseBreached resolutionBreached attainmentRate } } }`,
      range,
      admin.token,
    );
    expect(analytics.errors).toBeUndefined();
    const sla = analytics.data.analytics.ticketSla;
    // Every ticket this file created (all in the last hour) that has a target, counted from the database with the rule written out here.
    const [expected] = await t.sql(
      `select count(*) filter (where first_response_due_at is not null or due_at is not null)::int as with_targets,
              count(*) filter (where first_response_breached_at is not null or (first_response_due_at is not null and coalesce(first_responded_at, resolved_at, now()) > first_response_due_at))::int as fr,
              count(*) filter (where resolution_breached_at is not null or (due_at is not null and coalesce(resolved_at, now()) > due_at))::int as res
         from ticket where workspace_id = ? and created_at >= ? and created_at < ?`,
      [admin.workspaceId, range.from, range.to],
    );
    expect(sla).toMatchObject({ withTargets: expected.with_targets, firstResponseBreached: expected.fr, resolutionBreached: expected.res });
    expect(sla.firstResponseBreached).toBeGreaterThanOrEqual(1);
    expect(sla.resolutionBreached).toBeGreaterThanOrEqual(2);
    expect(sla.attainmentRate).toBeGreaterThan(0);
    expect(sla.attainmentRate).toBeLessThan(1);
    expect(analytics.data.analytics.slaBreaches).toBeGreaterThanOrEqual(2);

    // A resolution after the due time records its breach at once (no sweep needed).
    const late = await t.gql(CREATE, { input: { subject: 'Resolved late', dueAt: new Date(Date.now() - 60_000).toISOString() } }, admin.token);
    const resolved = await t.gql(UPDATE, { input: { id: late.data.createTicket.id, status: 'RESOLVED' } }, admin.token);
    expect(resolved.data.updateTicket.sla).toMatchObject({ state: 'BREACHED', resolutionBreached: true });
    await adminNotes.until((events) => events.some((e) => e.kind === 'SLA_BREACHED' && e.ticket?.id === late.data.createTicket.id));
  });
});
