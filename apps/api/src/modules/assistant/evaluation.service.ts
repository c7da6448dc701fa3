// Evaluation datasets (imported from JSON) and runs.
import { enqueueWith } from '../../platform/outbox.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import type { Scope } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { badInput, conflict, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { audit } from '../audit/index.js';
import { Faq } from '../knowledge/index.js';
import { evaluateJob } from './evaluate.job.js';
import { EvaluationCase, EvaluationDataset, EvaluationResult, EvaluationRun, EvaluationRunStatus } from './evaluation.entity.js';
import { ModelConfigService } from './model-config.service.js';
import { atThreshold, toOutcome, TRADEOFF_THRESHOLDS, type ThresholdTradeoffResult } from './tradeoff.js';

export const MAX_CASES = 5000;

const datasetSchema = z.object({
  cases: z
    .array(
      z.object({
        question: z.string().trim().min(1).max(2000),
        // Empty: an out-of-scope question, whose right outcome is a handoff.
        expectedFaqIds: z.array(z.string().uuid()).max(20),
        referenceAnswer: z.string().max(20000).optional(),
      }),
    )
    .min(1)
    .max(MAX_CASES),
});

export class EvaluationService {
  constructor(private readonly scope: Scope) {}

  async importDataset(name: string, json: string): Promise<EvaluationDataset> {
    const me = staff(this.scope.actor);
    if (!name.trim() || name.trim().length > 120) throw badInput('name must be 1 to 120 characters (not only spaces)', 'name');
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw badInput(`Dataset is not valid JSON: ${(err as Error).message}`, 'json');
    }
    const parsed = datasetSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badInput(`Invalid dataset at ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'json');
    }
    const { cases } = parsed.data;
    const faqIds = [...new Set(cases.flatMap((c) => c.expectedFaqIds))];
    const known = await this.scope.em.count(Faq, { id: { $in: faqIds } });
    if (known !== faqIds.length) throw badInput(`${faqIds.length - known} expected FAQ id(s) do not exist in this workspace`, 'json');
    try {
      return await this.scope.em.transactional(async (em) => {
        const dataset = em.create(EvaluationDataset, { workspace: me.workspaceId, name: name.trim() });
        for (const c of cases) {
          em.create(EvaluationCase, {
            workspace: me.workspaceId,
            dataset,
            question: c.question,
            expectedFaqIds: c.expectedFaqIds,
            referenceAnswer: c.referenceAnswer ?? null,
          });
        }
        audit({ ...this.scope, em }, me.workspaceId, {
          action: 'evaluation_dataset.import',
          targetType: 'EvaluationDataset',
          targetId: dataset.id,
          metadata: { cases: cases.length },
        });
        return dataset;
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw conflict('A dataset with this name already exists');
      throw err;
    }
  }

  datasets() {
    return this.scope.em.find(EvaluationDataset, {}, { orderBy: { createdAt: 'desc' } });
  }

  async startRun(datasetId: string, modelConfigId: string): Promise<EvaluationRun> {
    const me = staff(this.scope.actor);
    assertId(datasetId, 'datasetId');
    const dataset = await this.scope.em.findOne(EvaluationDataset, { id: datasetId });
    if (!dataset) throw notFound('Evaluation dataset');
    const mc = await new ModelConfigService(this.scope).get(modelConfigId);
    const total = await this.scope.em.count(EvaluationCase, { dataset });
    const run = this.scope.em.create(EvaluationRun, { workspace: me.workspaceId, dataset, modelConfig: mc, total });
    audit(this.scope, me.workspaceId, { action: 'evaluation_run.start', targetType: 'EvaluationRun', targetId: run.id });
    const job = enqueueWith(this.scope.em, evaluateJob, { workspaceId: me.workspaceId, runId: run.id }, { jobId: run.id });
    await this.scope.em.flush();
    await this.scope.deps.outbox.dispatch([job]);
    return run;
  }

  async run(id: string): Promise<EvaluationRun> {
    assertId(id);
    const run = await this.scope.em.findOne(EvaluationRun, { id });
    if (!run) throw notFound('Evaluation run');
    return run;
  }

  runs() {
    return this.scope.em.find(EvaluationRun, {}, { orderBy: { createdAt: 'desc' }, limit: 100 });
  }

  /**
   * What each threshold would have done on the configuration's latest
   * completed run (null before its first run). The run's answers are kept
   * with their confidence, so no case is re-run.
   */
  async thresholdTradeoff(modelConfigId: string): Promise<ThresholdTradeoffResult | null> {
    const mc = await new ModelConfigService(this.scope).get(modelConfigId);
    const run = await this.scope.em.findOne(
      EvaluationRun,
      { modelConfig: mc.id, status: EvaluationRunStatus.COMPLETED },
      { orderBy: { finishedAt: 'desc', id: 'desc' } },
    );
    if (!run) return null;
    const results = await this.scope.em.find(EvaluationResult, { run: run.id });
    const cases = new Map((await this.scope.em.find(EvaluationCase, { dataset: run.dataset.id })).map((c) => [c.id, c]));
    const outcomes = results.map((r) => toOutcome(r, cases.get(r.evaluationCase.id)?.expectedFaqIds ?? []));
    return {
      runId: run.id,
      currentThreshold: mc.confidenceThreshold,
      cases: outcomes.length,
      outOfScopeCases: outcomes.filter((o) => o.outOfScope).length,
      points: TRADEOFF_THRESHOLDS.map((t) => ({ threshold: t, ...atThreshold(outcomes, t) })),
    };
  }

  async compare(ids: string[]): Promise<EvaluationRun[]> {
    if (ids.length < 1 || ids.length > 10) throw badInput('Compare 1 to 10 runs', 'ids');
    ids.forEach((id) => assertId(id, 'ids'));
    const runs = await this.scope.em.find(EvaluationRun, { id: { $in: ids } });
    if (runs.length !== new Set(ids).size) throw notFound('Evaluation run');
    return ids.map((id) => runs.find((r) => r.id === id)!);
  }
}
