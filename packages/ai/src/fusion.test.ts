import { fuseNormalized, reciprocalRankFusion } from './fusion.js';

describe('reciprocal rank fusion', () => {
  it('sums 1/(k + rank) over lists', () => {
    const fused = reciprocalRankFusion([
      [
        { id: 'a', score: 0.9 },
        { id: 'b', score: 0.8 },
        { id: 'c', score: 0.7 },
      ],
      [
        { id: 'c', score: 12 },
        { id: 'a', score: 3 },
      ],
    ]);
    expect(fused.map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[2]!.score).toBeCloseTo(1 / 62, 12);
  });

  it('ranks each list by its own scores, whatever the input order', () => {
    const fused = reciprocalRankFusion(
      [
        [
          { id: 'low', score: 0.1 },
          { id: 'high', score: 0.9 },
        ],
      ],
      1,
    );
    expect(fused).toEqual([
      { id: 'high', score: 1 / 2 },
      { id: 'low', score: 1 / 3 },
    ]);
  });

  it('counts an id once per list, breaks ties by id and handles empty input', () => {
    const fused = reciprocalRankFusion([
      [
        { id: 'x', score: 1 },
        { id: 'x', score: 0.5 },
      ],
      [{ id: 'y', score: 1 }],
    ]);
    expect(fused).toEqual([
      { id: 'x', score: 1 / 61 },
      { id: 'y', score: 1 / 61 },
    ]);
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
    expect(() => reciprocalRankFusion([], -1)).toThrow(RangeError);
  });
});

describe('fuseNormalized', () => {
  it('divides lexical scores by the best one, keeps cosines as they are, and sums with the weights', () => {
    const fused = fuseNormalized(
      [
        { id: 'a', score: 10 },
        { id: 'b', score: 5 },
      ],
      [
        { id: 'b', score: 0.9 },
        { id: 'c', score: 0.5 },
        { id: 'd', score: -0.2 },
      ],
      { lexical: 0.6, vector: 0.4 },
    );
    expect(fused.map((f) => f.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(fused[0]).toEqual({ id: 'b', lexical: 0.5, vector: 0.9, score: expect.closeTo(0.6 * 0.5 + 0.4 * 0.9) });
    expect(fused[1]).toEqual({ id: 'a', lexical: 1, vector: 0, score: expect.closeTo(0.6) });
    expect(fused[3]).toEqual({ id: 'd', lexical: 0, vector: 0, score: 0 });
  });

  it('works with either leg empty, and breaks ties by id', () => {
    expect(fuseNormalized([], [{ id: 'x', score: 0.3 }]).map((f) => f.id)).toEqual(['x']);
    expect(
      fuseNormalized(
        [
          { id: 'y', score: 2 },
          { id: 'x', score: 2 },
        ],
        [],
      ).map((f) => f.id),
    ).toEqual(['x', 'y']);
    expect(fuseNormalized([], [])).toEqual([]);
  });
});
