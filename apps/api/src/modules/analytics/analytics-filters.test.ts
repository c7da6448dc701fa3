// The filtered overview (mode, assignee, channel, and their combinations)
// read from the dimension rollups and the daily conversation rollups equals
// the one recomputed from the messages (ANALYTICS_ROLLUPS=false), before and
// after conversations change mode, assignee, channel or any other figure
// across hour and day boundaries (days marked dirty, then rolled up again),
// on days still open, and while the rollup job runs alongside such changes
// and alongside customer messages being analysed (the per-conversation intent
// the overview reads).
import { forkFor } from '../../platform/database.js';
import { collect, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';
import { User, UserRole } from '../auth/user.entity.js';
import { Contact } from '../contacts/contact.entity.js';
import { Channel, Conversation, ConversationMode, ConversationStatus } from '../conversations/conversation.entity.js';
import { AuthorType, Message, MessageKind } from '../conversations/message.entity.js';
import { rollupJob } from './rollup.job.js';

const at = (iso: string) => new Date(`2026-02-${iso}Z`);

const QUERY = `query($from: DateTimeISO!, $to: DateTimeISO!, $g: Granularity, $f: AnalyticsFilter) {
  analytics(range: {from: $from, to: $to}, granularity: $g, filter: $f) {
    conversationsCreated resolutionRate automatedResolutionRate handoffRate durableResolutionRate
    handoffReasons { label count } messagesByAuthorType { label count } conversationsByIntent { label count }
    firstResponseTime { count avgSeconds medianSeconds p90Seconds }
    firstResponseTimeAi { count avgSeconds medianSeconds p90Seconds }
    firstResponseTimeHuman { count avgSeconds medianSeconds p90Seconds }
    resolutionTime { count avgSeconds medianSeconds p90Seconds }
    csat { score responseRate ratings } csatAi { score responseRate ratings } csatHuman { score responseRate ratings }
    agents { agent { name } handled firstResponseMedianSeconds resolutionMedianSeconds csatScore }
    aiUsage { answers promptTokens completionTokens avgLatencyMs }
    timeseries { start conversationsCreated resolved handedOff firstResponseMedianSeconds resolutionMedianSeconds aiHandled resolvedByAi csatScore aiAnswers }
  }
}`;

describe('analytics filtered by mode, assignee and channel', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let other: Awaited<ReturnType<TestServer['createWorkspace']>>;
  const agents: Record<'ann' | 'ben' | 'zed', string> = { ann: '', ben: '', zed: '' };
  const ids: Record<string, string> = {};

  const filters = () => [
    {},
    { mode: 'AI' },
    { mode: 'HUMAN' },
    { assigneeId: agents.ann },
    { assigneeId: agents.ben },
    { channel: 'EMAIL' },
    { channel: 'WEB_WIDGET' },
    { channel: 'API' },
    { mode: 'HUMAN', assigneeId: agents.ann },
    { mode: 'AI', channel: 'WEB_WIDGET' },
    { mode: 'HUMAN', assigneeId: agents.ben, channel: 'EMAIL' },
  ];
  const ranges = () => [
    { from: at('10T10:30:00'), to: at('11T00:45:00'), g: 'HOUR' }, // partial hours at both ends
    { from: at('09T18:00:00'), to: at('15T06:00:00'), g: 'HOUR' }, // whole days in the middle (the conversation rollups' hours), partial ones at the ends
    { from: at('01T00:00:00'), to: '2026-03-01T00:00:00Z', g: 'DAY' },
    { from: at('01T00:00:00'), to: new Date(Date.now() + 3600_000).toISOString(), g: 'WEEK' }, // up to now: hours not rolled up yet
  ];
  const overview = async (vars: Record<string, unknown>, rollups: boolean) => {
    const config = t.server.deps.config;
    config.analyticsRollups = rollups;
    try {
      const res = await t.gql(QUERY, vars, ws.token);
      expect(res.errors).toBeUndefined();
      return res.data.analytics;
    } finally {
      config.analyticsRollups = true;
    }
  };
  /** Every filter over every range: the rolled-up figures equal the recomputed ones. */
  const expectRollupsToMatchRecompute = async () => {
    for (const range of ranges()) {
      for (const f of filters()) {
        const vars = { ...range, f };
        const rolled = await overview(vars, true);
        const recomputed = await overview(vars, false);
        expect({ vars, figures: rolled }).toEqual({ vars, figures: recomputed });
      }
    }
  };
  const byAuthor = async (f: Record<string, unknown>) =>
    Object.fromEntries(
      (await overview({ from: at('01T00:00:00'), to: '2026-03-01T00:00:00Z', f }, true)).messagesByAuthorType.map((r: { label: string; count: number }) => [
        r.label,
        r.count,
      ]),
    );
  const runRollups = () => rollupJob.handle({}, { ...t.server.deps, attempt: 0, lastAttempt: true });
  const gqlOk = async (query: string, vars: Record<string, unknown>) => {
    const res = await t.gql(query, vars, ws.token);
    expect(res.errors).toBeUndefined();
    return res.data;
  };

  beforeAll(async () => {
    // Hundreds of overviews a minute: the per-user rate limit is not this suite's subject.
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
    ws = await t.createWorkspace('Filters');
    other = await t.createWorkspace('Elsewhere');
    const em = forkFor(t.server.deps.orm, null);
    const workspace = ws.workspaceId;
    const ann = em.create(User, { workspace, email: `ann-${workspace}@example.com`, name: 'Ann', role: UserRole.AGENT });
    const ben = em.create(User, { workspace, email: `ben-${workspace}@example.com`, name: 'Ben', role: UserRole.AGENT });
    const zed = em.create(User, { workspace: other.workspaceId, email: `zed-${workspace}@example.com`, name: 'Zed', role: UserRole.AGENT });
    const contact = em.create(Contact, { workspace, name: 'Cy' });
    const otherContact = em.create(Contact, { workspace: other.workspaceId, name: 'Oz' });
    const conversation = (name: string, extra: Record<string, unknown>, messages: [AuthorType, string, MessageKind?][], wsId = workspace, who = contact) => {
      const createdAt = at(messages[0]![1]);
      const c = em.create(Conversation, {
        workspace: wsId,
        contact: who,
        createdAt,
        lastMessageAt: createdAt,
        lastSeq: messages.length,
        ...extra,
      } as never) as Conversation;
      messages.forEach(([authorType, time, kind], i) =>
        em.create(Message, {
          workspace: wsId,
          conversation: c,
          seq: i + 1,
          authorType,
          body: 'x',
          createdAt: at(time),
          kind: kind ?? MessageKind.MESSAGE,
          ...(authorType === AuthorType.AI
            ? { modelConfigId: '00000000-0000-4000-8000-000000000001', promptTokens: 100, completionTokens: 20, latencyMs: 300 }
            : {}),
        }),
      );
      ids[name] = c.id;
    };
    const { CUSTOMER, AI, AGENT, SYSTEM } = AuthorType;
    // K1: the AI's, on the widget, unassigned; its messages cross 11:00 and midnight. Handed off to Ann later.
    conversation('k1', { firstResponseAt: at('10T10:50:30') }, [
      [CUSTOMER, '10T10:50:00'],
      [AI, '10T10:50:30'],
      [CUSTOMER, '10T10:59:59'],
      [AI, '10T11:00:00'],
      [CUSTOMER, '10T23:59:00'],
      [AI, '11T00:10:00'],
    ]);
    // K2: Ann's, by email, from 23:30 to 00:30; reassigned to Ben later.
    conversation(
      'k2',
      {
        mode: ConversationMode.HUMAN,
        channel: Channel.EMAIL,
        assignee: ann,
        firstResponseAt: at('10T23:40:00'),
        resolvedAt: at('11T00:30:00'),
        status: ConversationStatus.RESOLVED,
        csatScore: 4,
      },
      [
        [CUSTOMER, '10T23:30:00'],
        [AGENT, '10T23:40:00'],
        [CUSTOMER, '11T00:05:00'],
        [AGENT, '11T00:30:00'],
      ],
    );
    // K3: Ben's, through the API, handed off by the AI; unassigned later.
    conversation(
      'k3',
      { mode: ConversationMode.HUMAN, channel: Channel.API, assignee: ben, handoffReason: 'missing_knowledge', firstResponseAt: at('10T12:00:10') },
      [
        [CUSTOMER, '10T12:00:00'],
        [AI, '10T12:00:10'],
        [SYSTEM, '10T12:00:11'],
        [AGENT, '10T13:15:00'],
      ],
    );
    // K4: the AI's, on the widget; moved to email later (no API changes a channel: SQL does).
    conversation('k4', { status: ConversationStatus.RESOLVED, resolvedAt: at('12T08:00:00'), firstResponseAt: at('12T07:00:05') }, [
      [CUSTOMER, '12T07:00:00'],
      [AI, '12T07:00:05'],
      [CUSTOMER, '12T07:59:00'],
    ]);
    // K5: Ann's, on the widget, with a private note (no message in any count).
    conversation('k5', { mode: ConversationMode.HUMAN, assignee: ann, firstResponseAt: at('13T09:10:00') }, [
      [CUSTOMER, '13T09:00:00'],
      [AGENT, '13T09:05:00', MessageKind.NOTE],
      [AGENT, '13T09:10:00'],
    ]);
    // K6: the AI's, never changes.
    conversation('k6', {}, [
      [CUSTOMER, '14T15:00:00'],
      [AI, '14T15:00:02'],
    ]);
    // Zed's, in the other workspace.
    conversation(
      'z1',
      { mode: ConversationMode.HUMAN, assignee: zed },
      [
        [CUSTOMER, '10T10:00:00'],
        [AGENT, '10T10:05:00'],
      ],
      other.workspaceId,
      otherContact,
    );
    await em.flush();
    Object.assign(agents, { ann: ann.id, ben: ben.id, zed: zed.id });
  });
  afterAll(() => t.close());

  it('rolls up messages by mode, assignee and channel, and serves every filter as recomputed', async () => {
    expect(await runRollups()).toMatchObject({ hours: expect.any(Number) });
    const [rows] = await t.sql(`select count(*)::int as n, sum(messages)::int as messages from message_dimension_rollup_hourly where workspace_id = ?`, [
      ws.workspaceId,
    ]);
    expect(rows).toEqual({ n: expect.any(Number), messages: 21 }); // K1–K6's messages, the note left out
    expect(await byAuthor({ assigneeId: agents.ann })).toEqual({ AGENT: 3, CUSTOMER: 3 }); // K2 and K5
    await expectRollupsToMatchRecompute();
  });

  it('follows conversations that change assignee, mode or channel after their messages were rolled up', async () => {
    const assign = `mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id assignee { id } } }`;
    await gqlOk(assign, { id: ids.k2, u: agents.ben });
    await gqlOk(`mutation($id: ID!) { unassignConversation(id: $id) { id } }`, { id: ids.k3 });
    await gqlOk(`mutation($id: ID!) { handOffToHuman(id: $id, reason: missing_knowledge) { mode } }`, { id: ids.k1 });
    await gqlOk(assign, { id: ids.k1, u: agents.ann });
    await t.sql(`update conversation set channel = 'EMAIL' where id = ?`, [ids.k4]);

    // K2's four messages went with it to Ben; K1's six came to Ann (its handoff notice is dated now, outside February).
    expect(await byAuthor({ assigneeId: agents.ann })).toEqual({ AI: 3, AGENT: 1, CUSTOMER: 4 });
    expect(await byAuthor({ assigneeId: agents.ben })).toEqual({ AGENT: 2, CUSTOMER: 2 });
    expect(await byAuthor({ channel: 'EMAIL' })).toEqual({ AI: 1, AGENT: 2, CUSTOMER: 4 });
    await expectRollupsToMatchRecompute();

    // Over graphql-ws, the same pipeline and the same figures.
    const client = wsClient(t.wsUrl, ws.token);
    try {
      for (const f of [{ mode: 'HUMAN', assigneeId: agents.ann }, { channel: 'EMAIL' }]) {
        const vars = { from: at('01T00:00:00'), to: '2026-03-01T00:00:00Z', g: 'DAY', f };
        const overWs = collect(client, QUERY, vars);
        const [viaSocket] = await overWs.until((ev) => ev.length === 1);
        expect(overWs.errors).toEqual([]);
        expect(viaSocket).toEqual(await overview(vars, false));
      }
    } finally {
      await client.dispose();
    }

    // The next run has nothing to redo for these hours, and leaves no emptied rows behind.
    await runRollups();
    const [empty] = await t.sql(`select count(*)::int as n from message_dimension_rollup_hourly where messages = 0`);
    expect(empty.n).toBe(0);
    await expectRollupsToMatchRecompute();
  });

  it('stays exact when the rollup job runs while conversations are reassigned', async () => {
    // Send the watermark back a month, so the run re-rolls every hour of the dataset while the moves happen.
    await t.sql(`update analytics_rollup_state set rolled_up_to = ?`, [at('01T00:00:00')]);
    const assign = `mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`;
    const moves = async () => {
      for (let i = 0; i < 6; i++) {
        await gqlOk(assign, { id: ids.k2, u: i % 2 ? agents.ann : agents.ben });
        await gqlOk(assign, { id: ids.k5, u: i % 2 ? agents.ben : agents.ann });
        await t.sql(`update conversation set channel = ? where id = ?`, [i % 2 ? 'API' : 'WEB_WIDGET', ids.k6]);
      }
    };
    const [run] = await Promise.all([runRollups(), moves(), moves()]);
    expect(run).toMatchObject({ hours: expect.any(Number) });
    await expectRollupsToMatchRecompute();
    // And the dimension rollups add up to the plain ones, hour by hour.
    const mismatched = await t.sql(
      `select hour, author_type from (select hour, author_type, sum(messages) as n from message_rollup_hourly where workspace_id = ? group by 1, 2) a
         full join (select hour, author_type, sum(messages) as n from message_dimension_rollup_hourly where workspace_id = ? group by 1, 2) b using (hour, author_type)
        where a.n is distinct from b.n`,
      [ws.workspaceId, ws.workspaceId],
    );
    expect(mismatched).toEqual([]);
  });

  it('keeps every intent exact while analyses land and go concurrently, with the rollup job and reassignments running', async () => {
    const customer = await t.sql(`select id from message where workspace_id = ? and author_type = 'CUSTOMER' order by conversation_id, seq`, [ws.workspaceId]);
    expect(customer.length).toBeGreaterThan(8);
    const labels = ['refund', 'shipping', 'billing', null]; // null: analysed, no intent
    /** Writer w analyses every customer message in its own order, erasing some analyses again. */
    const analyse = (w: number) =>
      Promise.all(
        customer
          .map((m: { id: string }, i: number) => ({ id: m.id, key: (i * (7 + 2 * w) + w) % customer.length, i }))
          .sort((x, y) => x.key - y.key)
          .map(({ id, i }) => {
            const intent = labels[(i + w) % labels.length];
            const analysis = (i + w) % 5 === 0 ? null : JSON.stringify({ ...(intent ? { intent } : {}), sentiment: 0, language: 'en' });
            return t.sql(`update message set analysis = ?::jsonb where id = ?`, [analysis, id]);
          }),
      );
    const assign = `mutation($id: ID!, $u: ID!) { assignConversation(id: $id, userId: $u) { id } }`;
    await t.sql(`update analytics_rollup_state set rolled_up_to = ?`, [at('01T00:00:00')]);
    await Promise.all([
      runRollups(),
      analyse(0),
      analyse(1),
      analyse(2),
      gqlOk(assign, { id: ids.k2, u: agents.ann }),
      gqlOk(assign, { id: ids.k5, u: agents.ben }),
    ]);
    const [wrong] = await t.sql(
      `select count(*)::int as n from conversation c left join lateral (select m.seq, m.analysis->>'intent' as intent from message m
          where m.conversation_id = c.id and m.author_type = 'CUSTOMER' and m.analysis is not null order by m.seq limit 1) f on true
        where c.workspace_id = ? and (c.intent_seq is distinct from f.seq or c.intent is distinct from f.intent)`,
      [ws.workspaceId],
    );
    expect(wrong.n).toBe(0);
    const intents = await overview({ from: at('01T00:00:00'), to: '2026-03-01T00:00:00Z', g: 'DAY' }, true);
    expect(intents.conversationsByIntent.map((r: { label: string }) => r.label)).not.toEqual(['unknown']); // some analyses stayed
    await expectRollupsToMatchRecompute();
  });

  it("sees nothing when filtered by another workspace's agent", async () => {
    for (const rollups of [true, false]) {
      for (const f of [{ assigneeId: agents.zed }, { assigneeId: agents.zed, mode: 'HUMAN' }, { assigneeId: agents.zed, channel: 'WEB_WIDGET' }]) {
        const a = await overview({ from: at('01T00:00:00'), to: '2026-03-01T00:00:00Z', g: 'DAY', f }, rollups);
        expect(a).toMatchObject({ conversationsCreated: 0, messagesByAuthorType: [], agents: [], handoffReasons: [] });
      }
    }
    // Zed's own workspace does see his conversation.
    const own = await t.gql(QUERY, { from: at('01T00:00:00'), to: '2026-03-01T00:00:00Z', f: { assigneeId: agents.zed } }, other.token);
    expect(own.data.analytics).toMatchObject({
      conversationsCreated: 1,
      messagesByAuthorType: [
        { label: 'AGENT', count: 1 },
        { label: 'CUSTOMER', count: 1 },
      ],
    });
  });

  it('reads whole days from the conversation rollups, and a day changed since from the conversations until the job rolls it up again', async () => {
    await runRollups();
    const month = { from: at('01T00:00:00'), to: '2026-03-01T00:00:00Z', g: 'DAY' };
    const dayRows = (day: string) =>
      t.sql(`select created, csat_ai_ratings + csat_human_ratings as ratings from conversation_rollup_daily where workspace_id = ? and dims = 0 and day = ?`, [
        ws.workspaceId,
        at(day),
      ]);
    const marks = async () =>
      (
        await t.sql(`select count(distinct day)::int as n from conversation_rollup_dirty where workspace_id = ? and day < ?`, [
          ws.workspaceId,
          at('15T00:00:00'),
        ])
      )[0].n;
    // Every day with conversations has its unfiltered row, and rows for every combination of the filters (dims, a bitmask).
    expect(await dayRows('14T00:00:00')).toEqual([{ created: 1, ratings: 0 }]);
    const perDims = await t.sql(
      `select dims, sum(created)::int as created from conversation_rollup_daily where workspace_id = ? and day = ? group by 1 order by 1`,
      [ws.workspaceId, at('10T00:00:00')],
    );
    expect(perDims).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((dims) => ({ dims, created: 3 }))); // K1, K2 and K3, under each filter combination
    expect(await marks()).toBe(0);

    // The overview reads those rows: a row changed behind its back shows.
    await t.sql(`update conversation_rollup_daily set created = created + 100 where workspace_id = ? and dims = 0 and day = ?`, [
      ws.workspaceId,
      at('14T00:00:00'),
    ]);
    expect((await overview(month, true)).conversationsCreated).toBe((await overview(month, false)).conversationsCreated + 100);

    // K6 (the 14th) rated and resolved: its day is marked, and read from the conversations (the tampered row no longer counts).
    await t.sql(`update conversation set csat_score = 5, status = 'RESOLVED', resolved_at = ? where id = ?`, [at('14T15:30:00'), ids.k6]);
    expect(await marks()).toBe(1);
    expect(await dayRows('14T00:00:00')).toEqual([{ created: 101, ratings: 0 }]);
    await expectRollupsToMatchRecompute();

    // The next run rolls that day up again and deletes its mark.
    await runRollups();
    expect(await marks()).toBe(0);
    expect(await dayRows('14T00:00:00')).toEqual([{ created: 1, ratings: 1 }]);
    await expectRollupsToMatchRecompute();
  });

  it('counts a day still open from the conversations, and files it once the job rolls it up', async () => {
    const em = forkFor(t.server.deps.orm, null);
    const contact = em.create(Contact, { workspace: ws.workspaceId, name: 'Now' });
    const now = new Date();
    const today = new Date(Math.floor(now.getTime() / 86400_000) * 86400_000);
    const live = em.create(Conversation, {
      workspace: ws.workspaceId,
      contact,
      createdAt: now,
      lastMessageAt: now,
      mode: ConversationMode.HUMAN,
      channel: Channel.EMAIL,
      assignee: agents.ann,
      firstResponseAt: new Date(now.getTime() + 1000),
      csatScore: 3,
    } as never) as Conversation;
    await em.flush();
    await runRollups();
    // The watermark stops before today: today's conversations are read from the conversation rows.
    const [state] = await t.sql(`select rolled_up_to from analytics_rollup_state where name = 'conversation_daily'`);
    expect(new Date(state.rolled_up_to).getTime()).toBeLessThanOrEqual(today.getTime());
    expect((await t.sql(`select count(*)::int as n from conversation_rollup_daily where day >= ?`, [today]))[0].n).toBe(0);
    const upToNow = (days: number) => ({
      from: new Date(today.getTime() - days * 86400_000).toISOString(),
      to: new Date(now.getTime() + 3600_000).toISOString(),
    });
    for (const [g, days] of [
      ['HOUR', 2],
      ['DAY', 20],
      ['WEEK', 20],
    ] as const)
      for (const f of filters()) {
        const vars = { ...upToNow(days), g, f };
        expect({ vars, figures: await overview(vars, true) }).toEqual({ vars, figures: await overview(vars, false) });
      }
    const [ann] = (await overview({ ...upToNow(20), g: 'DAY', f: { assigneeId: agents.ann, channel: 'EMAIL' } }, true)).agents;
    expect(ann).toMatchObject({ agent: { name: 'Ann' }, handled: 1, firstResponseMedianSeconds: 1 });
    // Moved back two days (today is never rolled up, nor yesterday in the first minutes after midnight), it is filed
    // under that day, and those rows give the same figures.
    await t.sql(`update conversation set created_at = created_at - interval '2 days', first_response_at = first_response_at - interval '2 days' where id = ?`, [
      live.id,
    ]);
    await runRollups();
    expect(
      (
        await t.sql(`select sum(created)::int as n from conversation_rollup_daily where workspace_id = ? and dims = 7 and day = ?`, [
          ws.workspaceId,
          new Date(today.getTime() - 2 * 86400_000),
        ])
      )[0].n,
    ).toBe(1);
    await expectRollupsToMatchRecompute();
  });

  it('stays exact when the rollup job runs while conversations are answered, resolved and rated', async () => {
    await t.sql(`update analytics_rollup_state set rolled_up_to = ?`, [at('01T00:00:00')]);
    const changes = async (w: number) => {
      for (let i = 0; i < 6; i++) {
        const k = ['k1', 'k3', 'k5', 'k6'][(i + w) % 4]!;
        await t.sql(`update conversation set csat_score = ?, status = ?, resolved_at = case when ? then created_at + interval '2 hours' end where id = ?`, [
          1 + ((i + w) % 5),
          i % 2 ? 'RESOLVED' : 'OPEN',
          i % 2 === 1,
          ids[k],
        ]);
        await t.sql(`update conversation set first_response_at = created_at + (? * interval '1 second') where id = ?`, [7 + i + w, ids[k]]);
      }
    };
    await Promise.all([runRollups(), changes(0), changes(1)]);
    await expectRollupsToMatchRecompute();
    await runRollups();
    await expectRollupsToMatchRecompute();
  });
});
