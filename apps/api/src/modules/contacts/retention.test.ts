// Data retention: admins set a period; the scheduled job (BullMQ on Redis,
// in-process otherwise) removes the texts of resolved conversations quiet for
// longer, and contacts' personal data once nothing of theirs is left, while
// analytics stay exactly as they were.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES } from '../../platform/queue.js';
import { scheduleInProcess } from '../../app/schedules.js';
import { eventually, expectError, startTestServer, type TestServer } from '../../../test/testkit.js';
import { RETAINED, retentionJob } from './retention.job.js';

const SETTINGS = `mutation($input: WorkspaceSettingsInput!) { updateWorkspaceSettings(input: $input) { id name retentionDays } }`;
const ANALYTICS = `query($from: DateTimeISO!, $to: DateTimeISO!) { analytics(range: {from: $from, to: $to}) {
  conversationsCreated resolutionRate messagesByAuthorType { label count } firstResponseTime { count avgSeconds } csat { score ratings } } }`;

describe('data retention', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true' });
  });
  afterAll(() => t.close());

  async function chat(ws: { widgetKey: string; token: string }, who: string, opts: { resolve: boolean; ageDays: number }) {
    const start = await t.gql(
      `mutation($k: String!, $n: String!, $e: String!, $m: String!) { startConversation(input: {widgetKey: $k, name: $n, email: $e, message: $m}) { conversation { id contact { id } } } }`,
      { k: ws.widgetKey, n: who, e: `${who.toLowerCase()}@example.com`, m: `Hi, I am ${who}, my card ends in 4242.` },
    );
    const { id, contact } = start.data.startConversation.conversation;
    await t.gql(`mutation($id: ID!) { sendMessage(input: {conversationId: $id, body: "Thanks, looking into it."}) { seq } }`, { id }, ws.token);
    if (opts.resolve) await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id }, ws.token);
    await t.sql(`update conversation set csat_comment = 'Great help from Ann', last_message_at = now() - (? * interval '1 day') where id = ?`, [
      opts.ageDays,
      id,
    ]);
    return { id: id as string, contactId: contact.id as string };
  }
  const bodies = async (conversationId: string) =>
    (await t.sql('select body from message where conversation_id = ? order by seq', [conversationId])).map((r: any) => r.body);
  const contact = async (id: string) => (await t.sql('select name, email from contact where id = ?', [id]))[0];
  const auditCount = async (workspaceId: string) =>
    (await t.sql(`select count(*)::int as n from audit_log where workspace_id = ? and action = 'retention.purge'`, [workspaceId]))[0].n;

  it('validates the setting: admins only, 1 to 3650 days or null', async () => {
    const ws = await t.createWorkspace('Validation');
    expectError(await t.gql(SETTINGS, { input: { retentionDays: 0 } }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SETTINGS, { input: { retentionDays: 3651 } }, ws.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SETTINGS, { input: { name: '  ' } }, ws.token), 'BAD_USER_INPUT');
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "retention-agent@example.com", name: "Agent"}) { inviteToken } }`, {}, ws.token);
    const agent = (
      await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "agent-password"}) { accessToken } }`, {
        t: invite.data.inviteAgent.inviteToken,
      })
    ).data.acceptInvite.accessToken;
    expectError(await t.gql(SETTINGS, { input: { retentionDays: 30 } }, agent), 'FORBIDDEN');
    const me = `{ me { workspace { retentionDays } } }`;
    expect((await t.gql(me, {}, ws.token)).data.me.workspace.retentionDays).toBeNull();
    expect((await t.gql(SETTINGS, { input: { retentionDays: 30 } }, ws.token)).data.updateWorkspaceSettings.retentionDays).toBe(30);
    // Omitted fields stay as they are; an explicit null turns retention off.
    expect((await t.gql(SETTINGS, { input: { name: 'Renamed' } }, ws.token)).data.updateWorkspaceSettings).toMatchObject({
      name: 'Renamed',
      retentionDays: 30,
    });
    expect((await t.gql(SETTINGS, { input: { retentionDays: null } }, ws.token)).data.updateWorkspaceSettings.retentionDays).toBeNull();
    const audits = await t.sql(`select count(*)::int as n from audit_log where workspace_id = ? and action = 'workspace.settings'`, [ws.workspaceId]);
    expect(audits[0].n).toBe(3);
  });

  it('runs on a schedule: BullMQ job schedulers with Redis, timers in the embedded mode', async () => {
    if (t.config.redisUrl) {
      const connection = new Redis(t.config.redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue(QUEUES.maintenance, { connection, prefix: t.config.queuePrefix });
      try {
        const schedulers = await queue.getJobSchedulers();
        expect(schedulers.find((s) => s.key === retentionJob.name)).toMatchObject({ every: 3600_000 });
      } finally {
        await queue.close();
        await connection.quit();
      }
      return;
    }
    // Embedded: the same timers the server starts, with a short first delay.
    const ws = await t.createWorkspace('Scheduled');
    const old = await chat(ws, 'Eve', { resolve: true, ageDays: 10 });
    await t.gql(SETTINGS, { input: { retentionDays: 7 } }, ws.token);
    const stop = scheduleInProcess(t.server.deps.jobs, 50);
    try {
      await eventually(async () => (await bodies(old.id))[0] === RETAINED, 10_000, 'the scheduled retention run');
    } finally {
      stop();
    }
  });

  it('removes old resolved conversations’ texts and orphaned contacts’ data, keeps metrics, and is idempotent', async () => {
    const ws = await t.createWorkspace('Retention');
    const other = await t.createWorkspace('No retention');
    const old = await chat(ws, 'Ann', { resolve: true, ageDays: 40 });
    const recent = await chat(ws, 'Bob', { resolve: true, ageDays: 5 });
    const oldButOpen = await chat(ws, 'Cid', { resolve: false, ageDays: 90 });
    const elsewhere = await chat(other, 'Dee', { resolve: true, ageDays: 400 });
    const range = { from: new Date(Date.now() - 86400_000).toISOString(), to: new Date(Date.now() + 86400_000).toISOString() };
    // Averages to 12 significant digits: PostgreSQL sums floats in scan order, which the purge's updates change (…664 vs …667).
    const figures = async () =>
      JSON.parse(JSON.stringify((await t.gql(ANALYTICS, range, ws.token)).data.analytics, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
    const before = await figures();
    expect(before.conversationsCreated).toBe(3);

    await t.gql(SETTINGS, { input: { retentionDays: 30 } }, ws.token);
    await t.server.deps.jobs.enqueue(retentionJob, {});
    await eventually(async () => (await auditCount(ws.workspaceId)) === 1, 20_000, 'the retention run');

    expect(await bodies(old.id)).toEqual([RETAINED, RETAINED]);
    expect(await contact(old.contactId)).toEqual({ name: null, email: null });
    const [purged] = await t.sql('select csat_comment, retention_purged_at from conversation where id = ?', [old.id]);
    expect(purged.csat_comment).toBeNull();
    expect(purged.retention_purged_at).not.toBeNull();
    const seen = await t.gql(
      `query($id: ID!) { conversation(id: $id) { retentionPurgedAt messages { edges { node { body authorType } } } } }`,
      { id: old.id },
      ws.token,
    );
    expect(seen.data.conversation.retentionPurgedAt).not.toBeNull();
    expect(seen.data.conversation.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'AGENT']);

    // Recent, still open, and other workspaces' conversations are untouched.
    for (const kept of [recent, oldButOpen, elsewhere]) {
      expect((await bodies(kept.id))[0]).toMatch(/^Hi, I am/);
      expect((await contact(kept.contactId)).email).toMatch(/@example\.com$/);
    }
    // Metrics are exactly as before.
    expect(await figures()).toEqual(before);

    // A second run finds nothing new: no second audit entry, nothing changed.
    await t.server.deps.jobs.enqueue(retentionJob, {}, { jobId: 'second-run' });
    await t.server.deps.jobs.idle();
    expect(await auditCount(ws.workspaceId)).toBe(1);
    expect((await bodies(recent.id))[0]).toMatch(/^Hi, I am/);
  });
});
