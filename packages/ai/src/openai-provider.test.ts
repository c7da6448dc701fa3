import { hashedEmbedding } from './embedding.js';
import { createProvider } from './provider.js';
import { OpenAiCompatibleServer, type ChatCompletionRequest } from './testing/openai-compatible-server.js';
import type { KnowledgeChunk } from './types.js';

const chunks: KnowledgeChunk[] = [
  { faqId: 'faq-shipping', chunkId: 'c1', text: 'How long does shipping take?\n\nOrders ship within 2 days.', score: 0.55 },
  { faqId: 'faq-refund', chunkId: 'c2', text: 'How do I get a refund?\n\nRefunds take 5 business days.', score: 0.82 },
  { faqId: 'faq-refund', chunkId: 'c3', text: 'How do I get a refund?\n\nContact support with your order number.', score: 0.61 },
];

describe('openai provider against a local OpenAI-compatible server', () => {
  const server = new OpenAiCompatibleServer();
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await server.start();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const provider = (extra: { maxRetries?: number; timeoutMs?: number } = {}) =>
    createProvider({
      provider: 'openai',
      apiKey: 'test-key',
      baseUrl,
      chatModel: 'test-chat',
      embeddingModel: 'test-embed',
      embeddingDimensions: 8,
      maxRetries: 0,
      ...extra,
    });

  const chatRequests = () => server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatCompletionRequest);

  it('streams deltas in order, cites the chunks the answer names and takes usage from the server', async () => {
    server.chat = () => ({ deltas: ['Refunds take ', '5 business', ' days', ' [2]', '.'], usage: { prompt_tokens: 321, completion_tokens: 9 } });
    const deltas: string[] = [];
    const result = await provider().answer(
      {
        question: 'When do I get my money back?',
        history: [
          { role: 'customer', content: 'Hi' },
          { role: 'ai', content: 'Hello! How can I help?' },
        ],
        chunks,
        systemPrompt: 'You are {Acme} support.',
        temperature: 0.2,
      },
      (d) => deltas.push(d),
    );

    expect(deltas).toEqual(['Refunds take ', '5 business', ' days', ' [2]', '.']);
    expect(deltas.join('')).toBe(result.answer);
    expect(result.answer).toBe('Refunds take 5 business days [2].');
    expect(result.citations).toEqual([{ faqId: 'faq-refund', score: 0.82 }]);
    expect(result.confidence).toBeCloseTo(0.82, 10);
    expect(result.usage).toEqual({ promptTokens: 321, completionTokens: 9 });
    expect(result.latencyMs).toBeGreaterThan(0);

    const [request] = chatRequests();
    expect(request!.stream).toBe(true);
    expect(request!.stream_options).toEqual({ include_usage: true });
    expect(request!.model).toBe('test-chat');
    expect(request!.temperature).toBe(0.2);
    expect(request!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    const system = String(request!.messages[0]!.content);
    expect(system).toContain('You are {Acme} support.');
    expect(system).toContain('[1] How long does shipping take?');
    expect(system).toContain('[2] How do I get a refund?\n\nRefunds take 5 business days.');
    expect(system).toContain('NO_ANSWER');
    expect(request!.messages.at(-1)!.content).toBe('When do I get my money back?');
  });

  it('maps several cited chunks to one citation per FAQ', async () => {
    server.chat = () => ({ deltas: ['Ships in 2 days [1]; refunds via support [2, 3].'] });
    const result = await provider().answer({ question: 'q', history: [], chunks });
    expect(result.citations).toEqual([
      { faqId: 'faq-shipping', score: 0.55 },
      { faqId: 'faq-refund', score: 0.82 },
    ]);
    expect(result.confidence).toBeCloseTo(0.82, 10);
  });

  it('falls back to the top chunk, with less confidence, when the answer cites nothing', async () => {
    server.chat = () => ({ deltas: ['Refunds take 5 business days.'] });
    const result = await provider().answer({ question: 'q', history: [], chunks });
    expect(result.citations).toEqual([{ faqId: 'faq-refund', score: 0.82 }]);
    expect(result.confidence).toBeCloseTo(0.82 * 0.8, 10);
  });

  it('turns NO_ANSWER into an empty answer with confidence 0 and never streams the sentinel', async () => {
    server.chat = () => ({ deltas: ['NO_', 'ANS', 'WER'], usage: { prompt_tokens: 50, completion_tokens: 3 } });
    const deltas: string[] = [];
    const result = await provider().answer({ question: 'What is the meaning of life?', history: [], chunks }, (d) => deltas.push(d));
    expect(result).toMatchObject({ answer: '', citations: [], confidence: 0, usage: { promptTokens: 50, completionTokens: 3 } });
    expect(deltas).toEqual([]);
  });

  it('estimates usage when the server does not report it', async () => {
    server.chat = () => ({ deltas: ['Refunds take 5 business days [2].'], omitUsage: true });
    const result = await provider().answer({ question: 'When do I get my money back?', history: [], chunks });
    expect(result.usage.promptTokens).toBeGreaterThan(20);
    expect(result.usage.completionTokens).toBeGreaterThan(3);
  });

  it('abstains without a request when there is no context', async () => {
    const result = await provider().answer({ question: 'anything', history: [], chunks: [] });
    expect(result).toMatchObject({ answer: '', citations: [], confidence: 0 });
    expect(chatRequests()).toHaveLength(0);
  });

  it('rejects on an HTTP 500 (maxRetries 0: exactly one request)', async () => {
    server.chat = () => ({ status: 500 });
    await expect(provider().answer({ question: 'q', history: [], chunks })).rejects.toThrow();
    expect(chatRequests()).toHaveLength(1);
  });

  it('retries as configured before giving up', async () => {
    server.chat = () => ({ status: 500 });
    await expect(provider({ maxRetries: 1 }).answer({ question: 'q', history: [], chunks })).rejects.toThrow();
    expect(chatRequests()).toHaveLength(2);
  }, 15_000);

  it('rejects when the server is slower than timeoutMs', async () => {
    server.chat = () => ({ delayMs: 2_000, deltas: ['late'] });
    const started = Date.now();
    await expect(provider({ timeoutMs: 200 }).answer({ question: 'q', history: [], chunks })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it('analyses a message through structured output', async () => {
    server.chat = () => ({
      json: { intent: 'refund', sentiment: -0.6, language: 'EN', wantsHuman: true },
    });
    const analysis = await provider().analyze('I want my money back, let me talk to a person!');
    expect(analysis).toEqual({ intent: 'refund', sentiment: -0.6, sentimentLabel: 'NEGATIVE', language: 'en', wantsHuman: true });

    const [request] = chatRequests();
    expect(request!.stream).toBeFalsy();
    expect(request!.temperature).toBe(0);
    expect(request!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'message_analysis' } });
    expect(JSON.stringify(request!.messages)).toContain('let me talk to a person');
  });

  it('answers structured output through function calling for models without json_schema', async () => {
    server.chat = () => ({ json: { intent: 'greeting', sentiment: 0.4, language: 'fr', wantsHuman: false } });
    const p = createProvider({ provider: 'openai', baseUrl, chatModel: 'gpt-4', maxRetries: 0 });
    expect(await p.analyze('Bonjour !')).toEqual({ intent: 'greeting', sentiment: 0.4, sentimentLabel: 'POSITIVE', language: 'fr', wantsHuman: false });
    const [request] = chatRequests();
    expect(request!.tools?.[0]?.function.name).toBe('message_analysis');
    expect(request!.response_format).toBeUndefined();
  });

  it("constrains the intent to the workspace's own labels when given", async () => {
    const labels = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card'];
    server.chat = () => ({ json: { intent: 'lost_or_stolen_card', sentiment: -0.2, language: 'en', wantsHuman: false } });
    expect((await provider().analyze('I lost my card', { intents: labels })).intent).toBe('lost_or_stolen_card');
    const schema = JSON.stringify(chatRequests().at(-1)!.response_format);
    expect(schema).toContain('"enum":["card_arrival","exchange_rate","lost_or_stolen_card"]');
    // A built-in label is not one of the workspace's: the answer is refused.
    server.chat = () => ({ json: { intent: 'refund', sentiment: 0, language: 'en', wantsHuman: false } });
    await expect(provider().analyze('refund me', { intents: labels })).rejects.toThrow();
  });

  it('rejects an analysis that does not match the schema', async () => {
    server.chat = () => ({ json: { intent: 'refund' } });
    await expect(provider().analyze('hello')).rejects.toThrow();
  });

  it('round-trips embeddings (base64 float32 on the wire)', async () => {
    const p = provider();
    expect(p.dimensions).toBe(8);
    const vectors = await p.embed(['refund my order', 'reset password']);
    expect(vectors).toHaveLength(2);
    const expected = [hashedEmbedding('refund my order', 8), hashedEmbedding('reset password', 8)];
    vectors.forEach((v, i) => {
      expect(v).toHaveLength(8);
      v.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 6));
    });
    const [request] = server.requests.filter((r) => r.path === '/v1/embeddings');
    expect(request!.body).toMatchObject({
      model: 'test-embed',
      dimensions: 8,
      encoding_format: 'base64',
      input: ['refund my order', 'reset password'],
    });
    expect(await p.embed([])).toEqual([]);
  });

  it('needs embeddingDimensions for an embedding model it does not know', () => {
    expect(() => createProvider({ provider: 'openai', baseUrl, embeddingModel: 'nomic-embed-text' })).toThrow(/embeddingDimensions/);
    expect(createProvider({ provider: 'openai', baseUrl }).dimensions).toBe(1536);
  });

  it("moderates with the server's /moderations, and falls back to the offline check when the server has none (404)", async () => {
    const p = provider();
    // No moderation endpoint scripted: 404, the offline check judges (and the endpoint is not asked again for a while).
    expect(await p.moderate('This is fucking useless')).toEqual({ flagged: true, categories: ['profanity'], pii: [], source: 'local' });
    expect(await p.moderate('Mail me at jane@example.com')).toEqual({ flagged: false, categories: [], pii: ['email'], source: 'local' });
    expect(server.requests.filter((r) => r.path === '/v1/moderations')).toHaveLength(1);

    server.moderate = (input) => ({ flagged: input.includes('hurt'), categories: { violence: input.includes('hurt'), harassment: false } });
    try {
      const fresh = provider();
      expect(await fresh.moderate('I will hurt you')).toEqual({ flagged: true, categories: ['violence'], pii: [], source: 'openai' });
      expect(await fresh.moderate('How do I get a refund?')).toEqual({ flagged: false, categories: [], pii: [], source: 'openai' });
      expect(server.requests.filter((r) => r.path === '/v1/moderations').at(-1)!.body).toEqual({ input: 'How do I get a refund?' });
    } finally {
      server.moderate = undefined;
    }
  });

  it('translates a question with the chat model, and answers in the language it is told', async () => {
    server.chat = (req) => ({ deltas: [String((req.messages.at(-1)!.content as string).includes('remboursement') ? 'How do I get a refund?' : '?')] });
    expect(await provider().translate('Comment obtenir un remboursement ?', 'en')).toBe('How do I get a refund?');
    expect(String(chatRequests().at(-1)!.messages[0]!.content)).toContain('ISO 639-1 code "en"');
    server.chat = () => ({ deltas: ['Les remboursements prennent 5 jours ouvrés [1].'] });
    server.requests.length = 0;
    const answer = await provider().answer({ question: 'Comment obtenir un remboursement ?', history: [], chunks, language: 'fr' });
    expect(answer.answer).toBe('Les remboursements prennent 5 jours ouvrés [1].');
    expect(String(chatRequests().find((r) => r.stream)!.messages[0]!.content)).toContain('ISO 639-1 code "fr": answer in that language');
  });

  it('checks that the cited context supports the answer: an unsupported one gets no confidence and grounded = false', async () => {
    let supported = true;
    server.chat = (req) => (req.response_format || req.tools ? { json: { supported } } : { deltas: ['Refunds take 5 business days [2].'] });
    const ok = await provider().answer({ question: 'refund?', history: [], chunks });
    expect(ok).toMatchObject({ grounded: true, confidence: 0.82 });
    const check = chatRequests().at(-1)!;
    expect(check.response_format).toMatchObject({ json_schema: { name: 'grounding_check' } });
    expect(JSON.stringify(check.messages)).toContain('[1] How do I get a refund?\\n\\nRefunds take 5 business days.');

    supported = false;
    expect(await provider().answer({ question: 'refund?', history: [], chunks })).toMatchObject({
      grounded: false,
      confidence: 0,
      citations: [{ faqId: 'faq-refund' }],
    });

    // A check that fails (here: a reply that is not the verdict) leaves the answer to its confidence.
    server.chat = (req) => (req.response_format || req.tools ? { json: { nonsense: 1 } } : { deltas: ['Refunds take 5 business days [2].'] });
    const unchecked = await provider().answer({ question: 'refund?', history: [], chunks });
    expect(unchecked.grounded).toBeUndefined();
    expect(unchecked.confidence).toBe(0.82);
  });
});
