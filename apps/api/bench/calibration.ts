// Answer-or-handoff calibration of the `local` provider, on the features the
// live path computes: every question goes through retrieve() (k = 5, the
// default configuration) and the local provider's answerFeatures().
//
//   npm run bench -w @switchboard/api -- calibration
//
// Questions: StackFAQ paraphrases (answerable; the dev/held-out split of
// stackfaq.ts) and our own out-of-scope set (bench/data/out-of-scope.json:
// other subjects, and on-topic questions no FAQ answers; every fifth held
// out). Prints the logistic fit on the dev parts (BENCH_FIT=1; the shipped
// coefficients are LOCAL_CONFIDENCE_MODEL), the reliability table and the
// threshold trade-off of the shipped model on both parts.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ANSWER_FEATURES, answerFeatures, fitLogistic, LOCAL_CONFIDENCE_MODELS, predictLogistic, type LogisticModel } from '@switchboard/ai';
import { forkFor } from '../src/platform/database.js';
import { retrieve } from '../src/modules/knowledge/retrieval.js';
import { round, table } from './ai-corpus.js';
import { seedStackfaq, stackfaqSplit } from './stackfaq.js';

const K = 5;
const log = (...args: unknown[]) => console.log(...args);

type Kind = 'answerable' | 'outOfDomain' | 'unanswerable';
interface Sample {
  kind: Kind;
  split: 'dev' | 'heldOut';
  x: number[] | null;
  /** The quoted (top-1) FAQ is the expected one. */
  right: boolean;
}

export function tradeoff(samples: Sample[], model: LogisticModel, thresholds: number[]) {
  return thresholds.map((t) => {
    const answered = (s: Sample) => s.x !== null && predictLogistic(model, s.x) >= t;
    const answerable = samples.filter((s) => s.kind === 'answerable');
    const given = answerable.filter(answered);
    const share = (kind: Kind) => {
      const of = samples.filter((s) => s.kind === kind);
      return of.length ? of.filter(answered).length / of.length : 0;
    };
    return {
      threshold: t,
      answerRate: given.length / answerable.length,
      rightAnswerRate: given.length ? given.filter((s) => s.right).length / given.length : 1,
      handedOff: 1 - given.length / answerable.length,
      outOfDomainAnswered: share('outOfDomain'),
      unanswerableAnswered: share('unanswerable'),
    };
  });
}

export async function main() {
  const kb = await seedStackfaq();
  try {
    const oos = JSON.parse(readFileSync(resolve(import.meta.dirname, 'data/out-of-scope.json'), 'utf8')) as Record<'outOfDomain' | 'unanswerable', string[]>;
    const questions: { text: string; kind: Kind; split: 'dev' | 'heldOut'; expected?: string }[] = [
      ...kb.queries.map((q, i) => ({ text: q.query, kind: 'answerable' as const, split: stackfaqSplit(i), expected: q.faqId })),
      ...(['outOfDomain', 'unanswerable'] as const).flatMap((kind) => oos[kind].map((text, i) => ({ text, kind, split: stackfaqSplit(i) }))),
    ];
    const em = forkFor(kb.orm, kb.workspaceId);
    const samples: Sample[] = [];
    for (const q of questions) {
      const [embedding] = await kb.deps.ai.embedder.embed([q.text]);
      const hits = await retrieve(kb.orm, em, kb.workspaceId, q.text, embedding!, K, { weights: kb.deps.ai.embedder.fusionWeights });
      samples.push({
        kind: q.kind,
        split: q.split,
        x: answerFeatures(hits),
        right: q.expected !== undefined && kb.datasetId.get(hits[0]?.faqId ?? '') === q.expected,
      });
    }
    const dev = samples.filter((s) => s.split === 'dev');
    const heldOut = samples.filter((s) => s.split === 'heldOut');

    let model = LOCAL_CONFIDENCE_MODELS[kb.deps.config.ai.localEmbedding];
    const mask = process.env.BENCH_FEATURES?.split(',').map(Number);
    if (mask) for (const s of samples) if (s.x) s.x = s.x.map((v, i) => (mask.includes(i) ? v : 0));
    if (process.env.BENCH_FIT === '1') {
      const fit = dev.filter((s) => s.x);
      model = fitLogistic(
        fit.map((s) => s.x!),
        fit.map((s) => (s.right ? 1 : 0)),
        { l2: 1e-3 },
      );
      log(
        `fitted on ${fit.length} dev questions, features [intercept, ${ANSWER_FEATURES.join(', ')}]: ${JSON.stringify(model.weights.map((w) => round(w, 2)))}`,
      );
    }
    log(`model: ${JSON.stringify(model.weights)}`);

    for (const [name, part] of [
      ['dev', dev],
      ['held-out', heldOut],
    ] as const) {
      const counts = (['answerable', 'outOfDomain', 'unanswerable'] as const).map((k) => `${k} ${part.filter((s) => s.kind === k).length}`).join(', ');
      log(`\n${name} (${counts}): reliability — of the questions given confidence in a bin, the share whose quoted FAQ is right\n`);
      const bins = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
      const rows: (string | number)[][] = [];
      for (let b = 0; b + 1 < bins.length; b++) {
        const inBin = part.filter((s) => s.x && predictLogistic(model, s.x) >= bins[b]! && predictLogistic(model, s.x) < bins[b + 1]!);
        if (!inBin.length) continue;
        const mean = inBin.reduce((a, s) => a + predictLogistic(model, s.x!), 0) / inBin.length;
        rows.push([
          `${bins[b]!.toFixed(1)}–${Math.min(1, bins[b + 1]!).toFixed(1)}`,
          inBin.length,
          round(mean, 3),
          round(inBin.filter((s) => s.right).length / inBin.length, 3),
        ]);
      }
      log(table(['confidence', 'questions', 'mean confidence', 'right'], rows));
      log(`\n${name}: threshold trade-off\n`);
      log(
        table(
          [
            'threshold',
            'answerable answered',
            'answers citing the right FAQ',
            'answerable handed off',
            'out-of-domain answered',
            'on-topic unanswerable answered',
          ],
          tradeoff(part, model, [0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7]).map((r) => [
            r.threshold,
            round(r.answerRate, 3),
            round(r.rightAnswerRate, 3),
            round(r.handedOff, 3),
            round(r.outOfDomainAnswered, 3),
            round(r.unanswerableAnswered, 3),
          ]),
        ),
      );
    }
  } finally {
    await kb.close();
  }
}
