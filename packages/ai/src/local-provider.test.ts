import { createProvider } from './provider.js';
import { extractAnswer, LOCAL_CONFIDENCE, localConfidence } from './local-provider.js';
import type { KnowledgeChunk } from './types.js';

const refund: KnowledgeChunk = {
  faqId: 'faq-refund',
  chunkId: 'c1',
  text: 'How do I get a refund?\n\nRefunds are issued within 5 business days. Contact support with your order number.',
  score: 0.7,
};
const shipping: KnowledgeChunk = { faqId: 'faq-shipping', chunkId: 'c2', text: 'How long is shipping?\n\nOrders ship within 2 days.', score: 0.3 };

describe('local provider', () => {
  const provider = createProvider({ provider: 'local' });

  it('quotes the best chunk, cites its FAQ and streams it word by word in order', async () => {
    const deltas: string[] = [];
    const result = await provider.answer({ question: 'refund?', history: [], chunks: [shipping, refund] }, (d) => deltas.push(d));

    expect(result.answer).toBe('Refunds are issued within 5 business days. Contact support with your order number.');
    expect(result.citations).toEqual([{ faqId: 'faq-refund', score: 0.7 }]);
    expect(deltas.length).toBe(result.answer.split(' ').length);
    expect(deltas[0]).toBe('Refunds ');
    expect(deltas.at(-1)).toBe('number.');
    expect(deltas.join('')).toBe(result.answer);
    // σ(-3.48 + 4.93·0.7 + 19.52·(0.7 − 0.3))
    expect(result.confidence).toBeCloseTo(1 / (1 + Math.exp(-(-3.48 + 4.93 * 0.7 + 19.52 * 0.4))), 10);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.promptTokens).toBeGreaterThan(result.usage.completionTokens);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('withholds the answer below the score floor or without chunks', async () => {
    const weak = { ...refund, score: LOCAL_CONFIDENCE.floor - 0.01 };
    const tokens: string[] = [];
    for (const chunks of [[weak], []]) {
      const result = await provider.answer({ question: 'refund?', history: [], chunks }, (d) => tokens.push(d));
      expect(result).toMatchObject({ answer: '', citations: [], confidence: 0, usage: { completionTokens: 0 } });
    }
    expect(tokens).toEqual([]);
  });

  it('is more confident with a higher score and a clearer margin; same-FAQ chunks do not compete', () => {
    expect(localConfidence(0.6, 0.2)).toBeGreaterThan(localConfidence(0.4, 0.2));
    expect(localConfidence(0.5, 0.1)).toBeGreaterThan(localConfidence(0.5, 0.45));
    expect(localConfidence(0.5, 0.6)).toBe(localConfidence(0.5, 0.5)); // negative margin clamps to 0
    for (const [top, second] of [[0.25, 0.25], [1, 0], [0.3, 0]] as const) {
      const c = localConfidence(top, second);
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThanOrEqual(1);
    }
  });

  it('ignores chunks of the same FAQ when measuring the margin, and assumes a runner-up at the floor', async () => {
    const sibling = { ...refund, chunkId: 'c1b', score: 0.69 };
    const alone = await provider.answer({ question: 'q', history: [], chunks: [refund] });
    const withSibling = await provider.answer({ question: 'q', history: [], chunks: [refund, sibling] });
    expect(withSibling.confidence).toBe(alone.confidence);
    expect(alone.confidence).toBe(localConfidence(0.7, LOCAL_CONFIDENCE.floor));
    expect(alone.confidence).toBeLessThan(localConfidence(0.7, 0));
  });

  it('quotes the first sentences of a long chunk without its question line', () => {
    const long = `Can I change my plan?\n\n${Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} explains one more detail of changing plans.`).join(' ')}`;
    const answer = extractAnswer(long);
    expect(answer.startsWith('Sentence number 1 ')).toBe(true);
    expect(answer.match(/Sentence number/g)!.length).toBeGreaterThanOrEqual(2);
    expect(answer.match(/Sentence number/g)!.length).toBeLessThanOrEqual(3);
    expect(extractAnswer('Plain text without a heading.')).toBe('Plain text without a heading.');
  });

  it('embeds with the offline hashed embedding', async () => {
    const [v] = await provider.embed(['refund']);
    expect(v).toHaveLength(provider.dimensions);
    expect(provider).toMatchObject({ name: 'local', dimensions: 256 });
  });
});
