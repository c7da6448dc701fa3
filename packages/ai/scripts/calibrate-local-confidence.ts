// Fits the `local` provider's confidence (LOCAL_CONFIDENCE in
// src/local-provider.ts): a logistic regression of "the top retrieved chunk
// belongs to the expected FAQ" on (top score, margin over the best other FAQ),
// using StackFAQ paraphrase queries against chunked FAQs and the hashed
// embedding. Re-run after changing the embedding or the chunking, then copy
// the printed coefficients.
//   node --import @swc-node/register/esm-register scripts/calibrate-local-confidence.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chunkFaq, cosine, hashedEmbedding, localConfidence } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/data/stackfaq/', import.meta.url));
const faqs = JSON.parse(readFileSync(`${dataDir}faqs.json`, 'utf8')) as { id: string; question: string; answer: string }[];
const queries = JSON.parse(readFileSync(`${dataDir}queries.dev.json`, 'utf8')) as { query: string; faqId: string }[];

const chunks: { faqId: string; vector: number[] }[] = [];
for (const faq of faqs) {
  for (const text of await chunkFaq(faq)) chunks.push({ faqId: faq.id, vector: hashedEmbedding(text) });
}

const rows = queries.map(({ query, faqId }) => {
  const q = hashedEmbedding(query);
  const scored = chunks.map((c) => ({ faqId: c.faqId, score: cosine(q, c.vector) })).sort((a, b) => b.score - a.score);
  const top = scored[0]!;
  const second = scored.find((c) => c.faqId !== top.faqId)?.score ?? 0;
  return { top: top.score, margin: Math.max(0, top.score - second), y: top.faqId === faqId ? 1 : 0 };
});

// Newton–Raphson on the logistic log-likelihood (3 parameters, converges in a few steps).
let w = [0, 0, 0];
const x = (r: (typeof rows)[number]) => [1, r.top, r.margin];
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
for (let iter = 0; iter < 50; iter++) {
  const g = [0, 0, 0];
  const h = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (const r of rows) {
    const xi = x(r);
    const p = sigmoid(xi.reduce((s, v, j) => s + v * w[j]!, 0));
    for (let a = 0; a < 3; a++) {
      g[a]! += (r.y - p) * xi[a]!;
      for (let b = 0; b < 3; b++) h[a]![b]! -= p * (1 - p) * xi[a]! * xi[b]!;
    }
  }
  // Solve h · step = g (3×3, Cramer's rule), w -= step.
  const det = (m: number[][]) =>
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const d = det(h);
  const step = [0, 1, 2].map((c) => det(h.map((row, i) => row.map((v, j) => (j === c ? g[i]! : v)))) / d);
  w = w.map((v, j) => v - step[j]!);
  if (Math.max(...step.map(Math.abs)) < 1e-9) break;
}

const accuracy = rows.reduce((s, r) => s + r.y, 0) / rows.length;
const logLoss = (p: (r: (typeof rows)[number]) => number) =>
  -rows.reduce((s, r) => s + Math.log(Math.min(1 - 1e-12, Math.max(1e-12, r.y ? p(r) : 1 - p(r)))), 0) / rows.length;
console.log(`queries=${rows.length} chunks=${chunks.length} top-1 FAQ accuracy=${accuracy.toFixed(3)}`);
console.log(`fitted: b0=${w[0]!.toFixed(2)} b1=${w[1]!.toFixed(2)} b2=${w[2]!.toFixed(2)}`);
console.log(`log loss: fitted=${logLoss((r) => sigmoid(w[0]! + w[1]! * r.top + w[2]! * r.margin)).toFixed(4)} constant=${logLoss(() => accuracy).toFixed(4)}`);

console.log('reliability of the shipped localConfidence (bin: n, mean confidence, observed accuracy):');
for (let lo = 0; lo < 1; lo += 0.2) {
  const bin = rows.filter((r) => {
    const c = localConfidence(r.top, r.top - r.margin);
    return c >= lo && (c < lo + 0.2 || (lo >= 0.8 && c <= 1));
  });
  if (bin.length === 0) continue;
  const meanC = bin.reduce((s, r) => s + localConfidence(r.top, r.top - r.margin), 0) / bin.length;
  const acc = bin.reduce((s, r) => s + r.y, 0) / bin.length;
  console.log(`  [${lo.toFixed(1)}, ${(lo + 0.2).toFixed(1)}): n=${bin.length} conf=${meanC.toFixed(3)} acc=${acc.toFixed(3)}`);
}
console.log('accuracy by top score (for the floor):');
for (const t of [0.05, 0.1, 0.15, 0.2, 0.25, 0.3]) {
  const below = rows.filter((r) => r.top < t);
  console.log(`  top < ${t}: n=${below.length} acc=${below.length ? (below.reduce((s, r) => s + r.y, 0) / below.length).toFixed(3) : '-'}`);
}
