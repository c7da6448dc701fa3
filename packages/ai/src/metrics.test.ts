import { answerSimilarity, groundedness, hitRateAtK, mrr, percentile, summariseRuns } from './metrics.js';

describe('retrieval metrics', () => {
  const results = [
    ['a', 'b', 'c'],
    ['d', 'e', 'f'],
    ['g', 'h', 'i'],
  ];
  const expected = [['b'], ['x'], ['i', 'z']];

  it('hit rate@k counts queries with an expected id in the top k', () => {
    expect(hitRateAtK(results, expected, 1)).toBe(0);
    expect(hitRateAtK(results, expected, 2)).toBeCloseTo(1 / 3, 12);
    expect(hitRateAtK(results, expected, 3)).toBeCloseTo(2 / 3, 12);
    expect(hitRateAtK([['a']], [['a']], 5)).toBe(1);
  });

  it('MRR averages 1/rank of the first expected id (0 when missing)', () => {
    // (1/2 + 0 + 1/3) / 3
    expect(mrr(results, expected)).toBeCloseTo(5 / 18, 12);
    expect(mrr([['x', 'a', 'b']], [['b', 'a']])).toBeCloseTo(1 / 2, 12);
  });

  it('skips queries without expected ids and rejects mismatched inputs', () => {
    expect(hitRateAtK([['a'], ['b']], [[], ['b']], 1)).toBe(1);
    expect(mrr([['a']], [[]])).toBe(0);
    expect(() => mrr([['a']], [])).toThrow(RangeError);
    expect(() => hitRateAtK(results, expected, 0)).toThrow(RangeError);
  });
});

describe('answer metrics', () => {
  it('answer similarity is the cosine of the embeddings', () => {
    expect(answerSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(answerSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(answerSimilarity([1, 0], [-1, 0])).toBeCloseTo(-1, 12);
    expect(answerSimilarity([0, 0], [1, 0])).toBe(0);
  });

  it('groundedness is the share of sentences mostly covered by one chunk', () => {
    const chunks = ['Refunds take 5 business days to process.', 'Orders ship from Berlin.'];
    // Content tokens per sentence: [refunds take 5 business days] all in chunk 1 → supported;
    // [orders ship mars] 2/3 in chunk 2 → supported; [gift wrapping free] 0/3 → not.
    expect(groundedness('Refunds take 5 business days [1]. Orders ship to Mars. Gift wrapping is free.', chunks)).toBeCloseTo(2 / 3, 12);
    // [we ship mars]: 1/3 in chunk 2 → below half.
    expect(groundedness('We ship to Mars.', chunks)).toBe(0);
    // [refunds take 12 weeks cost money]: 2/6 in chunk 1; the two chunks are not pooled.
    expect(groundedness('Refunds take 12 weeks and cost money.', chunks)).toBe(0);
    expect(groundedness('', chunks)).toBe(1);
  });
});

describe('cost metrics', () => {
  it('percentile interpolates linearly between closest ranks', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48, 12);
    expect(percentile([10, 20, 30, 40, 50], 0)).toBe(10);
    expect(percentile([10, 20, 30, 40, 50], 100)).toBe(50);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarises latency percentiles and token sums', () => {
    const runs = [100, 200, 300, 400].map((latencyMs, i) => ({ latencyMs, usage: { promptTokens: 10 * (i + 1), completionTokens: i } }));
    expect(summariseRuns(runs)).toEqual({
      count: 4,
      latencyP50Ms: 250,
      latencyP95Ms: 385,
      latencyMeanMs: 250,
      promptTokens: 100,
      completionTokens: 6,
      totalTokens: 106,
    });
    expect(summariseRuns([])).toMatchObject({ count: 0, latencyP50Ms: 0, totalTokens: 0 });
  });
});
