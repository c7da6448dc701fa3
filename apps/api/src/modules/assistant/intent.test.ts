// Per-workspace intent taxonomies trained from a CSV of labelled examples,
// through the API; and BANKING77 when the public data is beside the checkout.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OpenAiCompatibleServer } from '@switchboard/ai/testing';
import { eventually, expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

const IMPORT = `mutation($csv: String!) { importIntentExamples(csv: $csv) { labels examples heldOutAccuracy trainedAt } }`;
const BANKING77 = resolve(import.meta.dirname, '../../../../../../shared/data/banking77/train.csv');

const PHRASES: Record<string, string[]> = {
  delivery_status: [
    'where is my parcel',
    'my order has not arrived',
    'when will my package be delivered',
    'tracking shows no update for my delivery',
    'the courier never came with my order',
  ],
  refund_request: ['I want my money back', 'please refund my order', 'how do I get a refund', 'refund the damaged item', 'can I return this for a refund'],
  account_access: [
    'I cannot log in',
    'my password does not work',
    'locked out of my account',
    'reset my login password',
    'the sign in page rejects my password',
  ],
};
const csv = ['text,label', ...Object.entries(PHRASES).flatMap(([label, texts]) => texts.flatMap((t) => [`"${t}",${label}`, `"${t} please",${label}`]))].join(
  '\n',
);

describe('intent taxonomies', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true' });
  });
  afterAll(() => t.close());

  it("trains the workspace's taxonomy from a CSV and labels customer messages with it", async () => {
    const ws = await t.createWorkspace('Shop');
    expect((await t.gql(`{ intentModel { labels } }`, {}, ws.token)).data.intentModel).toBeNull();
    const trained = await t.gql(IMPORT, { csv }, ws.token);
    expect(trained.errors).toBeUndefined();
    expect(trained.data.importIntentExamples).toMatchObject({ labels: ['account_access', 'delivery_status', 'refund_request'], examples: 30 });
    expect(trained.data.importIntentExamples.heldOutAccuracy).toBeGreaterThanOrEqual(0.8);
    expect((await t.gql(`{ intentModel { examples } }`, {}, ws.token)).data.intentModel.examples).toBe(30);

    const started = await t.gql(
      `mutation($k: String!, $m: String!) { startConversation(input: {widgetKey: $k, message: $m}) { customerToken conversation { id } } }`,
      { k: ws.widgetKey, m: 'Hello, my parcel still has not arrived' },
    );
    const id = started.data.startConversation.conversation.id;
    const intent = await eventually(
      async () => {
        const r = await t.gql(`query($id: ID!) { conversation(id: $id) { messages(first: 1) { edges { node { analysis { intent } } } } } }`, { id }, ws.token);
        return r.data.conversation.messages.edges[0].node.analysis?.intent;
      },
      20_000,
      'the analysis',
    );
    expect(intent).toBe('delivery_status');

    // Another workspace keeps the built-in taxonomy.
    const other = await t.createWorkspace('Other');
    expect((await t.gql(`{ intentModel { labels } }`, {}, other.token)).data.intentModel).toBeNull();
  });

  it('rejects CSVs it cannot train from, without storing anything', async () => {
    const ws = await t.createWorkspace('Bad CSV');
    for (const bad of [
      '',
      'text,label',
      'words,tags\nhello,greeting\nbye,farewell',
      'text,label\nhello,greeting\nhi,greeting',
      'text,label\n"unterminated,x',
      'text,label\n,empty\nok,fine',
    ]) {
      expectError(await t.gql(IMPORT, { csv: bad }, ws.token), 'BAD_USER_INPUT');
    }
    expect((await t.gql(`{ intentModel { labels } }`, {}, ws.token)).data.intentModel).toBeNull();
  });

  (existsSync(BANKING77) ? it : it.skip)(
    'labels BANKING77 held-out examples right at least 85% of the time',
    async () => {
      const ws = await t.createWorkspace('Bank');
      const res = await t.gql(IMPORT, { csv: readFileSync(BANKING77, 'utf8') }, ws.token);
      expect(res.errors).toBeUndefined();
      const m = res.data.importIntentExamples;
      console.log(
        `BANKING77 train.csv: ${m.examples} examples, ${m.labels.length} labels, held-out accuracy (every fifth example) ${m.heldOutAccuracy.toFixed(3)}`,
      );
      expect(m.labels).toHaveLength(77);
      expect(m.heldOutAccuracy).toBeGreaterThanOrEqual(0.85);
    },
    120_000,
  );
});

describe('intent taxonomies with the openai provider (local OpenAI-compatible server)', () => {
  let llm: OpenAiCompatibleServer;
  let t: TestServer;

  beforeAll(async () => {
    llm = new OpenAiCompatibleServer();
    llm.defaultEmbeddingDimensions = 256;
    const baseUrl = await llm.start();
    t = await startTestServer({ RUN_WORKERS: 'true', AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseUrl });
  });
  afterAll(async () => {
    await t.close();
    await llm.close();
  });

  it("has the model choose among the workspace's own labels, through structured output", async () => {
    const ws = await t.createWorkspace('Shop on a model server');
    expect((await t.gql(IMPORT, { csv }, ws.token)).errors).toBeUndefined();
    llm.chat = () => ({ json: { intent: 'delivery_status', sentiment: -0.3, language: 'en', wantsHuman: false } });
    const res = await t.gql(
      `mutation($k: String!) { startConversation(input: {widgetKey: $k, message: "Where on earth is my parcel?"}) { conversation { id } } }`,
      { k: ws.widgetKey },
    );
    const id = res.data.startConversation.conversation.id;
    const analysis = await eventually(
      async () => {
        const r = await t.gql(`query($id: ID!) { conversation(id: $id) { messages(first: 1) { edges { node { analysis { intent } } } } } }`, { id }, ws.token);
        return r.data.conversation.messages.edges[0].node.analysis;
      },
      20_000,
      'the analysis',
    );
    expect(analysis.intent).toBe('delivery_status');
    const request = llm.requests
      .filter((r) => r.path === '/v1/chat/completions')
      .find((r) => JSON.stringify(r.body['messages']).includes('Where on earth is my parcel?'))!;
    // The schema the model must follow lists exactly the workspace's labels.
    expect(JSON.stringify(request.body['response_format'] ?? request.body['tools'])).toContain('"enum":["account_access","delivery_status","refund_request"]');
  });
});
