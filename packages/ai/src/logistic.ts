// Binary logistic regression, fitted by Newton's method (IRLS) with an L2
// penalty: small, deterministic and exact enough for the handful of features a
// confidence model uses. p = σ(w0 + Σ wi·xi).

export interface LogisticModel {
  /** Intercept first, then one weight per feature. */
  weights: number[];
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function predictLogistic(model: LogisticModel, x: number[]): number {
  let z = model.weights[0]!;
  for (let i = 0; i < x.length; i++) z += model.weights[i + 1]! * x[i]!;
  return sigmoid(z);
}

/** Solves A·x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    if (Math.abs(pivot) < 1e-12) throw new Error('singular system while fitting the logistic regression');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / pivot;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Fits weights to rows `x` (features) and labels `y` (0/1). `l2` penalises
 * the feature weights, not the intercept.
 */
export function fitLogistic(x: number[][], y: number[], options: { l2?: number; iterations?: number } = {}): LogisticModel {
  if (x.length !== y.length || !x.length) throw new RangeError('fitLogistic needs as many labels as rows, and at least one row');
  const l2 = options.l2 ?? 1e-3;
  const d = x[0]!.length + 1;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < (options.iterations ?? 50); it++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < x.length; i++) {
      const row = [1, ...x[i]!];
      const p = predictLogistic({ weights: w }, x[i]!);
      const s = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < d; a++) {
        grad[a]! += (p - y[i]!) * row[a]!;
        for (let b = 0; b < d; b++) hess[a]![b]! += s * row[a]! * row[b]!;
      }
    }
    for (let a = 1; a < d; a++) {
      grad[a]! += l2 * x.length * w[a]!;
      hess[a]![a]! += l2 * x.length;
    }
    const step = solve(hess, grad);
    w = w.map((v, i) => v - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { weights: w };
}
