// The answer-or-handoff trade-off of a confidence threshold, from evaluation
// results: raising it hands more answerable questions to people and lets
// fewer wrong or out-of-scope answers through. Used for a run's own metrics
// (at its configuration's threshold) and for the table admins choose from.
import type { EvaluationResult } from './evaluation.entity.js';

export interface CaseOutcome {
  /** The case expects no FAQ: the right outcome is a handoff. */
  outOfScope: boolean;
  /** The provider produced an answer (before any threshold). */
  hasAnswer: boolean;
  confidence: number;
  /** The answer cites one of the expected FAQs. */
  right: boolean;
}

export interface ThresholdPoint {
  threshold: number;
  /** Share of in-scope cases answered (the rest are handed off). */
  answerRate: number;
  /** Of the in-scope cases answered, the share citing an expected FAQ (null when none answered). */
  rightAnswerRate: number | null;
  /** Share of out-of-scope cases answered anyway (null without such cases). */
  outOfScopeAnswered: number | null;
}

export interface ThresholdTradeoffResult {
  runId: string;
  currentThreshold: number;
  cases: number;
  outOfScopeCases: number;
  points: ThresholdPoint[];
}

export const TRADEOFF_THRESHOLDS = Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100);

export function toOutcome(r: Pick<EvaluationResult, 'answer' | 'confidence' | 'citedFaqIds'>, expectedFaqIds: string[]): CaseOutcome {
  const expected = new Set(expectedFaqIds);
  return {
    outOfScope: expected.size === 0,
    hasAnswer: r.answer.trim() !== '',
    confidence: r.confidence,
    right: r.citedFaqIds.some((id) => expected.has(id)),
  };
}

export function atThreshold(outcomes: CaseOutcome[], threshold: number): Omit<ThresholdPoint, 'threshold'> {
  const answered = (o: CaseOutcome) => o.hasAnswer && o.confidence >= threshold;
  const inScope = outcomes.filter((o) => !o.outOfScope);
  const outOfScope = outcomes.filter((o) => o.outOfScope);
  const given = inScope.filter(answered);
  return {
    answerRate: inScope.length ? given.length / inScope.length : 0,
    rightAnswerRate: given.length ? given.filter((o) => o.right).length / given.length : null,
    outOfScopeAnswered: outOfScope.length ? outOfScope.filter(answered).length / outOfScope.length : null,
  };
}
