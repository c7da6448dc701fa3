// The assistant end to end: FAQs are embedded by jobs (BullMQ on Redis when
// REDIS_URL is set, in-process otherwise), customer messages are answered
// with citations or handed off, and the openai provider is exercised through
// the real LangChain client against a local OpenAI-compatible server.
import { OpenAiCompatibleServer } from '@switchboard/ai/testing';
import { collect, eventually, expectError, startTestServer, untilFeedLive, wsClient, type TestServer } from '../../../test/testkit.js';
import { forkFor } from '../../platform/database.js';
import { hasVectorSearch, MEANINGFUL_SIMILARITY } from '../knowledge/retrieval.js';
import { answerJob } from './answer.job.js';
import { retrieveFor } from './answering.js';

const FAQS = [
  [
    'How do I get a refund?',
    'You can request a refund within 30 days of purchase from Settings, Billing, Refunds. Refunds reach your card in 5 to 10 business days.',
  ],
  ['How do I reset my password?', 'Click "Forgot password" on the sign-in page and follow the link we email you. The link is valid for one hour.'],
  ['Which payment methods do you accept?', 'We accept Visa, Mastercard, American Express and SEPA direct debit.'],
] as const;

const MESSAGES = `query($id: ID!) { conversation(id: $id) { mode handoffReason firstResponseAt messages { edges { node { seq body authorType replyToSeq confidence modelConfigId promptTokens completionTokens latencyMs citations { score faq { id question } } } } } } }`;

async function seedFaqs(t: TestServer, token: string) {
  const ids: string[] = [];
  for (const [question, answer] of FAQS) {
    const created = await t.gql(
      `mutation($q: String!, $a: String!) { createFaq(input: {question: $q, answer: $a}) { id } }`,
      { q: question, a: answer },
      token,
    );
    const id = created.data.createFaq.id;
    await t.gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id }, token);
    ids.push(id);
  }
  await eventually(
    async () => {
      const res = await t.gql(`{ faqs(first: 100) { edges { node { embeddingStatus } } } }`, {}, token);
      return res.data.faqs.edges.every((e: any) => e.node.embeddingStatus === 'READY');
    },
    20_000,
    'FAQs to be embedded',
  );
  return ids;
}

async function ask(t: TestServer, widgetKey: string, message: string) {
  const res = await t.gql(
    `mutation($k: String!, $m: String!) { startConversation(input: {widgetKey: $k, message: $m}) { customerToken conversation { id } } }`,
    { k: widgetKey, m: message },
  );
  return { id: res.data.startConversation.conversation.id as string, token: res.data.startConversation.customerToken as string };
}

const conversationState = (t: TestServer, id: string, token: string) => t.gql(MESSAGES, { id }, token).then((r) => r.data.conversation);

describe('AI assistant with the local provider', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let faqIds: string[];

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true' });
    ws = await t.createWorkspace('AI');
    faqIds = await seedFaqs(t, ws.token);
  });
  afterAll(() => t.close());

  it('answers a knowledge-base question with citations, streamed, and records the first response', async () => {
    const c = await ask(t, ws.widgetKey, 'Hi, how can I get a refund for my purchase?');
    const answered = await eventually(
      async () => {
        const s = await conversationState(t, c.id, c.token);
        return s.messages.edges.some((e: any) => e.node.authorType === 'AI') && s;
      },
      20_000,
      'the AI reply',
    );
    const reply = answered.messages.edges.find((e: any) => e.node.authorType === 'AI').node;
    expect(reply.replyToSeq).toBe(1);
    expect(reply.body).toMatch(/refund/i);
    expect(reply.citations[0].faq.id).toBe(faqIds[0]);
    expect(reply.confidence).toBeGreaterThan(0);
    expect(reply.modelConfigId).toBeTruthy();
    expect(reply.completionTokens).toBeGreaterThan(0);
    expect(answered.mode).toBe('AI');
    expect(answered.firstResponseAt).not.toBeNull();

    // Streamed: a live subscriber sees AiAnswerChunk events, then the stored reply.
    const sub = collect(
      wsClient(t.wsUrl, c.token),
      `subscription($id: ID!) { conversationEvents(conversationId: $id) {
      __typename ... on AiAnswerChunk { delta replyToSeq } ... on MessageAdded { message { body authorType seq } } } }`,
      { id: c.id },
    );
    await untilFeedLive(t, sub, c.id, ws.token);
    await t.gql(
      `mutation($id: ID!) { sendMessage(input: {conversationId: $id, body: "And which payment methods do you accept?"}) { seq } }`,
      { id: c.id },
      c.token,
    );
    const events = await sub.until((ev) => ev.some((e) => e.__typename === 'MessageAdded' && e.message.authorType === 'AI'), 20_000);
    const chunks = events.filter((e) => e.__typename === 'AiAnswerChunk');
    const final = events.find((e) => e.__typename === 'MessageAdded' && e.message.authorType === 'AI');
    expect(chunks.length).toBeGreaterThan(1);
    expect(
      chunks
        .map((e) => e.delta)
        .join('')
        .trim(),
    ).toBe(final.message.body);
    expect(chunks.every((e) => e.replyToSeq === 3)).toBe(true);
    sub.dispose();
  });

  it('hands off with missing_knowledge outside the knowledge base, and customer_request when asked', async () => {
    const unknown = await ask(t, ws.widgetKey, 'Can you translate Klingon poetry into Latin for me?');
    const s1 = await eventually(
      async () => {
        const s = await conversationState(t, unknown.id, unknown.token);
        return s.mode === 'HUMAN' && s;
      },
      20_000,
      'a handoff',
    );
    expect(s1.handoffReason).toBe('missing_knowledge');
    expect(s1.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);

    const person = await ask(t, ws.widgetKey, 'I want to talk to a person please');
    const s2 = await eventually(
      async () => {
        const s = await conversationState(t, person.id, person.token);
        return s.mode === 'HUMAN' && s;
      },
      20_000,
      'a handoff',
    );
    expect(s2.handoffReason).toBe('customer_request');
  });

  it('answers a bare greeting or thanks itself instead of handing off, and still hands off a greeting with a question it cannot answer', async () => {
    const hi = await ask(t, ws.widgetKey, 'Hi!');
    const greeted = await eventually(
      async () => {
        const s = await conversationState(t, hi.id, hi.token);
        return s.messages.edges.length >= 2 && s;
      },
      20_000,
      'a reply to the greeting',
    );
    expect(greeted.mode).toBe('AI');
    expect(greeted.messages.edges.map((e: any) => [e.node.authorType, e.node.body])).toEqual([
      ['CUSTOMER', 'Hi!'],
      ['AI', 'Hi! How can I help you today?'],
    ]);

    const mixed = await ask(t, ws.widgetKey, 'Hello, can you translate Klingon poetry into Latin?');
    const s = await eventually(
      async () => {
        const c = await conversationState(t, mixed.id, mixed.token);
        return c.mode === 'HUMAN' && c;
      },
      20_000,
      'a handoff',
    );
    expect(s.handoffReason).toBe('missing_knowledge');
  });

  it('searches the knowledge base, drafts agent replies and analyses customer messages', async () => {
    const search = await t.gql(`{ searchKnowledge(query: "forgot my password", limit: 3) { score snippet faq { id } } }`, {}, ws.token);
    expect(search.errors).toBeUndefined();
    expect(search.data.searchKnowledge[0].faq.id).toBe(faqIds[1]);

    const c = await ask(t, ws.widgetKey, 'This is terrible, I hate that my password reset link does not work!');
    const suggestion = await t.gql(
      `mutation($id: ID!) { suggestReply(conversationId: $id) { body confidence citations { faq { id } } } }`,
      { id: c.id },
      ws.token,
    );
    expect(suggestion.data.suggestReply.citations[0].faq.id).toBe(faqIds[1]);
    const analysed = await eventually(
      async () => {
        const r = await t.gql(
          `query($id: ID!) { conversation(id: $id) { messages(first: 1) { edges { node { analysis { sentiment sentimentLabel language wantsHuman intent } } } } } }`,
          { id: c.id },
          ws.token,
        );
        return r.data.conversation.messages.edges[0].node.analysis;
      },
      20_000,
      'the analysis',
    );
    expect(analysed.sentiment).toBeLessThan(0);
    expect(analysed.language).toBe('en');
    expect(analysed.wantsHuman).toBe(false);
    // The conversation takes the language of its first customer message.
    expect((await t.gql(`query($id: ID!) { conversation(id: $id) { language } }`, { id: c.id }, ws.token)).data.conversation.language).toBe('en');
  });

  it('searches the knowledge base for meaningful matches only', async () => {
    const search = async (query: string) => {
      const res = await t.gql(`query($q: String!) { searchKnowledge(query: $q, limit: 5) { score faq { id } } }`, { q: query }, ws.token);
      expect(res.errors).toBeUndefined();
      return res.data.searchKnowledge as { score: number; faq: { id: string } }[];
    };
    // Nothing matches by words and nothing is close: no results, not the nearest FAQs at ~0%.
    for (const nonsense of ['zzqqxx', 'qwerty uiop', 'Klingon poetry']) expect(await search(nonsense)).toEqual([]);
    // A word match returns its FAQ, without the unrelated ones the vector leg also ranks.
    expect((await search('refund')).map((h) => h.faq.id)).toEqual([faqIds[0]]);
    const password = await search('forgot my password');
    expect(password[0]!.faq.id).toBe(faqIds[1]);
    expect(password[0]!.score).toBeGreaterThan(0.25);

    // A misspelling of a word the base contains matches it (one edit away), with or without pgvector.
    expect((await search('pasword'))[0]?.faq.id).toBe(faqIds[1]);
    expect((await search('refnd'))[0]?.faq.id).toBe(faqIds[0]);

    const { orm, ai } = t.server.deps;
    const em = forkFor(orm, ws.workspaceId);
    if (await hasVectorSearch(orm, em)) {
      // The answer path keeps its own behaviour: without a floor retrieval still ranks every
      // published FAQ, and the provider's confidence decides whether to answer or hand off.
      const unfiltered = await retrieveFor(orm, em, ai, ws.workspaceId, 'zzqqxx', 5);
      expect(unfiltered).toHaveLength(FAQS.length);
      expect(unfiltered.every((h) => !h.textMatch && h.similarity < MEANINGFUL_SIMILARITY)).toBe(true);
      // Same meaning, no word in common: found by the semantic part of the local embedding.
      expect((await search('my login credentials are lost'))[0]?.faq.id).toBe(faqIds[1]);
    }
  });

  it('never stores two AI replies for one customer message when the job runs again', async () => {
    const c = await ask(t, ws.widgetKey, 'How do I reset my password?');
    await eventually(async () => (await conversationState(t, c.id, c.token)).messages.edges.some((e: any) => e.node.authorType === 'AI'), 20_000, 'the reply');
    const ctx = { ...t.server.deps, attempt: 0, lastAttempt: false };
    const again = await answerJob.handle({ workspaceId: ws.workspaceId, conversationId: c.id, replyToSeq: 1 }, ctx);
    expect(again).toEqual({ skipped: 'already answered' });
    const rows = await t.sql("select count(*)::int as n from message where conversation_id = ? and author_type = 'AI'", [c.id]);
    expect(rows[0].n).toBe(1);
  });

  it('versions model configurations with A/B traffic, promotion and rollback, all audited', async () => {
    const list = await t.gql(`{ modelConfigs { id version active } }`, {}, ws.token);
    const v1 = list.data.modelConfigs[0];
    expect(v1).toMatchObject({ version: 1, active: true });
    const v2 = (await t.gql(`mutation { createModelConfig(input: {name: "Stricter", confidenceThreshold: 0.9, k: 3}) { id version active } }`, {}, ws.token))
      .data.createModelConfig;
    expect(v2).toMatchObject({ version: 2, active: false });

    expectError(
      await t.gql(
        `mutation($a: ID!, $b: ID!) { setModelTrafficSplit(input: {weights: [{modelConfigId: $a, weight: 50}, {modelConfigId: $b, weight: 40}]}) { id } }`,
        { a: v1.id, b: v2.id },
        ws.token,
      ),
      'BAD_USER_INPUT',
    );
    expectError(await t.gql(`mutation { activateModelConfig(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, ws.token), 'NOT_FOUND');
    expectError(await t.gql(`mutation { createModelConfig(input: {name: "Bad", k: 0}) { id } }`, {}, ws.token), 'BAD_USER_INPUT');
    const split = await t.gql(
      `mutation($a: ID!, $b: ID!) { setModelTrafficSplit(input: {weights: [{modelConfigId: $a, weight: 50}, {modelConfigId: $b, weight: 50}]}) { id trafficWeight } }`,
      { a: v1.id, b: v2.id },
      ws.token,
    );
    expect(split.data.setModelTrafficSplit.map((c: any) => c.trafficWeight)).toEqual([50, 50]);

    // Both configurations answer some conversations, and each reply (or handoff) records which.
    const used = new Set<string>();
    for (let i = 0; i < 14; i++) {
      const c = await ask(t, ws.widgetKey, 'How do I get a refund?');
      const s = await eventually(
        async () => {
          const st = await conversationState(t, c.id, c.token);
          return (st.mode === 'HUMAN' || st.messages.edges.some((e: any) => e.node.authorType === 'AI')) && st;
        },
        20_000,
        'an answer or handoff',
      );
      const ai = s.messages.edges.find((e: any) => e.node.authorType === 'AI');
      used.add(ai ? ai.node.modelConfigId : s.handoffReason === 'low_confidence' ? v2.id : 'other');
    }
    expect(used).toEqual(new Set([v1.id, v2.id]));

    const promoted = await t.gql(`mutation($id: ID!) { activateModelConfig(id: $id) { active trafficWeight } }`, { id: v2.id }, ws.token);
    expect(promoted.data.activateModelConfig).toEqual({ active: true, trafficWeight: 0 });
    await t.gql(`mutation($id: ID!) { activateModelConfig(id: $id) { active } }`, { id: v1.id }, ws.token);
    const after = await t.gql(`{ modelConfigs { version active trafficWeight } }`, {}, ws.token);
    expect(after.data.modelConfigs).toEqual([
      { version: 1, active: true, trafficWeight: 0 },
      { version: 2, active: false, trafficWeight: 0 },
    ]);
    const audits = (await t.sql("select action from audit_log where action like 'model_config.%' order by created_at")).map((r) => r.action);
    expect(audits).toEqual(['model_config.create', 'model_config.traffic_split', 'model_config.activate', 'model_config.activate']);
  });

  it('runs evaluation datasets and rejects bad ones without writing anything', async () => {
    const cases = [
      { question: 'refund for my order', expectedFaqIds: [faqIds[0]], referenceAnswer: FAQS[0][1] },
      { question: 'I forgot my password', expectedFaqIds: [faqIds[1]] },
      { question: 'can I pay with mastercard', expectedFaqIds: [faqIds[2]] },
    ];
    const before = (await t.sql('select count(*)::int as n from evaluation_case'))[0].n;
    expectError(await t.gql(`mutation { importEvaluationDataset(name: "bad", json: "{not json") { id } }`, {}, ws.token), 'BAD_USER_INPUT');
    const ok = JSON.stringify({ cases: [{ question: 'q', expectedFaqIds: [] }] });
    for (const name of ['   ', 'x'.repeat(121)]) {
      const err = expectError(
        await t.gql(`mutation($n: String!, $j: String!) { importEvaluationDataset(name: $n, json: $j) { id } }`, { n: name, j: ok }, ws.token),
        'BAD_USER_INPUT',
      );
      expect(err.message).toContain('name must be 1 to 120 characters');
    }
    expectError(
      await t.gql(
        `mutation($j: String!) { importEvaluationDataset(name: "bad", json: $j) { id } }`,
        { j: JSON.stringify({ cases: [{ question: '', expectedFaqIds: [] }] }) },
        ws.token,
      ),
      'BAD_USER_INPUT',
    );
    expectError(
      await t.gql(
        `mutation($j: String!) { importEvaluationDataset(name: "bad", json: $j) { id } }`,
        { j: JSON.stringify({ cases: [{ question: 'q', expectedFaqIds: ['00000000-0000-4000-8000-000000000000'] }] }) },
        ws.token,
      ),
      'BAD_USER_INPUT',
    );
    expect((await t.sql('select count(*)::int as n from evaluation_case'))[0].n).toBe(before);

    const ds = await t.gql(`mutation($j: String!) { importEvaluationDataset(name: "smoke", json: $j) { id } }`, { j: JSON.stringify({ cases }) }, ws.token);
    const mc = (await t.gql(`{ modelConfigs { id active } }`, {}, ws.token)).data.modelConfigs.find((c: any) => c.active);
    expectError(
      await t.gql(
        `mutation($d: ID!) { startEvaluationRun(datasetId: $d, modelConfigId: "00000000-0000-4000-8000-000000000000") { id } }`,
        { d: ds.data.importEvaluationDataset.id },
        ws.token,
      ),
      'NOT_FOUND',
    );
    const run = await t.gql(
      `mutation($d: ID!, $m: ID!) { startEvaluationRun(datasetId: $d, modelConfigId: $m) { id status total } }`,
      { d: ds.data.importEvaluationDataset.id, m: mc.id },
      ws.token,
    );
    expect(run.data.startEvaluationRun).toMatchObject({ total: 3 });
    const PROGRESS = `subscription($id: ID!) { evaluationRunProgress(runId: $id) { status done total } }`;
    const live = collect(wsClient(t.wsUrl, ws.token), PROGRESS, { id: run.data.startEvaluationRun.id });
    const done = await eventually(
      async () => {
        const r = await t.gql(
          `query($id: ID!) { evaluationRun(id: $id) { status done metrics { cases hitRateAt1 hitRateAtK mrr answerSimilarity groundedness latencyP50Ms latencyP95Ms completionTokens } } }`,
          { id: run.data.startEvaluationRun.id },
          ws.token,
        );
        return r.data.evaluationRun.status === 'COMPLETED' && r.data.evaluationRun;
      },
      30_000,
      'the evaluation run',
    );
    expect(done.metrics).toMatchObject({ cases: 3, hitRateAt1: 1, hitRateAtK: 1, mrr: 1 });
    // Progress: whenever one subscribes, the current state comes first, then changes, ending with the outcome.
    const progress = await live.until((ev) => ev.some((e) => e.status === 'COMPLETED'), 10_000);
    expect(progress.at(-1)).toEqual({ status: 'COMPLETED', done: 3, total: 3 });
    expect(progress.map((e) => e.done)).toEqual([...progress.map((e) => e.done)].sort((a, b) => a - b));
    live.dispose();
    const late = collect(wsClient(t.wsUrl, ws.token), PROGRESS, { id: run.data.startEvaluationRun.id });
    expect(await late.until((ev) => ev.length > 0)).toEqual([{ status: 'COMPLETED', done: 3, total: 3 }]);
    late.dispose();
    const missing = collect(wsClient(t.wsUrl, ws.token), PROGRESS, { id: '00000000-0000-4000-8000-000000000000' });
    await eventually(async () => missing.errors.length > 0, 5_000, 'the NOT_FOUND error');
    expect((missing.errors[0] as any).extensions?.code).toBe('NOT_FOUND');
    missing.dispose();
    expect(done.metrics.answerSimilarity).toBeGreaterThan(0.5);
    const compared = await t.gql(
      `query($ids: [ID!]!) { compareEvaluationRuns(ids: $ids) { id metrics { mrr } modelConfig { version } } }`,
      { ids: [run.data.startEvaluationRun.id] },
      ws.token,
    );
    expect(compared.data.compareEvaluationRuns[0].metrics.mrr).toBe(1);
  });

  it('scores answer-or-handoff on in-scope and out-of-scope cases, and shows what every threshold would do', async () => {
    const mc = (await t.gql(`mutation { createModelConfig(input: {name: "Tradeoff"}) { id confidenceThreshold } }`, {}, ws.token)).data.createModelConfig;
    expect(mc.confidenceThreshold).toBe(0.45); // the local provider's measured default
    const TRADEOFF = `query($m: ID!) { modelConfigThresholdTradeoff(modelConfigId: $m) { runId currentThreshold cases outOfScopeCases points { threshold answerRate rightAnswerRate outOfScopeAnswered } } }`;
    expect((await t.gql(TRADEOFF, { m: mc.id }, ws.token)).data.modelConfigThresholdTradeoff).toBeNull();

    const cases = [
      { question: 'Can I get a refund on my purchase?', expectedFaqIds: [faqIds[0]] },
      { question: 'I forgot my password, how do I reset it?', expectedFaqIds: [faqIds[1]] },
      { question: 'Which payment methods can I use?', expectedFaqIds: [faqIds[2]] },
      { question: 'Can you translate Klingon poetry into Latin?', expectedFaqIds: [] },
      { question: 'What is the best temperature to roast a chicken?', expectedFaqIds: [] },
    ];
    const ds = await t.gql(
      `mutation($j: String!) { importEvaluationDataset(name: "in and out of scope", json: $j) { id } }`,
      { j: JSON.stringify({ cases }) },
      ws.token,
    );
    expect(ds.errors).toBeUndefined();
    const run = await t.gql(
      `mutation($d: ID!, $m: ID!) { startEvaluationRun(datasetId: $d, modelConfigId: $m) { id } }`,
      { d: ds.data.importEvaluationDataset.id, m: mc.id },
      ws.token,
    );
    const done = await eventually(
      async () => {
        const r = await t.gql(
          `query($id: ID!) { evaluationRun(id: $id) { status metrics { cases hitRateAt1 answerRate rightAnswerRate outOfScopeCases outOfScopeAnswered } } }`,
          { id: run.data.startEvaluationRun.id },
          ws.token,
        );
        return r.data.evaluationRun.status === 'COMPLETED' && r.data.evaluationRun.metrics;
      },
      30_000,
      'the evaluation run',
    );
    // Retrieval metrics count the in-scope cases only; the out-of-scope ones are handed off.
    expect(done).toEqual({ cases: 5, hitRateAt1: 1, answerRate: 1, rightAnswerRate: 1, outOfScopeCases: 2, outOfScopeAnswered: 0 });

    const tradeoff = (await t.gql(TRADEOFF, { m: mc.id }, ws.token)).data.modelConfigThresholdTradeoff;
    expect(tradeoff).toMatchObject({ runId: run.data.startEvaluationRun.id, currentThreshold: 0.45, cases: 5, outOfScopeCases: 2 });
    expect(tradeoff.points.map((p: any) => p.threshold)).toEqual(Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100));
    const rates = tradeoff.points.map((p: any) => p.answerRate);
    expect(rates).toEqual([...rates].sort((a: number, b: number) => b - a)); // a higher threshold never answers more
    expect(tradeoff.points[0]).toEqual({ threshold: 0.05, answerRate: 1, rightAnswerRate: 1, outOfScopeAnswered: 0 });
    expect(tradeoff.points.find((p: any) => p.threshold === 0.45)).toEqual({
      threshold: 0.45,
      answerRate: done.answerRate,
      rightAnswerRate: done.rightAnswerRate,
      outOfScopeAnswered: 0,
    });
    expectError(await t.gql(TRADEOFF, { m: '00000000-0000-4000-8000-000000000000' }, ws.token), 'NOT_FOUND');
  });

  it('chunks huge FAQs and rejects empty ones', async () => {
    expectError(await t.gql(`mutation { createFaq(input: {question: "Empty?", answer: ""}) { id } }`, {}, ws.token), 'BAD_USER_INPUT');
    const huge = Array.from({ length: 800 }, (_, i) => `Paragraph ${i} explains shipping zone ${i} and its delivery time.`).join('\n\n');
    const created = await t.gql(`mutation($a: String!) { createFaq(input: {question: "Where do you ship?", answer: $a}) { id } }`, { a: huge }, ws.token);
    const id = created.data.createFaq.id;
    // ~60 chunks through the sentence embedding: seconds of CPU, during which the API keeps answering.
    await eventually(
      async () => (await t.gql(`query($id: ID!) { faq(id: $id) { embeddingStatus } }`, { id }, ws.token)).data.faq.embeddingStatus === 'READY',
      110_000,
      'the huge FAQ',
    );
    const chunks = await t.sql('select count(*)::int as n, max(length(text))::int as longest from knowledge_chunk where faq_id = ?', [id]);
    expect(chunks[0].n).toBeGreaterThan(50);
    expect(chunks[0].longest).toBeLessThanOrEqual(1000);
  });
});

describe('AI assistant with the openai provider (local OpenAI-compatible server)', () => {
  let llm: OpenAiCompatibleServer;
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;

  beforeAll(async () => {
    llm = new OpenAiCompatibleServer();
    llm.defaultEmbeddingDimensions = 256;
    const baseUrl = await llm.start();
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true', AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseUrl });
    ws = await t.createWorkspace('OpenAI');
    await seedFaqs(t, ws.token);
  });
  afterAll(async () => {
    await t.close();
    await llm.close();
  });

  it('streams the model’s tokens to subscribers in order and stores their concatenation', async () => {
    llm.chat = (req) =>
      req.tools || req.response_format
        ? { json: { intent: 'refund', sentiment: 0, language: 'en', wantsHuman: false } }
        : { deltas: ['You can', ' request a refund', ' within 30 days', ' [1].'], usage: { prompt_tokens: 120, completion_tokens: 12 } };
    const start = await t.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k}) { customerToken conversation { id } } }`, { k: ws.widgetKey });
    const { id } = start.data.startConversation.conversation;
    const token = start.data.startConversation.customerToken;
    const sub = collect(
      wsClient(t.wsUrl, token),
      `subscription($id: ID!) { conversationEvents(conversationId: $id) { __typename ... on AiAnswerChunk { delta } ... on MessageAdded { message { body authorType promptTokens completionTokens citations { faq { question } } } } } }`,
      { id },
    );
    await untilFeedLive(t, sub, id, ws.token);
    await t.gql(`mutation($id: ID!) { sendMessage(input: {conversationId: $id, body: "How do I get a refund?"}) { seq } }`, { id }, token);
    const events = await sub.until((ev) => ev.some((e) => e.message?.authorType === 'AI'), 20_000);
    const deltas = events.filter((e) => e.__typename === 'AiAnswerChunk').map((e) => e.delta);
    expect(deltas).toEqual(['You can', ' request a refund', ' within 30 days', ' [1].']);
    const reply = events.find((e) => e.message?.authorType === 'AI').message;
    expect(reply.body).toBe(deltas.join(''));
    expect(reply).toMatchObject({ promptTokens: 120, completionTokens: 12 });
    expect(reply.citations[0].faq.question).toBe('How do I get a refund?');
    sub.dispose();
  });

  it('hands off with ungrounded_answer when the grounding check finds the cited FAQ does not support the answer', async () => {
    llm.chat = (req) => {
      const name = JSON.stringify(req.response_format ?? req.tools ?? '');
      if (name.includes('grounding_check')) return { json: { supported: false } };
      if (req.tools || req.response_format) return { json: { intent: 'refund', sentiment: 0, language: 'en', wantsHuman: false } };
      return { deltas: ['Refunds are paid in gold bars [1].'] };
    };
    const c = await ask(t, ws.widgetKey, 'How do I get a refund?');
    const s = await eventually(
      async () => {
        const st = await conversationState(t, c.id, c.token);
        return st.mode === 'HUMAN' && st;
      },
      20_000,
      'the handoff',
    );
    expect(s.handoffReason).toBe('ungrounded_answer');
    expect(s.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);
  });

  it('retries a failing model server, then hands off with provider_error and writes no AI reply', async () => {
    let calls = 0;
    llm.chat = (req) => {
      if (req.tools || req.response_format) return { json: { intent: 'refund', sentiment: 0, language: 'en', wantsHuman: false } };
      calls += 1;
      return { status: 500 };
    };
    const c = await ask(t, ws.widgetKey, 'How do I get a refund?');
    const s = await eventually(
      async () => {
        const st = await conversationState(t, c.id, c.token);
        return st.mode === 'HUMAN' && st;
      },
      30_000,
      'the provider_error handoff',
    );
    expect(s.handoffReason).toBe('provider_error');
    expect(calls).toBe(answerJob.attempts);
    expect(s.messages.edges.map((e: any) => e.node.authorType)).toEqual(['CUSTOMER', 'SYSTEM']);
  });
});
