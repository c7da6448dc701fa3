// Moderation over the API: customer messages are checked before they are
// stored (flagged ones are marked for staff, never dropped), AI answers before
// they are sent (streamed sentence by sentence, each once the answer up to it
// passes; a flagged one is withheld from its first flagged sentence on, and the
// conversation is handed off with policy_restriction), per workspace.
import { OpenAiCompatibleServer } from '@switchboard/ai/testing';
import { collect, eventually, expectError, startTestServer, untilFeedLive, wsClient, type TestServer } from '../../../test/testkit.js';

type Ws = Awaited<ReturnType<TestServer['createWorkspace']>>;

const STATE = `query($id: ID!) { conversation(id: $id) { mode handoffReason messages { edges { node { seq authorType body moderation { flagged categories pii source } } } } } }`;

async function publish(t: TestServer, ws: Ws, faqs: [string, string][]) {
  for (const [q, a] of faqs) {
    const faq = await t.gql(`mutation($q: String!, $a: String!) { createFaq(input: {question: $q, answer: $a}) { id } }`, { q, a }, ws.token);
    await t.gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id: faq.data.createFaq.id }, ws.token);
  }
  await eventually(
    async () => {
      const res = await t.gql(`{ faqs(first: 20) { edges { node { embeddingStatus } } } }`, {}, ws.token);
      return res.data.faqs.edges.every((e: any) => e.node.embeddingStatus === 'READY');
    },
    20_000,
    'FAQs to be embedded',
  );
}

async function start(t: TestServer, ws: Ws, message: string) {
  const res = await t.gql(
    `mutation($k: String!, $m: String!) { startConversation(input: {widgetKey: $k, message: $m}) { customerToken conversation { id } } }`,
    { k: ws.widgetKey, m: message },
  );
  expect(res.errors).toBeUndefined();
  return { id: res.data.startConversation.conversation.id as string, token: res.data.startConversation.customerToken as string };
}

/** The conversation as staff see it once the assistant has answered or handed off. */
async function settled(t: TestServer, ws: Ws, id: string) {
  return eventually(
    async () => {
      const s = (await t.gql(STATE, { id }, ws.token)).data.conversation;
      return (s.mode === 'HUMAN' || s.messages.edges.some((e: any) => e.node.authorType === 'AI')) && s;
    },
    20_000,
    'an answer or a handoff',
  );
}

const REFUND: [string, string] = ['How do I get a refund?', 'You can request a refund within 30 days of purchase from the Orders page.'];
const LATE: [string, string] = ['Why is my package late?', 'Shit happens: couriers sometimes lose parcels, and we resend them for free.'];

describe('moderation with the local provider', () => {
  let t: TestServer;
  let ws: Ws;

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true' });
    ws = await t.createWorkspace('Moderated');
    await publish(t, ws, [REFUND, LATE]);
  }, 60_000);
  afterAll(() => t.close());

  it('marks a profane customer message for staff, keeps it, and still answers it; customers never see the verdict', async () => {
    const c = await start(t, ws, 'This fucking refund thing, how do I get a refund?');
    const s = await settled(t, ws, c.id);
    const [question, reply] = s.messages.edges.map((e: any) => e.node);
    expect(question).toMatchObject({
      authorType: 'CUSTOMER',
      body: 'This fucking refund thing, how do I get a refund?',
      moderation: { flagged: true, categories: ['profanity'], pii: [], source: 'local' },
    });
    expect(reply).toMatchObject({ authorType: 'AI', moderation: null });
    expect(reply.body).toMatch(/refund within 30 days/);
    // Staff only: the customer reads their message as written, and no verdict.
    const asCustomer = await t.gql(STATE, { id: c.id }, c.token);
    expect(asCustomer.errors).toBeUndefined();
    expect(asCustomer.data.conversation.messages.edges[0].node).toMatchObject({ body: 'This fucking refund thing, how do I get a refund?', moderation: null });

    // Later messages too (sendMessage), and personal data is noted without flagging.
    await t.gql(
      `mutation($c: ID!) { sendMessage(input: {conversationId: $c, body: "My email is jane@example.com and my card 4111 1111 1111 1111"}) { seq } }`,
      { c: c.id },
      c.token,
    );
    const third = await eventually(
      async () => (await t.gql(STATE, { id: c.id }, ws.token)).data.conversation.messages.edges.find((e: any) => e.node.seq === 3)?.node,
      10_000,
      'the third message',
    );
    expect(third.moderation).toEqual({ flagged: false, categories: [], pii: ['email', 'card'], source: 'local' });
    // The analysis never saw the personal data, but the agent reads the message as written.
    expect(third.body).toContain('jane@example.com');
  });

  it('withholds a flagged AI answer, streams none of it and hands off with policy_restriction', async () => {
    const begun = await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k}) { customerToken conversation { id } } }`, { k: ws.widgetKey });
    const id = begun.data.startConversation.conversation.id as string;
    const token = begun.data.startConversation.customerToken as string;
    const sub = collect(
      wsClient(t.wsUrl, token),
      `subscription($id: ID!) { conversationEvents(conversationId: $id) { __typename ... on AiAnswerChunk { delta } ... on MessageAdded { message { authorType } } } }`,
      { id },
    );
    await untilFeedLive(t, sub, id, ws.token);
    await t.gql(`mutation($c: ID!) { sendMessage(input: {conversationId: $c, body: "Why is my package late?"}) { seq } }`, { c: id }, token);
    const events = await sub.until((ev) => ev.some((e) => e.message?.authorType === 'SYSTEM'), 20_000);
    sub.dispose();
    expect(events.filter((e) => e.__typename === 'AiAnswerChunk')).toEqual([]);
    const s = await settled(t, ws, id);
    expect(s).toMatchObject({ mode: 'HUMAN', handoffReason: 'policy_restriction' });
    expect(s.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);
  });

  it('is a workspace setting: switched off, nothing is checked and the answer goes out', async () => {
    expectError(await t.gql(`mutation { updateWorkspaceSettings(input: {moderationEnabled: null}) { id } }`, {}, ws.token), 'BAD_USER_INPUT');
    const off = await t.gql(`mutation { updateWorkspaceSettings(input: {moderationEnabled: false}) { moderationEnabled } }`, {}, ws.token);
    expect(off.data.updateWorkspaceSettings).toEqual({ moderationEnabled: false });
    const c = await start(t, ws, 'Damn it, why is my fucking package late?');
    const s = await settled(t, ws, c.id);
    expect(s.mode).toBe('AI');
    expect(s.messages.edges.map((e: any) => [e.node.authorType, e.node.moderation])).toEqual([
      ['CUSTOMER', null],
      ['AI', null],
    ]);
    expect(s.messages.edges[1].node.body).toMatch(/^Shit happens/);
    await t.gql(`mutation { updateWorkspaceSettings(input: {moderationEnabled: true}) { moderationEnabled } }`, {}, ws.token);
    const audit = await t.sql(`select metadata from audit_log where workspace_id = ? and action = 'workspace.settings' order by created_at limit 1`, [
      ws.workspaceId,
    ]);
    expect(audit[0].metadata).toMatchObject({ before: { moderationEnabled: true }, after: { moderationEnabled: false } });
  });
});

describe('moderation with the openai provider (local OpenAI-compatible server)', () => {
  let llm: OpenAiCompatibleServer;
  let t: TestServer;
  let ws: Ws;

  beforeAll(async () => {
    llm = new OpenAiCompatibleServer();
    llm.defaultEmbeddingDimensions = 256;
    llm.moderate = (input) => ({ flagged: /hurt|idiot/i.test(input), categories: { harassment: /idiot/i.test(input), violence: /hurt/i.test(input) } });
    llm.chat = (req) =>
      req.tools || req.response_format
        ? { json: { intent: 'refund', sentiment: 0, language: 'en', wantsHuman: false } }
        : String(req.messages.at(-1)!.content).includes('refund!!')
          ? { deltas: ['You can', ' request a refund within 30 days.', ' Do it from the Orders page [1].'], chunkDelayMs: 150 }
          : String(req.messages.at(-1)!.content).includes('refund?!')
            ? { deltas: ['Open', ' Orders.', ' Then, you idiot,', ' press Refund [1].'], chunkDelayMs: 150 }
            : {
                deltas: [
                  String(req.messages.at(-1)!.content).includes('package') ? 'We will hurt the courier [1].' : 'Refunds are possible within 30 days [1].',
                ],
              };
    const baseUrl = await llm.start();
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true', AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseUrl });
    ws = await t.createWorkspace('Moderated by the model server');
    await publish(t, ws, [REFUND, ['Where is my package?', 'Track it from the Orders page.']]);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await llm.close();
  });

  it("flags customer messages with the server's moderation endpoint", async () => {
    const c = await start(t, ws, 'You idiot, how do I get a refund?');
    const s = await settled(t, ws, c.id);
    expect(s.messages.edges[0].node.moderation).toEqual({ flagged: true, categories: ['harassment'], pii: [], source: 'openai' });
    expect(s.messages.edges[1].node).toMatchObject({ authorType: 'AI', body: 'Refunds are possible within 30 days [1].' });
    expect(llm.requests.some((r) => r.path === '/v1/moderations' && r.body['input'] === 'You idiot, how do I get a refund?')).toBe(true);
  });

  it('withholds an answer the endpoint flags and hands off with policy_restriction', async () => {
    const c = await start(t, ws, 'Where is my package?');
    const s = await settled(t, ws, c.id);
    expect(s).toMatchObject({ mode: 'HUMAN', handoffReason: 'policy_restriction' });
    expect(s.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);
    expect(llm.requests.some((r) => r.path === '/v1/moderations' && r.body['input'] === 'We will hurt the courier [1].')).toBe(true);
  });

  const streamed = async (question: string) => {
    const begun = await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k}) { customerToken conversation { id } } }`, { k: ws.widgetKey });
    const id = begun.data.startConversation.conversation.id as string;
    const token = begun.data.startConversation.customerToken as string;
    const sub = collect(
      wsClient(t.wsUrl, token),
      `subscription($id: ID!) { conversationEvents(conversationId: $id) { __typename ... on AiAnswerChunk { delta } ... on MessageAdded { message { authorType } } } }`,
      { id },
    );
    // The feed is live once it carries an agent's typing indicator.
    for (let i = 0; !sub.events.some((e) => e.__typename === 'TypingChanged'); i++) {
      if (i === 20) throw new Error('the conversation feed never went live');
      await t.gql(`mutation($c: ID!) { setTyping(conversationId: $c, isTyping: true) }`, { c: id }, ws.token);
      await sub.until((ev) => ev.some((e) => e.__typename === 'TypingChanged'), 500).catch(() => undefined);
    }
    await t.gql(`mutation($c: ID!, $b: String!) { sendMessage(input: {conversationId: $c, body: $b}) { seq } }`, { c: id, b: question }, token);
    const events = await sub.until((ev) => ev.some((e) => e.message?.authorType === 'AI' || e.message?.authorType === 'SYSTEM'), 20_000);
    sub.dispose();
    return { id, events };
  };

  it('streams a clean answer sentence by sentence, each checked with the answer so far before it is sent', async () => {
    const { id, events } = await streamed('How do I get a refund!!');
    // The sentences reached the feed as chunks before the stored reply, in order.
    const shown = events.flatMap((e) =>
      e.__typename === 'AiAnswerChunk' ? [e.delta] : e.__typename === 'MessageAdded' && e.message.authorType !== 'CUSTOMER' ? [e.message.authorType] : [],
    );
    const s = await settled(t, ws, id);
    expect(s.handoffReason ?? 'answered').toBe('answered');
    expect(shown).toEqual(['You can', ' request a refund within 30 days.', ' Do it from the Orders page [1].', 'AI']);
    const inputs = llm.requests.filter((r) => r.path === '/v1/moderations').map((r) => r.body['input']);
    expect(inputs).toEqual(
      expect.arrayContaining(['You can request a refund within 30 days.', 'You can request a refund within 30 days. Do it from the Orders page [1].']),
    );
    expect((await settled(t, ws, id)).mode).toBe('AI');
  });

  it('sends the clean sentences before a flagged one, then nothing more, and hands off', async () => {
    const { id, events } = await streamed('How do I get a refund?!');
    expect(events.filter((e) => e.__typename === 'AiAnswerChunk').map((e) => e.delta)).toEqual(['Open', ' Orders.']);
    const s = await settled(t, ws, id);
    expect(s).toMatchObject({ mode: 'HUMAN', handoffReason: 'policy_restriction' });
    expect(s.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);
  });
});
