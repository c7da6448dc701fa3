// Customers who write another language than the knowledge base's: with the
// openai provider the question is translated for retrieval and answered in
// the customer's language (workspace languages en, fr, es); with the local
// provider a language the workspace does not support is handed off as
// unsupported_language rather than missing_knowledge.
import { OpenAiCompatibleServer, type ChatCompletionRequest } from '@switchboard/ai/testing';
import { eventually, expectError, startTestServer, type TestServer } from '../../../test/testkit.js';

type Ws = Awaited<ReturnType<TestServer['createWorkspace']>>;

const FAQS: [string, string][] = [
  ['How do I get a refund?', 'You can request a refund within 30 days of purchase from the Orders page.'],
  ['How long does shipping take?', 'Orders ship within two business days and arrive in three to five days.'],
];

const STATE = `query($id: ID!) { conversation(id: $id) { mode handoffReason messages { edges { node { authorType body citations { faq { question } } } } } } }`;

async function publish(t: TestServer, ws: Ws) {
  for (const [q, a] of FAQS) {
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

async function ask(t: TestServer, ws: Ws, message: string) {
  const res = await t.gql(`mutation($k: String!, $m: String!) { startConversation(input: {widgetKey: $k, message: $m}) { conversation { id } } }`, {
    k: ws.widgetKey,
    m: message,
  });
  const id = res.data.startConversation.conversation.id as string;
  return eventually(
    async () => {
      const s = (await t.gql(STATE, { id }, ws.token)).data.conversation;
      return (s.mode === 'HUMAN' || s.messages.edges.some((e: any) => e.node.authorType === 'AI')) && s;
    },
    20_000,
    `an answer or a handoff to "${message}"`,
  );
}

const aiReply = (s: any) => s.messages.edges.find((e: any) => e.node.authorType === 'AI')?.node;

describe('multilingual answers with the openai provider (local OpenAI-compatible server)', () => {
  let llm: OpenAiCompatibleServer;
  let t: TestServer;
  let ws: Ws;
  const TRANSLATIONS: Record<string, string> = {
    'Comment puis-je obtenir un remboursement pour ma commande ?': 'How can I get a refund for my order?',
    '¿Cuánto tarda el envío de mi pedido?': 'How long does shipping of my order take?',
  };
  const ANSWERS: Record<string, Record<string, string>> = {
    fr: { refund: 'Vous pouvez demander un remboursement sous 30 jours depuis la page Commandes [1].' },
    es: { shipping: 'Los pedidos se envían en dos días hábiles y llegan en tres a cinco días [1].' },
  };

  beforeAll(async () => {
    llm = new OpenAiCompatibleServer();
    llm.defaultEmbeddingDimensions = 256;
    llm.chat = (req: ChatCompletionRequest) => {
      if (req.tools || req.response_format) return { json: { intent: 'other', sentiment: 0, language: 'und', wantsHuman: false } };
      const system = String(req.messages[0]!.content);
      const last = String(req.messages.at(-1)!.content);
      if (system.startsWith('Translate')) return { deltas: [TRANSLATIONS[last] ?? last] };
      // The RAG call: answer in the language the system prompt names, from the first context entry.
      const language = system.match(/ISO 639-1 code "(\w\w)": answer in that language/)?.[1] ?? 'en';
      const topic = system.includes('[1] How do I get a refund?') ? 'refund' : 'shipping';
      return { deltas: [ANSWERS[language]?.[topic] ?? 'NO_ANSWER'] };
    };
    const baseUrl = await llm.start();
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true', AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseUrl });
    ws = await t.createWorkspace('Multilingual');
    const set = await t.gql(`mutation { updateWorkspaceSettings(input: {supportedLanguages: ["en", "FR", "es", "fr"]}) { supportedLanguages } }`, {}, ws.token);
    expect(set.data.updateWorkspaceSettings.supportedLanguages).toEqual(['en', 'fr', 'es']);
    await publish(t, ws);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await llm.close();
  });

  const embedded = () =>
    llm.requests.filter((r) => r.path === '/v1/embeddings').flatMap((r) => (Array.isArray(r.body['input']) ? r.body['input'] : [r.body['input']]));

  it('answers a French customer in French, having searched with the English translation', async () => {
    const s = await ask(t, ws, 'Comment puis-je obtenir un remboursement pour ma commande ?');
    expect(s.mode).toBe('AI');
    expect(aiReply(s)).toMatchObject({ body: ANSWERS['fr']!['refund'], citations: [{ faq: { question: 'How do I get a refund?' } }] });
    expect(embedded()).toContain('How can I get a refund for my order?');
  });

  it('answers a Spanish customer in Spanish', async () => {
    const s = await ask(t, ws, '¿Cuánto tarda el envío de mi pedido?');
    expect(s.mode).toBe('AI');
    expect(aiReply(s)).toMatchObject({ body: ANSWERS['es']!['shipping'], citations: [{ faq: { question: 'How long does shipping take?' } }] });
    expect(embedded()).toContain('How long does shipping of my order take?');
  });

  it('rejects supported languages that are not ISO 639-1 codes', async () => {
    for (const bad of [[], ['english'], ['e1']]) {
      expectError(
        await t.gql(`mutation($l: [String!]) { updateWorkspaceSettings(input: {supportedLanguages: $l}) { id } }`, { l: bad }, ws.token),
        'BAD_USER_INPUT',
      );
    }
  });
});

describe('multilingual handoffs with the local provider', () => {
  let t: TestServer;
  let ws: Ws;

  beforeAll(async () => {
    t = await startTestServer({ RUN_WORKERS: 'true', AI_AUTO_REPLY: 'true' });
    ws = await t.createWorkspace('English only');
    await publish(t, ws);
  }, 60_000);
  afterAll(() => t.close());

  it('hands a French or German question in an English-only workspace off as unsupported_language, and still answers English', async () => {
    const french = await ask(t, ws, 'Comment puis-je obtenir un remboursement pour ma commande ?');
    expect(french).toMatchObject({ mode: 'HUMAN', handoffReason: 'unsupported_language' });
    // The customer is told in their own language.
    expect(french.messages.edges.map((e: any) => [e.node.authorType, e.node.body])[1]).toEqual([
      'SYSTEM',
      'Cette conversation a été confiée à un conseiller. Quelqu’un va vous répondre sous peu.',
    ]);
    const german = await ask(t, ws, 'Wie lange dauert der Versand meiner Bestellung?');
    expect(german).toMatchObject({ mode: 'HUMAN', handoffReason: 'unsupported_language' });
    expect(german.messages.edges[1].node.body).toMatch(/^Diese Unterhaltung wurde an einen Mitarbeiter übergeben/);
    expect(aiReply(await ask(t, ws, 'How do I get a refund?')).citations[0].faq.question).toBe('How do I get a refund?');
  });

  it('does not blame the language once the workspace supports it: the knowledge base simply has no French answer', async () => {
    await t.gql(`mutation { updateWorkspaceSettings(input: {supportedLanguages: ["en", "fr"]}) { id } }`, {}, ws.token);
    const s = await ask(t, ws, 'Comment puis-je obtenir un remboursement pour ma commande ?');
    expect(s.mode).toBe('HUMAN');
    expect(['missing_knowledge', 'low_confidence']).toContain(s.handoffReason);
  });
});
