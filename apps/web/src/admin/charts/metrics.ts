// Metric rows shared by the comparison table and chart (no chart code here, so the table does not load recharts).
import type { EvaluationRunFieldsFragment } from '@switchboard/schema/client';

type Metrics = NonNullable<EvaluationRunFieldsFragment['metrics']>;

export const QUALITY: { key: keyof Metrics; label: string }[] = [
  { key: 'hitRateAt1', label: 'Hit rate @1' },
  { key: 'hitRateAtK', label: 'Hit rate @k' },
  { key: 'mrr', label: 'MRR' },
  { key: 'answerSimilarity', label: 'Answer similarity' },
  { key: 'groundedness', label: 'Groundedness' },
];

export const LATENCY: { key: keyof Metrics; label: string }[] = [
  { key: 'latencyP50Ms', label: 'Latency p50' },
  { key: 'latencyP95Ms', label: 'Latency p95' },
];

export function runLabel(run: EvaluationRunFieldsFragment): string {
  return `v${run.modelConfig.version} ${run.modelConfig.name} · ${run.dataset.name}`;
}

export function comparisonRows(runs: EvaluationRunFieldsFragment[], metrics: { key: keyof Metrics; label: string }[], scale = 1) {
  return metrics.map((m) => {
    const row: Record<string, string | number | null> = { metric: m.label };
    runs.forEach((r, i) => {
      const v = r.metrics?.[m.key];
      row[`r${i}`] = typeof v === 'number' ? Math.round(v * scale * 10) / 10 : null;
    });
    return row;
  });
}
