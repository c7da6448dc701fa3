import type { Client } from 'graphql-ws';
import { collect, eventually, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';
import { routeWaitingJob } from './route-waiting.job.js';

const START = `mutation($key: String!, $name: String!) { startConversation(input: {widgetKey: $key, name: $name}) { conversation { id } customerToken } }`;
const HANDOFF = `mutation($id: ID!) { handOffToHuman(id: $id) { id assignee { id } } }`;
const NOTIFICATIONS = `subscription { notifications { kind conversation { id } } }`;

describe('conversations waiting in a team inbox', () => {
  let t: TestServer;
  let admin: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let ada: { id: string; token: string };
  let teamId: string;
  const sockets: Client[] = [];

  const assigneeOf = async (id: string) => (await t.sql(`select assignee_id from conversation where id = ?`, [id]))[0]?.assignee_id as string | null;
  const handOff = async (name: string) => {
    const start = await t.gql(START, { key: admin.widgetKey, name });
    const res = await t.gql(HANDOFF, { id: start.data.startConversation.conversation.id }, start.data.startConversation.customerToken);
    expect(res.errors).toBeUndefined();
    return start.data.startConversation.conversation.id as string;
  };

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true' });
    admin = await t.createWorkspace('Waiting Co');
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "ada@waiting.test", name: "Ada", role: AGENT}) { inviteToken } }`, {}, admin.token);
    const accepted = await t.gql(`mutation($token: String!) { acceptInvite(input: {token: $token, password: "agent-password"}) { accessToken user { id } } }`, {
      token: invite.data.inviteAgent.inviteToken,
    });
    ada = { id: accepted.data.acceptInvite.user.id, token: accepted.data.acceptInvite.accessToken };
    const team = await t.gql(
      `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`,
      { input: { name: 'Front desk', assignmentPolicy: 'LEAST_OPEN', capacity: 1, isDefault: true, memberIds: [ada.id] } },
      admin.token,
    );
    teamId = team.data.createTeam.id;
  });
  afterAll(async () => {
    for (const s of sockets) await s.dispose();
    await t.close();
  });

  it('go to an agent who comes online, then to one whose capacity frees, oldest first; over capacity they keep waiting', async () => {
    // Ada is offline: both handoffs wait in the inbox.
    const first = await handOff('First');
    const second = await handOff('Second');
    expect(await assigneeOf(first)).toBeNull();
    expect(await assigneeOf(second)).toBeNull();

    // Ada opens the console: the oldest waiting conversation is hers at once; the second stays (capacity 1).
    const socket = wsClient(t.wsUrl, ada.token);
    sockets.push(socket);
    const notes = collect(socket, NOTIFICATIONS);
    // (Her notifications subscription may start after this first assignment, which her socket's arrival sets off: checked on the next one.)
    await eventually(async () => (await assigneeOf(first)) === ada.id, 15_000, 'the first conversation assigned to Ada');
    await t.server.deps.jobs.idle();
    expect(await assigneeOf(second)).toBeNull();

    // She resolves it: the second one is hers.
    const resolved = await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: first }, ada.token);
    expect(resolved.errors).toBeUndefined();
    await eventually(async () => (await assigneeOf(second)) === ada.id, 15_000, 'the second conversation assigned to Ada');
    await notes.until((events) => events.some((e) => e.kind === 'ASSIGNED' && e.conversation.id === second), 15_000);

    // A third waits: she is at capacity again, and the minute's sweep leaves it alone.
    const third = await handOff('Third');
    await t.server.deps.jobs.enqueue(routeWaitingJob, {}, { jobId: 'sweep-at-capacity' });
    await t.server.deps.jobs.idle();
    expect(await assigneeOf(third)).toBeNull();

    // Raising the team's capacity lets her take it.
    await t.gql(`mutation($id: ID!) { updateTeam(id: $id, input: {capacity: 5}) { id } }`, { id: teamId }, admin.token);
    await eventually(async () => (await assigneeOf(third)) === ada.id, 15_000, 'the third conversation assigned after the capacity change');
  });

  it('a manual team keeps its conversations waiting whoever comes online', async () => {
    await t.gql(`mutation($id: ID!) { updateTeam(id: $id, input: {assignmentPolicy: MANUAL}) { id } }`, { id: teamId }, admin.token);
    const waiting = await handOff('Manual');
    await t.gql(`mutation { setPresence(status: AWAY) }`, {}, ada.token);
    await t.gql(`mutation { setPresence(status: ONLINE) }`, {}, ada.token);
    await t.server.deps.jobs.enqueue(routeWaitingJob, { workspaceId: admin.workspaceId }, { jobId: 'manual-check' });
    await t.server.deps.jobs.idle();
    expect(await assigneeOf(waiting)).toBeNull();
  });
});
