// Faults at the model server, through the real LangChain client: a server that
// stops answering in time is retried, then the customer is handed to a human;
// a job that exhausts its attempts leaves a failed record that admins (only)
// can see and retry once, and the retry runs the same job to completion.
import { OpenAiCompatibleServer } from '@switchboard/ai/testing';
import { eventually, expectError, startTestServer, type TestServer } from '../../../test/testkit.js';
import { answerJob } from './answer.job.js';

const MESSAGES = `query($id: ID!) { conversation(id: $id) { mode handoffReason messages { edges { node { authorType body } } } } }`;
const FAILED_JOBS = `{ failedJobs { id name queue jobId data error attempts retriedAt } }`;
const analysis = { json: { intent: 'refund', sentiment: 0, language: 'en', wantsHuman: false } };

describe('model server faults (openai provider, short timeout)', () => {
  let llm: OpenAiCompatibleServer;
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;

  beforeAll(async () => {
    llm = new OpenAiCompatibleServer();
    llm.defaultEmbeddingDimensions = 64;
    const baseUrl = await llm.start();
    t = await startTestServer({
      RUN_WORKERS: 'true',
      AI_AUTO_REPLY: 'true',
      AI_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: baseUrl,
      AI_TIMEOUT_MS: '400',
    });
    ws = await t.createWorkspace('Faults');
  });
  afterAll(async () => {
    await t.close();
    await llm.close();
  });

  async function publishFaq(question: string, answer: string) {
    const created = await t.gql(
      `mutation($q: String!, $a: String!) { createFaq(input: {question: $q, answer: $a}) { id } }`,
      { q: question, a: answer },
      ws.token,
    );
    const id = created.data.createFaq.id as string;
    await t.gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id }, ws.token);
    return id;
  }
  const embeddingStatus = async (id: string) =>
    (await t.gql(`query($id: ID!) { faq(id: $id) { embeddingStatus } }`, { id }, ws.token)).data.faq.embeddingStatus;

  it('leaves a failed record when embedding fails for good; an admin retries it once and the FAQ becomes searchable', async () => {
    const failing = llm.embedText;
    llm.embedText = () => {
      throw new Error('embedding backend unavailable');
    };
    const faqId = await publishFaq('How long does delivery take?', 'Delivery takes 3 to 5 business days within the EU.');
    await eventually(async () => (await embeddingStatus(faqId)) === 'FAILED', 30_000, 'the embedding to fail for good');

    const failure = await eventually(
      async () => {
        const res = await t.gql(FAILED_JOBS, {}, ws.token);
        return res.data.failedJobs.find((f: any) => f.name === 'knowledge.embed' && f.data.faqId === faqId);
      },
      10_000,
      'the failed job record',
    );
    expect(failure).toMatchObject({ queue: 'knowledge', attempts: 8, retriedAt: null });
    expect(failure.error).toMatch(/500|unavailable/i);

    // Another workspace does not see it; an agent may not list or retry it.
    const other = await t.createWorkspace('Other');
    expect((await t.gql(FAILED_JOBS, {}, other.token)).data.failedJobs).toEqual([]);
    expectError(await t.gql(`mutation($id: ID!) { retryFailedJob(id: $id) { id } }`, { id: failure.id }, other.token), 'NOT_FOUND');
    const invite = await t.gql(`mutation { inviteAgent(input: {email: "agent-faults@example.com", name: "Agent"}) { inviteToken } }`, {}, ws.token);
    const agent = (
      await t.gql(`mutation($t: String!) { acceptInvite(input: {token: $t, password: "agent-password"}) { accessToken } }`, {
        t: invite.data.inviteAgent.inviteToken,
      })
    ).data.acceptInvite.accessToken;
    expectError(await t.gql(FAILED_JOBS, {}, agent), 'FORBIDDEN');
    expectError(await t.gql(`mutation($id: ID!) { retryFailedJob(id: $id) { id } }`, { id: failure.id }, agent), 'FORBIDDEN');
    expectError(await t.gql(`mutation { retryFailedJob(id: "not-an-id") { id } }`, {}, ws.token), 'BAD_USER_INPUT');

    // The backend recovers; the admin retries: the job runs again and succeeds.
    llm.embedText = failing;
    const retried = await t.gql(`mutation($id: ID!) { retryFailedJob(id: $id) { id retriedAt } }`, { id: failure.id }, ws.token);
    expect(retried.data.retryFailedJob.retriedAt).not.toBeNull();
    await eventually(async () => (await embeddingStatus(faqId)) === 'READY', 30_000, 'the retried embedding');
    expectError(await t.gql(`mutation($id: ID!) { retryFailedJob(id: $id) { id } }`, { id: failure.id }, ws.token), 'CONFLICT');
    expect((await t.gql(FAILED_JOBS, {}, ws.token)).data.failedJobs.some((f: any) => f.id === failure.id)).toBe(false);
    const search = await t.gql(`{ searchKnowledge(query: "how long is delivery", limit: 3) { faq { id } } }`, {}, ws.token);
    expect(search.data.searchKnowledge[0].faq.id).toBe(faqId);
    const audit = await t.sql(`select count(*)::int as n from audit_log where action = 'job.retry' and target_id = ?`, [failure.id]);
    expect(audit[0].n).toBe(1);
  });

  it('retries a model server that times out, then hands off with provider_error and writes no AI reply', async () => {
    await eventually(
      async () => {
        const res = await t.gql(`{ faqs(first: 100) { edges { node { embeddingStatus } } } }`, {}, ws.token);
        return res.data.faqs.edges.length > 0 && res.data.faqs.edges.every((e: any) => e.node.embeddingStatus === 'READY');
      },
      20_000,
      'FAQs to be searchable',
    );
    let calls = 0;
    llm.chat = (req) => {
      if (req.tools || req.response_format) return analysis;
      calls += 1;
      // Far longer than AI_TIMEOUT_MS: the client gives up on every attempt.
      return { deltas: ['Too', ' late.'], delayMs: 5_000 };
    };
    const started = Date.now();
    const res = await t.gql(
      `mutation($k: String!) { startConversation(input: {widgetKey: $k, message: "How long does delivery take?"}) { customerToken conversation { id } } }`,
      { k: ws.widgetKey },
    );
    const { id } = res.data.startConversation.conversation;
    const token = res.data.startConversation.customerToken;
    const state = await eventually(
      async () => {
        const c = (await t.gql(MESSAGES, { id }, token)).data.conversation;
        return c.mode === 'HUMAN' && c;
      },
      30_000,
      'the provider_error handoff',
    );
    expect(state.handoffReason).toBe('provider_error');
    expect(calls).toBe(answerJob.attempts);
    // Each attempt was cut at the timeout, not at the server's 5 s delay.
    expect(Date.now() - started).toBeLessThan(answerJob.attempts! * 5_000);
    expect(state.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);

    // A model that answers again does not resurrect the handed-off conversation.
    llm.chat = (req) => (req.tools || req.response_format ? analysis : { deltas: ['Three to five days.'] });
    await t.server.deps.jobs.idle();
    const after = (await t.gql(MESSAGES, { id }, token)).data.conversation;
    expect(after.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);
  });
});
