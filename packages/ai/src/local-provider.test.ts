import { createProvider } from './provider.js';
import { answerFeatures, extractAnswer, LOCAL_CONFIDENCE_MODEL, LOCAL_CONFIDENCE_MODELS, LOCAL_FUSION_WEIGHTS, localConfidence } from './local-provider.js';
import { cosine, hashedEmbedding, SEMANTIC_SHARE } from './embedding.js';
import { semanticEmbeddings } from './semantic-embedding.js';
import type { KnowledgeChunk } from './types.js';

const ev = (fused: number, coverage: number, strength: number, vector: number) => ({ fused, lexical: fused, strength, coverage, vector });
const refund: KnowledgeChunk = {
  faqId: 'faq-refund',
  chunkId: 'c1',
  text: 'How do I get a refund?\n\nRefunds are issued within 5 business days. Contact support with your order number.',
  score: 0.5,
  evidence: ev(0.9, 1, 2, 0.5),
};
const shipping: KnowledgeChunk = {
  faqId: 'faq-shipping',
  chunkId: 'c2',
  text: 'How long is shipping?\n\nOrders ship within 2 days.',
  score: 0.6,
  evidence: ev(0.4, 0.2, 0.5, 0.6),
};

describe('local provider', () => {
  const provider = createProvider({ provider: 'local' });

  it("quotes the caller's top-ranked chunk (not the highest cosine), cites its FAQ and streams it word by word in order", async () => {
    const deltas: string[] = [];
    const result = await provider.answer({ question: 'refund?', history: [], chunks: [refund, shipping] }, (d) => deltas.push(d));

    expect(result.answer).toBe('Refunds are issued within 5 business days. Contact support with your order number.');
    expect(result.citations).toEqual([{ faqId: 'faq-refund', score: 0.5 }]);
    expect(deltas.length).toBe(result.answer.split(' ').length);
    expect(deltas[0]).toBe('Refunds ');
    expect(deltas.at(-1)).toBe('number.');
    expect(deltas.join('')).toBe(result.answer);
    // σ(w · [fused, margin, coverage, ln(1 + strength), vector, agreement]); the vector leg prefers shipping: no agreement.
    const [w0, ...w] = LOCAL_CONFIDENCE_MODELS.semantic.weights;
    const x = [0.9, 0.5, 1, Math.log1p(2), 0.5, 0];
    expect(answerFeatures([refund, shipping])).toEqual(x);
    expect(result.confidence).toBeCloseTo(1 / (1 + Math.exp(-(w0! + x.reduce((a, xi, i) => a + w[i]! * xi, 0)))), 10);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.promptTokens).toBeGreaterThan(result.usage.completionTokens);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers nothing without chunks, or when the best one shares no word with the question and is far from it', async () => {
    const tokens: string[] = [];
    const unrelated = { ...refund, evidence: ev(0.1, 0, 0, 0.2) };
    for (const chunks of [[], [unrelated, shipping]]) {
      const result = await provider.answer({ question: 'Klingon poetry?', history: [], chunks }, (d) => tokens.push(d));
      expect(result).toMatchObject({ answer: '', citations: [], confidence: 0, usage: { completionTokens: 0 } });
    }
    expect(tokens).toEqual([]);
    // Close in meaning without a shared word is still evidence.
    const paraphrase = await provider.answer({ question: 'money back?', history: [], chunks: [{ ...refund, evidence: ev(0.3, 0, 0, 0.5) }] });
    expect(paraphrase.answer).not.toBe('');
  });

  it('is more confident with more evidence, a clearer margin and legs that agree; same-FAQ chunks do not compete', () => {
    const at = (top: Partial<NonNullable<KnowledgeChunk['evidence']>>, runnerUp = 0.4) =>
      localConfidence([
        { ...refund, evidence: { ...refund.evidence!, ...top } },
        { ...shipping, evidence: { ...shipping.evidence!, fused: runnerUp } },
      ]);
    expect(at({ coverage: 1 })).toBeGreaterThan(at({ coverage: 0.3 }));
    expect(at({ strength: 3 })).toBeGreaterThan(at({ strength: 0.8 }));
    expect(at({}, 0.2)).toBeGreaterThan(at({}, 0.8));
    expect(at({ vector: 0.7 })).toBeGreaterThan(at({ vector: 0.55 })); // 0.7 > shipping's 0.6: the legs agree
    // An unrelated question: little of it matched, weakly.
    expect(at({ fused: 0.5, coverage: 0.2, strength: 0.3, vector: 0.1 })).toBeLessThan(0.1);
    const sibling = { ...refund, chunkId: 'c1b', evidence: ev(0.89, 1, 1.8, 0.5) };
    expect(localConfidence([refund, sibling, shipping])).toBe(localConfidence([refund, shipping]));
    for (const c of [at({}), at({ coverage: 0, strength: 0, vector: 0 }), localConfidence([refund])]) {
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThan(1);
    }
  });

  it('quotes the first sentences of a long chunk without its question line', () => {
    const long = `Can I change my plan?\n\n${Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} explains one more detail of changing plans.`).join(' ')}`;
    const answer = extractAnswer(long);
    expect(answer.startsWith('Sentence number 1 ')).toBe(true);
    expect(answer.match(/Sentence number/g)!.length).toBeGreaterThanOrEqual(2);
    expect(answer.match(/Sentence number/g)!.length).toBeLessThanOrEqual(3);
    expect(extractAnswer('Plain text without a heading.')).toBe('Plain text without a heading.');
  });

  it('embeds with the hashed and the semantic embedding in one vector whose cosine weighs both', async () => {
    expect(provider).toMatchObject({ name: 'local', dimensions: 768, embeddingModel: 'local-hashed+use-lite', fusionWeights: LOCAL_FUSION_WEIGHTS.semantic });
    const texts = ['How do I reset my password?', 'I forgot my login credentials', 'What does shipping to Canada cost?'];
    const [q, near, far] = await provider.embed(texts);
    for (const v of [q!, near!, far!]) {
      expect(v).toHaveLength(768);
      expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    }
    const [sq, snear] = await semanticEmbeddings(texts.slice(0, 2));
    const expected = (1 - SEMANTIC_SHARE) * cosine(hashedEmbedding(texts[0]!), hashedEmbedding(texts[1]!)) + SEMANTIC_SHARE * cosine(sq!, snear!);
    expect(cosine(q!, near!)).toBeCloseTo(expected, 6);
    // No word in common, yet the same meaning: only the semantic part can see it.
    expect(cosine(hashedEmbedding(texts[0]!), hashedEmbedding(texts[1]!))).toBeLessThan(0.15);
    expect(cosine(q!, near!)).toBeGreaterThan(cosine(q!, far!) + 0.1);
  });

  it('with LOCAL_EMBEDDING=hashed embeds with the hashed embedding alone and its own confidence model', async () => {
    const hashed = createProvider({ provider: 'local', localEmbedding: 'hashed' });
    expect(hashed).toMatchObject({ dimensions: 256, embeddingModel: 'local-hashed', fusionWeights: LOCAL_FUSION_WEIGHTS.hashed });
    const [v] = await hashed.embed(['refund']);
    expect(v).toEqual(hashedEmbedding('refund'));
    const result = await hashed.answer({ question: 'refund?', history: [], chunks: [refund, shipping] });
    expect(result.confidence).toBeCloseTo(localConfidence([refund, shipping], LOCAL_CONFIDENCE_MODEL), 10);
    expect(result.confidence).not.toBeCloseTo(localConfidence([refund, shipping], LOCAL_CONFIDENCE_MODELS.semantic), 3);
  });
});
