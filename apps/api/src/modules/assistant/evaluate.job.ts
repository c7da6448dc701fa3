// ai.evaluate: runs every case of a dataset through the same retrieval and
// generation pipeline as live answers, stores per-case results and the
// run's aggregate metrics, and publishes progress. Resumable: a retried job
// skips the cases that already have a result.
import { answerSimilarity, groundedness, hitRateAtK, mrr, percentile } from '@switchboard/ai';
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobContext, type JobDefinition } from '../../platform/queue.js';
import { EvaluationCase, EvaluationResult, EvaluationRun, EvaluationRunStatus, type RunMetrics } from './evaluation.entity.js';
import { ModelConfig } from './model-config.entity.js';
import { draftAnswer } from './answering.js';
import { atThreshold, toOutcome } from './tradeoff.js';

export interface EvaluateData {
  workspaceId: string;
  runId: string;
}

const PROGRESS_EVERY = 10;

function publishProgress(ctx: JobContext, run: EvaluationRun) {
  ctx.pubSub.publish('evaluation', run.id, { workspaceId: run.workspace.id, runId: run.id, status: run.status, done: run.done, total: run.total });
}

export function aggregate(results: EvaluationResult[], cases: Map<string, EvaluationCase>, k: number, threshold: number): RunMetrics {
  // Retrieval metrics count in-scope cases only (hitRateAtK and mrr skip cases expecting nothing).
  const retrieved = results.map((r) => r.retrievedFaqIds);
  const expected = results.map((r) => cases.get(r.evaluationCase.id)?.expectedFaqIds ?? []);
  const outcomes = results.map((r, i) => toOutcome(r, expected[i]!));
  const sims = results.map((r) => r.answerSimilarity).filter((x): x is number => x != null);
  const latencies = results.map((r) => r.latencyMs);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    cases: results.length,
    hitRateAt1: hitRateAtK(retrieved, expected, 1),
    hitRateAtK: hitRateAtK(retrieved, expected, k),
    mrr: mrr(retrieved, expected),
    answerSimilarity: sims.length ? mean(sims) : null,
    groundedness: mean(results.map((r) => r.groundedness)),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    promptTokens: results.reduce((a, r) => a + r.promptTokens, 0),
    completionTokens: results.reduce((a, r) => a + r.completionTokens, 0),
    ...atThreshold(outcomes, threshold),
    outOfScopeCases: outcomes.filter((o) => o.outOfScope).length,
  };
}

export const evaluateJob: JobDefinition<EvaluateData> = {
  name: 'ai.evaluate',
  queue: QUEUES.ai,
  attempts: 2,
  async handle({ workspaceId, runId }, ctx) {
    const em = forkFor(ctx.orm, workspaceId);
    const run = await em.findOne(EvaluationRun, { id: runId });
    if (!run || run.status === EvaluationRunStatus.COMPLETED) return { skipped: true };
    const mc = await em.findOneOrFail(ModelConfig, { id: run.modelConfig.id });
    const cases = await em.find(EvaluationCase, { dataset: run.dataset.id }, { orderBy: { id: 'asc' } });
    const doneIds = new Set((await em.find(EvaluationResult, { run: runId }, { fields: ['id', 'evaluationCase'] })).map((r) => r.evaluationCase.id));
    run.status = EvaluationRunStatus.RUNNING;
    run.done = doneIds.size;
    await em.flush();
    publishProgress(ctx, run);
    try {
      for (const c of cases) {
        if (doneIds.has(c.id)) continue;
        // Embedded PGlite answers without real I/O: let requests in between cases.
        await new Promise((r) => setImmediate(r));
        const started = performance.now();
        const { answer, hits } = await draftAnswer(ctx, em, workspaceId, mc, c.question, []);
        const latencyMs = Math.round(performance.now() - started);
        const retrievedFaqIds = hits.map((h) => h.faqId);
        const rank = retrievedFaqIds.findIndex((id) => c.expectedFaqIds.includes(id));
        let similarity: number | null = null;
        if (c.referenceAnswer && answer.answer) {
          const [a, b] = await ctx.ai.embedder.embed([answer.answer, c.referenceAnswer]);
          similarity = answerSimilarity(a!, b!);
        }
        const cited = new Set(answer.citations.map((x) => x.faqId));
        em.create(EvaluationResult, {
          workspace: workspaceId,
          run: runId,
          evaluationCase: c.id,
          retrievedFaqIds,
          answer: answer.answer,
          citedFaqIds: answer.answer.trim() ? [...new Set(answer.citations.map((x) => x.faqId))] : [],
          confidence: answer.confidence,
          reciprocalRank: rank >= 0 ? 1 / (rank + 1) : 0,
          answerSimilarity: similarity,
          groundedness: answer.answer
            ? groundedness(
                answer.answer,
                hits.filter((h) => cited.has(h.faqId)).map((h) => h.text),
              )
            : 0,
          latencyMs,
          promptTokens: answer.usage.promptTokens,
          completionTokens: answer.usage.completionTokens,
        });
        run.done += 1;
        await em.flush();
        if (run.done % PROGRESS_EVERY === 0) publishProgress(ctx, run);
      }
      const results = await em.find(EvaluationResult, { run: runId });
      run.metrics = aggregate(results, new Map(cases.map((c) => [c.id, c])), mc.k, mc.confidenceThreshold);
      run.status = EvaluationRunStatus.COMPLETED;
      run.finishedAt = new Date();
      await em.flush();
      publishProgress(ctx, run);
      return run.metrics;
    } catch (err) {
      if (ctx.lastAttempt) {
        run.status = EvaluationRunStatus.FAILED;
        run.error = (err as Error).message.slice(0, 1000);
        await em.flush();
        publishProgress(ctx, run);
      }
      throw err;
    }
  },
};
