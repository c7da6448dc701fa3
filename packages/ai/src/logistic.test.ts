import { fitLogistic, predictLogistic } from './logistic.js';

describe('logistic regression', () => {
  it('recovers the coefficients that generated the labels', () => {
    // Deterministic pseudo-random data from p = σ(-1 + 3·x1 - 2·x2).
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const row = [rand() * 2, rand() * 2];
      x.push(row);
      y.push(rand() < 1 / (1 + Math.exp(-(-1 + 3 * row[0]! - 2 * row[1]!))) ? 1 : 0);
    }
    const model = fitLogistic(x, y, { l2: 0 });
    expect(model.weights[0]).toBeCloseTo(-1, 0);
    expect(model.weights[1]).toBeCloseTo(3, 0);
    expect(model.weights[2]).toBeCloseTo(-2, 0);
    expect(predictLogistic(model, [2, 0])).toBeGreaterThan(0.9);
    expect(predictLogistic(model, [0, 2])).toBeLessThan(0.01);
  });

  it('stays finite on separable data thanks to the penalty', () => {
    const model = fitLogistic([[0], [0.1], [0.9], [1]], [0, 0, 1, 1], { l2: 0.01 });
    expect(model.weights.every(Number.isFinite)).toBe(true);
    expect(predictLogistic(model, [1])).toBeGreaterThan(0.5);
    expect(predictLogistic(model, [0])).toBeLessThan(0.5);
  });

  it('rejects mismatched input', () => {
    expect(() => fitLogistic([[1]], [1, 0])).toThrow(RangeError);
    expect(() => fitLogistic([], [])).toThrow(RangeError);
  });
});
