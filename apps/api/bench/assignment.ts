// Assignment decisions under load: 50 handoffs at once to one team of 10
// online agents, on real PostgreSQL and Redis (DATABASE_URL, REDIS_URL;
// defaults: the local servers). Each round hands off 50 fresh conversations
// concurrently over HTTP; the baseline round's conversations belong to no team
// and the workspace has no default team, so the same handoff runs without a
// decision. Reports handoff latency per policy and the decision time itself
// (switchboard_assignment_decision_seconds, lock wait included), and how the
// 50 were spread.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { startTestServer, wsClient, type TestServer } from '../test/testkit.js';
import { configureMetrics, registry } from '../src/platform/metrics.js';
import { latencySummary, table } from './ai-corpus.js';

const AGENTS = 10;
const HANDOFFS = 50;
const ROUNDS = 3;

export async function main() {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  const t = await startTestServer({ LOG_LEVEL: 'silent', METRICS_ENABLED: 'true', RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000' });
  configureMetrics(true);
  const admin = await t.createWorkspace('Assignment bench');
  const agents: { id: string; token: string }[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const invite = await t.gql(
      `mutation($e: String!) { inviteAgent(input: {email: $e, name: "Agent ${i}", role: AGENT}) { inviteToken } }`,
      { e: `agent${i}@bench.test` },
      admin.token,
    );
    const accepted = await t.gql(`mutation($token: String!) { acceptInvite(input: {token: $token, password: "agent-password"}) { accessToken user { id } } }`, {
      token: invite.data.inviteAgent.inviteToken,
    });
    agents.push({ id: accepted.data.acceptInvite.user.id, token: accepted.data.acceptInvite.accessToken });
  }
  const sockets = agents.map((a) => wsClient(t.wsUrl, a.token));
  for (const s of sockets) s.subscribe({ query: 'subscription { notifications { kind } }' }, { next: () => {}, error: () => {}, complete: () => {} });
  await waitOnline(t, agents.length);

  const teams: Record<string, string | null> = { 'no team (baseline)': null };
  for (const [label, input] of [
    ['ROUND_ROBIN', { assignmentPolicy: 'ROUND_ROBIN' }],
    ['LEAST_OPEN, capacity 20', { assignmentPolicy: 'LEAST_OPEN', capacity: 20 }],
  ] as const) {
    const res = await t.gql(
      `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`,
      { input: { name: label, memberIds: agents.map((a) => a.id), ...input } },
      admin.token,
    );
    teams[label] = res.data.createTeam.id;
  }

  const rows: (string | number)[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, teamId] of Object.entries(teams)) {
      const ids = await Promise.all(
        Array.from({ length: HANDOFFS }, async (_, i) => {
          const res = await t.gql(`mutation($k: String!, $n: String!) { startConversation(input: {widgetKey: $k, name: $n}) { conversation { id } } }`, {
            k: admin.widgetKey,
            n: `C${round}-${i}`,
          });
          return res.data.startConversation.conversation.id as string;
        }),
      );
      if (teamId) await t.sql(`update conversation set team_id = ? where id in (${ids.map(() => '?').join(', ')})`, [teamId, ...ids]);
      const before = await decisionTotals();
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(
        ids.map(async (id) => {
          const t0 = performance.now();
          const res = await t.gql(`mutation($id: ID!) { handOffToHuman(id: $id) { id } }`, { id }, admin.token);
          if (res.errors) throw new Error(JSON.stringify(res.errors));
          latencies.push(performance.now() - t0);
        }),
      );
      const wall = performance.now() - started;
      const after = await decisionTotals();
      const spread = await t.sql(
        `select count(*)::int as n from conversation where id in (${ids.map(() => '?').join(', ')}) group by assignee_id order by n desc`,
        ids,
      );
      const s = latencySummary(latencies);
      const decisions = after.count - before.count;
      rows.push([
        round + 1,
        label,
        s.p50,
        s.p95,
        Math.round(wall),
        decisions ? +(((after.sum - before.sum) / decisions) * 1000).toFixed(2) : '-',
        teamId ? spread.map((r) => r.n).join('/') : 'unassigned',
      ]);
      await t.sql(`update conversation set status = 'RESOLVED', resolved_at = now() where id in (${ids.map(() => '?').join(', ')})`, ids);
    }
  }
  console.log(`\n${HANDOFFS} concurrent handoffs, ${AGENTS} online agents, PostgreSQL + Redis\n`);
  console.log(table(['round', 'routing', 'handoff p50 ms', 'handoff p95 ms', 'all 50 ms', 'decision mean ms', 'spread'], rows));
  for (const s of sockets) await s.dispose();
  await t.close();
}

async function waitOnline(t: TestServer, n: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const online = await t.server.deps.realtime.presence.list((await t.sql(`select id from workspace where name = 'Assignment bench'`))[0].id);
    if (online.size >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${online.size} of ${n} agents came online`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function decisionTotals(): Promise<{ sum: number; count: number }> {
  const metric = await registry.getSingleMetric('switchboard_assignment_decision_seconds')?.get();
  let sum = 0;
  let count = 0;
  for (const v of metric?.values ?? []) {
    const name = (v as { metricName?: string }).metricName;
    if (name === 'switchboard_assignment_decision_seconds_sum') sum += v.value;
    if (name === 'switchboard_assignment_decision_seconds_count') count += v.value;
  }
  return { sum, count };
}
