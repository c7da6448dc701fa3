import { cosine, hashedEmbedding, LocalEmbedder, tokenize } from './embedding.js';

describe('local hashed embedding', () => {
  it('is deterministic, fixed-size and L2-normalised', async () => {
    const [a, b] = await new LocalEmbedder().embed(['How do I get a refund?', 'How do I get a refund?']);
    expect(a).toHaveLength(256);
    expect(a).toEqual(b);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
    expect(hashedEmbedding('', 16)).toEqual(new Array(16).fill(0));
  });

  it('places paraphrases closer than unrelated text', () => {
    const q = hashedEmbedding('refund my purchase');
    const near = hashedEmbedding('How can I get a refund for a purchase?');
    const far = hashedEmbedding('Reset the password of my account');
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.2);
  });

  it('drops stop words and keeps numbers', () => {
    expect(tokenize('What is the price of plan 42?')).toEqual(['price', 'plan', '42']);
  });
});
