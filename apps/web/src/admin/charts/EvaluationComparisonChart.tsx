// Side-by-side metrics of evaluation runs (recharts). Quality metrics share a
// 0–100 % axis; latency gets its own chart in milliseconds.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvaluationRunFieldsFragment } from '@switchboard/schema/client';
import { comparisonRows, LATENCY, QUALITY, runLabel } from './metrics';

const COLORS = ['#4c6ef5', '#f76707', '#2f9e44', '#ae3ec9', '#1098ad', '#e03131'];

export default function EvaluationComparisonChart({ runs }: { runs: EvaluationRunFieldsFragment[] }) {
  const quality = comparisonRows(runs, QUALITY, 100);
  const latency = comparisonRows(runs, LATENCY);
  const bars = runs.map((r, i) => <Bar key={r.id} dataKey={`r${i}`} name={runLabel(r)} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />);
  return (
    <div data-testid="comparison-chart">
      <figure style={{ margin: 0 }}>
        <figcaption style={{ fontWeight: 600, fontSize: 14 }}>Retrieval and answer quality (%)</figcaption>
        <div style={{ width: '100%', height: 300 }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={quality} margin={{ top: 10, right: 10, left: 0, bottom: 0 }} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="metric" tick={{ fontSize: 12 }} />
              <YAxis domain={[0, 100]} unit="%" width={52} />
              <Tooltip formatter={(v) => `${v}%`} />
              <Legend />
              {bars}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure style={{ margin: '16px 0 0' }}>
        <figcaption style={{ fontWeight: 600, fontSize: 14 }}>Latency (ms)</figcaption>
        <div style={{ width: '100%', height: 220 }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={latency} margin={{ top: 10, right: 10, left: 0, bottom: 0 }} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="metric" tick={{ fontSize: 12 }} />
              <YAxis unit=" ms" width={64} />
              <Tooltip formatter={(v) => `${v} ms`} />
              <Legend />
              {bars}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}
