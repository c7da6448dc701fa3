import { reciprocalRankFusion } from './fusion.js';

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
