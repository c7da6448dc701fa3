// How good is the offline intent classifier on real customer messages? Trains
// NearestCentroidIntentClassifier on BANKING77 (77 intents) with a
// deterministic stratified 80/20 split and reports accuracy, macro-F1, the
// majority-class baseline and prediction throughput. The data stays in
// ../shared/data beside the checkout (never copied into the repo); tests do not depend on it.
//   node --import @swc-node/register/esm-register scripts/eval-intent.ts [--dimensions 256] [--csv path]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { NearestCentroidIntentClassifier, type IntentExample } from '../src/index.js';

const { values } = parseArgs({
  options: {
    dimensions: { type: 'string', default: '256' },
    csv: { type: 'string', default: fileURLToPath(new URL('../../../../shared/data/banking77/train.csv', import.meta.url)) },
    seed: { type: 'string', default: '77' },
  },
});
const dimensions = Number(values.dimensions);

const rows = parse(readFileSync(values.csv), { columns: true, skip_empty_lines: true, trim: true }) as { text: string; category: string }[];
const examples: IntentExample[] = rows.map((r) => ({ text: r.text, label: r.category }));

// mulberry32: a tiny seeded PRNG so the split is identical on every run.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Stratified: 20% of every label goes to test, chosen by a seeded shuffle.
const random = rng(Number(values.seed));
const byLabel = new Map<string, IntentExample[]>();
for (const e of examples) byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), e]);
const train: IntentExample[] = [];
const test: IntentExample[] = [];
for (const label of [...byLabel.keys()].sort()) {
  const items = byLabel.get(label)!;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  const cut = Math.round(items.length * 0.2);
  test.push(...items.slice(0, cut));
  train.push(...items.slice(cut));
}

const fitStart = performance.now();
const classifier = new NearestCentroidIntentClassifier({ dimensions }).fit(train);
const fitMs = performance.now() - fitStart;

const predictStart = performance.now();
const predicted = test.map((e) => classifier.predict(e.text).label);
const predictMs = performance.now() - predictStart;

const correct = predicted.filter((p, i) => p === test[i]!.label).length;
const labels = [...byLabel.keys()];
const f1s = labels.map((label) => {
  const tp = predicted.filter((p, i) => p === label && test[i]!.label === label).length;
  const fp = predicted.filter((p, i) => p === label && test[i]!.label !== label).length;
  const fn = predicted.filter((p, i) => p !== label && test[i]!.label === label).length;
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
});
const trainCounts = new Map<string, number>();
for (const e of train) trainCounts.set(e.label, (trainCounts.get(e.label) ?? 0) + 1);
const majority = [...trainCounts].sort((a, b) => b[1] - a[1])[0]![0];
const baseline = test.filter((e) => e.label === majority).length / test.length;

console.log(
  `BANKING77 train.csv: ${examples.length} examples, ${labels.length} intents; split train=${train.length} test=${test.length} (stratified 80/20, seed ${values.seed})`,
);
console.log(`NearestCentroidIntentClassifier (hashed embedding, ${dimensions} dims)`);
console.log(`accuracy  ${(correct / test.length).toFixed(4)} (${correct}/${test.length})`);
console.log(`macro-F1  ${(f1s.reduce((a, b) => a + b, 0) / f1s.length).toFixed(4)}`);
console.log(`baseline  ${baseline.toFixed(4)} (always "${majority}")`);
console.log(`fit       ${fitMs.toFixed(0)} ms for ${train.length} examples (${Math.round(train.length / (fitMs / 1000))}/s)`);
console.log(`predict   ${predictMs.toFixed(0)} ms for ${test.length} texts (${Math.round(test.length / (predictMs / 1000))}/s)`);
