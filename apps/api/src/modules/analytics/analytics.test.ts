// Metric definitions checked against a small dataset whose expected figures
// are worked out by hand in the comments.
import { forkFor } from '../../platform/database.js';
import { collect, expectError, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';
import { User, UserRole } from '../auth/user.entity.js';
import { Contact } from '../contacts/contact.entity.js';
import { Conversation, ConversationMode, ConversationStatus, Priority } from '../conversations/conversation.entity.js';
import { AuthorType, Message } from '../conversations/message.entity.js';
import { Ticket, TicketStatus } from '../tickets/ticket.entity.js';
import { rollupJob } from './rollup.job.js';

const at = (iso: string) => new Date(`2026-01-${iso}Z`);

const QUERY = `query($from: DateTimeISO!, $to: DateTimeISO!, $g: Granularity, $f: AnalyticsFilter) {
  analytics(range: {from: $from, to: $to}, granularity: $g, filter: $f) {
    conversationsCreated resolutionRate automatedResolutionRate handoffRate durableResolutionRate
    handoffReasons { label count } conversationsByIntent { label count } messagesByAuthorType { label count }
    ticketsCreated ticketsResolved slaBreaches ticketBacklog { status priority count }
    firstResponseTime { count avgSeconds medianSeconds p90Seconds }
    firstResponseTimeAi { count avgSeconds medianSeconds p90Seconds }
    firstResponseTimeHuman { count medianSeconds }
    resolutionTime { count avgSeconds medianSeconds p90Seconds }
    csat { score responseRate ratings } csatAi { score responseRate ratings } csatHuman { score responseRate ratings }
    agents { agent { name } handled firstResponseMedianSeconds resolutionMedianSeconds csatScore }
    aiUsage { answers promptTokens completionTokens avgLatencyMs }
    timeseries { start conversationsCreated resolved handedOff firstResponseMedianSeconds resolutionMedianSeconds aiHandled resolvedByAi csatScore aiAnswers }
  }
}`;

describe('analytics', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;

  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace('Metrics');
    const em = forkFor(t.server.deps.orm, ws.workspaceId);
    const workspace = ws.workspaceId;
    const agent = em.create(User, { workspace, email: 'metrics-agent@example.com', name: 'Mia', role: UserRole.AGENT });
    const contact = em.create(Contact, { workspace, name: 'Cy' });
    const conversation = (createdAt: Date, extra: Record<string, unknown>, messages: [AuthorType, Date, number?][]) => {
      const c = em.create(Conversation, {
        workspace,
        contact,
        createdAt,
        lastMessageAt: createdAt,
        lastSeq: messages.length,
        ...extra,
      } as never) as Conversation;
      messages.forEach(([authorType, createdAt, latencyMs], i) =>
        em.create(Message, {
          workspace,
          conversation: c,
          seq: i + 1,
          authorType,
          body: 'x',
          createdAt,
          ...(authorType === AuthorType.AI
            ? { modelConfigId: '00000000-0000-4000-8000-000000000001', promptTokens: 100, completionTokens: 20, latencyMs }
            : {}),
        }),
      );
    };
    // C1: AI answered in 30 s, resolved after 600 s without an agent, rated 5.
    conversation(at('01T10:00:00'), { firstResponseAt: at('01T10:00:30'), resolvedAt: at('01T10:10:00'), status: ConversationStatus.RESOLVED, csatScore: 5 }, [
      [AuthorType.CUSTOMER, at('01T10:00:00')],
      [AuthorType.AI, at('01T10:00:30'), 400],
    ]);
    // C2: AI answered in 10 s, then handed off (missing_knowledge) to Mia who resolved it after 3600 s; rated 2.
    conversation(
      at('02T09:00:00'),
      {
        firstResponseAt: at('02T09:00:10'),
        resolvedAt: at('02T10:00:00'),
        status: ConversationStatus.RESOLVED,
        csatScore: 2,
        mode: ConversationMode.HUMAN,
        handoffReason: 'missing_knowledge',
        assignee: agent,
      },
      [
        [AuthorType.CUSTOMER, at('02T09:00:00')],
        [AuthorType.AI, at('02T09:00:10'), 600],
        [AuthorType.AGENT, at('02T09:05:00')],
      ],
    );
    // C3: the customer asked for a person; Mia replied after 120 s; still open.
    conversation(at('03T12:00:00'), { firstResponseAt: at('03T12:02:00'), mode: ConversationMode.HUMAN, handoffReason: 'customer_request', assignee: agent }, [
      [AuthorType.CUSTOMER, at('03T12:00:00')],
      [AuthorType.AGENT, at('03T12:02:00')],
    ]);
    // C4: created exactly at the range start (included), never answered.
    conversation(at('01T00:00:00'), {}, [[AuthorType.CUSTOMER, at('01T00:00:00')]]);
    // Outside the range: exactly at its end (excluded), and an agent take-over (not a handoff) in February.
    conversation(at('15T00:00:00'), { handoffReason: 'customer_request' }, [[AuthorType.CUSTOMER, at('15T00:00:00')]]);
    conversation(new Date('2026-02-01T00:00:00Z'), { handoffReason: 'agent_took_over' }, []);
    // Tickets: created in range and resolved; open, HIGH, overdue (an SLA breach); open from before the range.
    em.create(Ticket, { workspace, subject: 'T1', createdAt: at('03T00:00:00'), resolvedAt: at('04T00:00:00'), status: TicketStatus.RESOLVED });
    em.create(Ticket, { workspace, subject: 'T2', createdAt: at('06T00:00:00'), priority: Priority.HIGH, dueAt: at('07T00:00:00') });
    em.create(Ticket, { workspace, subject: 'T3', createdAt: new Date('2025-12-20T00:00:00Z') });
    await em.flush();
  });
  afterAll(() => t.close());

  it('counts conversations by the intent of their first analysed customer message', async () => {
    const analysis = (intent: string) => JSON.stringify({ intent, sentiment: 0, sentimentLabel: 'NEUTRAL', language: 'en', wantsHuman: false });
    const firsts = await t.sql(
      `select m.id from message m join conversation c on c.id = m.conversation_id
        where c.workspace_id = ? and m.author_type = 'CUSTOMER' and m.seq = 1 and c.created_at >= ? and c.created_at < ? order by c.created_at`,
      [ws.workspaceId, at('01T00:00:01'), at('15T00:00:00')],
    );
    // C1 and C2 are about refunds, C3 asks for a person; C4 was never analysed.
    expect(firsts).toHaveLength(3);
    for (const [i, intent] of ['refund', 'refund', 'human_request'].entries())
      await t.sql(`update message set analysis = ?::jsonb where id = ?`, [analysis(intent), firsts[i]!.id]);
    try {
      const res = await t.gql(QUERY, { from: at('01T00:00:00'), to: at('15T00:00:00'), g: 'DAY' }, ws.token);
      expect(res.data.analytics.conversationsByIntent).toEqual([
        { label: 'refund', count: 2 },
        { label: 'human_request', count: 1 },
        { label: 'unknown', count: 1 },
      ]);
    } finally {
      await t.sql(`update message set analysis = null where id = any(?::uuid[])`, [`{${firsts.map((f: any) => f.id).join(',')}}`]);
    }
  });

  it('computes every metric as defined', async () => {
    const res = await t.gql(QUERY, { from: at('01T00:00:00'), to: at('15T00:00:00'), g: 'DAY' }, ws.token);
    expect(res.errors).toBeUndefined();
    const a = res.data.analytics;
    expect(a.conversationsCreated).toBe(4); // C1–C4
    expect(a.resolutionRate).toBe(0.5); // C1, C2 of 4
    expect(a.automatedResolutionRate).toBe(0.5); // AI handled C1, C2; only C1 resolved without an agent
    expect(a.handoffRate).toBe(0.5); // C2 (missing_knowledge), C3 (customer_request)
    expect(a.handoffReasons).toEqual([
      { label: 'customer_request', count: 1 },
      { label: 'missing_knowledge', count: 1 },
    ]);
    expect(a.durableResolutionRate).toBe(1); // both resolved before Jan 8 (range end − 7 days) and still resolved
    expect(a.messagesByAuthorType).toEqual([
      { label: 'AGENT', count: 2 },
      { label: 'AI', count: 2 },
      { label: 'CUSTOMER', count: 4 },
    ]);
    // First response: 30, 10, 120 s → mean 53.33, median 30, p90 = 30 + 0.8 × 90 = 102.
    expect(a.firstResponseTime.count).toBe(3);
    expect(a.firstResponseTime.avgSeconds).toBeCloseTo(53.333, 2);
    expect(a.firstResponseTime.medianSeconds).toBe(30);
    expect(a.firstResponseTime.p90Seconds).toBeCloseTo(102, 6);
    expect(a.firstResponseTimeAi).toMatchObject({ count: 2, avgSeconds: 20, medianSeconds: 20 });
    expect(a.firstResponseTimeAi.p90Seconds).toBeCloseTo(28, 6);
    expect(a.firstResponseTimeHuman).toEqual({ count: 1, medianSeconds: 120 });
    // Resolution: 600 and 3600 s → mean and median 2100, p90 = 600 + 0.9 × 3000 = 3300.
    expect(a.resolutionTime).toMatchObject({ count: 2, avgSeconds: 2100, medianSeconds: 2100 });
    expect(a.resolutionTime.p90Seconds).toBeCloseTo(3300, 6);
    // CSAT: ratings 5 and 2 → 1 positive of 2 = 50; both resolved conversations rated.
    expect(a.csat).toEqual({ score: 50, responseRate: 1, ratings: 2 });
    expect(a.csatAi).toEqual({ score: 100, responseRate: 1, ratings: 1 }); // C1
    expect(a.csatHuman).toEqual({ score: 0, responseRate: 1, ratings: 1 }); // C2
    expect(a.ticketsCreated).toBe(2);
    expect(a.ticketsResolved).toBe(1);
    expect(a.slaBreaches).toBe(1);
    expect(a.ticketBacklog).toEqual([
      { status: 'OPEN', priority: 'HIGH', count: 1 },
      { status: 'OPEN', priority: 'NORMAL', count: 1 },
    ]);
    // Mia: C2 and C3; first responses 10 and 120 → median 65; resolution 3600; CSAT 0.
    expect(a.agents).toEqual([{ agent: { name: 'Mia' }, handled: 2, firstResponseMedianSeconds: 65, resolutionMedianSeconds: 3600, csatScore: 0 }]);
    expect(a.aiUsage).toEqual([{ answers: 2, promptTokens: 200, completionTokens: 40, avgLatencyMs: 500 }]);
    // 14 daily buckets; Jan 1 holds C1 and C4.
    expect(a.timeseries).toHaveLength(14);
    expect(a.timeseries[0]).toEqual({
      start: '2026-01-01T00:00:00.000Z',
      conversationsCreated: 2,
      resolved: 1,
      handedOff: 0,
      firstResponseMedianSeconds: 30,
      resolutionMedianSeconds: 600,
      aiHandled: 1,
      resolvedByAi: 1,
      csatScore: 100,
      aiAnswers: 1,
    });
    expect(a.timeseries[1]).toMatchObject({
      conversationsCreated: 1,
      resolved: 1,
      handedOff: 1,
      firstResponseMedianSeconds: 10,
      resolutionMedianSeconds: 3600,
      aiHandled: 1,
      resolvedByAi: 0,
      csatScore: 0,
      aiAnswers: 1,
    });
    expect(a.timeseries[2]).toMatchObject({ conversationsCreated: 1, resolutionMedianSeconds: null, aiHandled: 0, resolvedByAi: 0 });
    expect(a.timeseries[3]).toMatchObject({ conversationsCreated: 0, firstResponseMedianSeconds: null, resolutionMedianSeconds: null, csatScore: null });
    // The buckets add up to the range's automated resolution rate.
    const sum = (k: string) => a.timeseries.reduce((n: number, b: any) => n + b[k], 0);
    expect(sum('resolvedByAi') / sum('aiHandled')).toBe(a.automatedResolutionRate);
    expect(a.timeseries.reduce((n: number, b: any) => n + b.conversationsCreated, 0)).toBe(4);
  });

  it('filters, buckets by week and hour, and validates the range', async () => {
    const ai = await t.gql(QUERY, { from: at('01T00:00:00'), to: at('15T00:00:00'), f: { mode: 'AI' } }, ws.token);
    expect(ai.data.analytics.conversationsCreated).toBe(2); // C1, C4
    const mine = await t.gql(QUERY, { from: at('01T00:00:00'), to: at('15T00:00:00'), f: { assigneeId: ws.userId } }, ws.token);
    expect(mine.data.analytics.conversationsCreated).toBe(0);
    const weekly = await t.gql(QUERY, { from: at('01T00:00:00'), to: at('15T00:00:00'), g: 'WEEK' }, ws.token);
    // Jan 1 2026 is a Thursday: ISO weeks start Dec 29, Jan 5 and Jan 12.
    expect(weekly.data.analytics.timeseries.map((b: any) => [b.start.slice(0, 10), b.conversationsCreated])).toEqual([
      ['2025-12-29', 4],
      ['2026-01-05', 0],
      ['2026-01-12', 0],
    ]); // C1–C4 fall in the week of Dec 29
    const hourly = await t.gql(QUERY, { from: at('01T09:30:00'), to: at('01T11:00:00'), g: 'HOUR' }, ws.token);
    expect(hourly.data.analytics.timeseries.map((b: any) => b.conversationsCreated)).toEqual([0, 1]);
    expectError(await t.gql(QUERY, { from: at('05T00:00:00'), to: at('01T00:00:00') }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(QUERY, { from: '2024-01-01T00:00:00Z', to: at('01T00:00:00'), g: 'HOUR' }, ws.token), 'BAD_USER_INPUT');
    // A date picker allows year 1; the API says what is wrong instead of failing in the database.
    const early = expectError(await t.gql(QUERY, { from: '0001-01-01T00:00:00Z', to: '0001-01-02T00:00:00Z', g: 'DAY' }, ws.token), 'BAD_USER_INPUT');
    expect(early.message).toContain('from must be in the year 2000 or later');
    expectError(
      await t.gql(`mutation { exportConversations(range: {from: "0001-01-01T00:00:00Z", to: "0001-01-02T00:00:00Z"}) { url } }`, {}, ws.token),
      'BAD_USER_INPUT',
    );
  });

  it('gives the same numbers from the rollups as recomputed from messages', async () => {
    const facts = `select count(*)::int as n from conversation c where c.workspace_id = ? and (
      c.had_agent_reply <> exists (select 1 from message m where m.conversation_id = c.id and m.author_type = 'AGENT')
      or c.had_ai_reply <> exists (select 1 from message m where m.conversation_id = c.id and m.author_type = 'AI')
      or c.first_responder is distinct from (select m.author_type from message m where m.conversation_id = c.id and m.author_type in ('AGENT', 'AI') order by m.seq limit 1))`;
    // Live traffic through the API keeps the facts too: an agent answers first on a new chat.
    const start = await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, message: "Hello?"}) { conversation { id } } }`, {
      k: ws.widgetKey,
    });
    const id = start.data.startConversation.conversation.id;
    await t.gql(`mutation($id: ID!) { sendMessage(input: {conversationId: $id, body: "Hi, Mia here."}) { seq } }`, { id }, ws.token);
    const [live] = await t.sql('select had_agent_reply, had_ai_reply, first_responder from conversation where id = ?', [id]);
    expect(live).toEqual({ had_agent_reply: true, had_ai_reply: false, first_responder: 'AGENT' });
    expect((await t.sql(facts, [ws.workspaceId]))[0].n).toBe(0);

    // The hourly message rollups, as the scheduled job leaves them.
    expect(await rollupJob.handle({}, { ...t.server.deps, attempt: 0, lastAttempt: true })).toMatchObject({ hours: expect.any(Number) });
    const [state] = await t.sql(`select rolled_up_to from analytics_rollup_state where name = 'message_hourly'`);
    expect(new Date(state.rolled_up_to).getTime()).toBeGreaterThan(Date.now() - 2 * 3600_000);
    const rolled = await t.sql(`select sum(messages)::int as n from message_rollup_hourly where workspace_id = ? and hour < '2026-01-15'`, [ws.workspaceId]);
    expect(rolled[0].n).toBe(8); // C1–C4's messages (2 + 3 + 2 + 1)
    // A second run finds nothing new to do.
    expect(await rollupJob.handle({}, { ...t.server.deps, attempt: 0, lastAttempt: true })).toEqual({ hours: 0 });

    const config = t.server.deps.config;
    const ranges = [
      { from: at('01T09:30:00'), to: at('03T12:30:00'), g: 'HOUR' }, // partial hours at both ends
      { from: at('01T00:00:00'), to: at('15T00:00:00'), g: 'DAY' },
      { from: at('01T00:00:00'), to: new Date(Date.now() + 3600_000).toISOString(), g: 'WEEK' },
      { from: at('01T00:00:00'), to: at('15T00:00:00'), g: 'DAY', f: { mode: 'HUMAN' } },
    ];
    for (const vars of ranges) {
      const withRollups = await t.gql(QUERY, vars, ws.token);
      config.analyticsRollups = false;
      try {
        const recomputed = await t.gql(QUERY, vars, ws.token);
        expect(withRollups.errors).toBeUndefined();
        expect(withRollups.data).toEqual(recomputed.data);
      } finally {
        config.analyticsRollups = true;
      }
    }
  });

  it('keeps the CSAT response rate within 0..1 when open conversations are rated', async () => {
    const w = await t.createWorkspace('Rates');
    const start = async () =>
      (
        await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, message: "hi"}) { customerToken conversation { id } } }`, {
          k: w.widgetKey,
        })
      ).data.startConversation;
    const open = await start();
    const done = await start();
    await t.gql(`mutation($id: ID!) { rateConversation(id: $id, score: 5) { id } }`, { id: open.conversation.id }, open.customerToken);
    await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: done.conversation.id }, w.token);
    const res = await t.gql(
      `query($from: DateTimeISO!, $to: DateTimeISO!) { analytics(range: {from: $from, to: $to}) { csat { score ratings responseRate } } }`,
      { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000) },
      w.token,
    );
    // One rating (of the open one), one resolved conversation, which is unrated.
    expect(res.data.analytics.csat).toEqual({ score: 100, ratings: 1, responseRate: 0 });
  });

  it('serves partners with analytics:read, and each workspace only its own numbers', async () => {
    const key = await t.gql(`mutation { createApiKey(input: {name: "BI", scopes: [ANALYTICS_READ]}) { secret } }`, {}, ws.token);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key.data.createApiKey.secret },
      body: JSON.stringify({ query: QUERY, variables: { from: at('01T00:00:00'), to: at('15T00:00:00') } }),
    });
    expect(((await res.json()) as any).data.analytics.conversationsCreated).toBe(4);
    const other = await t.createWorkspace('Empty');
    const empty = await t.gql(QUERY, { from: at('01T00:00:00'), to: at('15T00:00:00') }, other.token);
    expect(empty.data.analytics).toMatchObject({ conversationsCreated: 0, resolutionRate: null, ticketsCreated: 0, agents: [], aiUsage: [] });
  });

  it('streams a per-conversation export as CSV or JSON Lines through a short-lived link', async () => {
    const link = await t.gql(
      `mutation($from: DateTimeISO!, $to: DateTimeISO!) { exportConversations(range: {from: $from, to: $to}, format: CSV) { url expiresAt } }`,
      { from: at('01T00:00:00'), to: at('15T00:00:00') },
      ws.token,
    );
    const csv = await (await fetch(`${t.url}${link.data.exportConversations.url}`)).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(
      /^id,created_at,status,mode,channel,priority,assignee_id,first_response_at,resolved_at,first_response_seconds,resolution_seconds,handoff_reason,csat_score,messages/,
    );
    expect(lines).toHaveLength(5); // header + C1–C4
    expect(lines.find((l) => l.includes(',600,'))).toMatch(/,30,600,,5,2,1,0,1,120$/); // C1: 30 s, 600 s, CSAT 5, 2 messages, 120 AI tokens

    // Thousands of rows cross the export's batches without loss or repetition.
    const contactId = crypto.randomUUID();
    await t.sql('insert into contact (id, workspace_id, created_at) values (?, ?, now())', [contactId, ws.workspaceId]);
    await t.sql(
      `insert into conversation (id, workspace_id, contact_id, status, mode, channel, priority, last_seq, last_message_at, created_at, updated_at)
       select gen_random_uuid(), ?, ?, 'OPEN', 'AI', 'WEB_WIDGET', 'NORMAL', 0, now(), timestamptz '2026-03-01T00:00:00Z' + (g % 7) * interval '1 second', now()
       from generate_series(1, 2500) g`,
      [ws.workspaceId, contactId],
    );
    const big = await t.gql(
      `mutation { exportConversations(range: {from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z"}, format: JSONL) { url } }`,
      {},
      ws.token,
    );
    const body = await (await fetch(`${t.url}${big.data.exportConversations.url}`)).text();
    const rows = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2500);

    const bad = await fetch(`${t.url}/exports/conversations?token=forged`);
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('pushes headline metrics when activity changes them', async () => {
    const key = (await t.gql(`mutation { createApiKey(input: {name: "Live", scopes: [ANALYTICS_READ]}) { secret } }`, {}, ws.token)).data.createApiKey.secret;
    const client = wsClient(t.wsUrl, key);
    const feed = collect(client, `subscription { metricsUpdated(windowDays: 7) { windowDays conversationsCreated handoffRate } }`);
    await feed.until((ev) => ev.length === 1);
    const before = feed.events[0].conversationsCreated;
    await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, message: "hello"}) { conversation { id } } }`, { k: ws.widgetKey });
    await feed.until((ev) => ev.some((e) => e.conversationsCreated === before + 1), 10_000);
    expect(feed.events.at(-1)).toMatchObject({ windowDays: 7, conversationsCreated: before + 1 });
    await client.dispose();
  });
});
