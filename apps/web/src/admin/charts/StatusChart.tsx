import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatusPoint } from '../StatusPage';

export default function StatusChart({ points }: { points: StatusPoint[] }) {
  const data = points.map((p) => ({ ...p, time: new Date(p.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) }));
  return (
    <div style={{ width: '100%', height: 260 }} data-testid="status-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, left: 0, bottom: 0 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="time" tick={{ fontSize: 11 }} minTickGap={32} />
          <YAxis yAxisId="ms" unit=" ms" width={60} />
          <YAxis yAxisId="mb" orientation="right" unit=" MB" width={64} />
          <Tooltip />
          <Legend />
          <Line yAxisId="ms" type="monotone" dataKey="eventLoopLagMs" name="Event-loop lag (ms)" stroke="#4c6ef5" dot={false} isAnimationActive={false} />
          <Line yAxisId="mb" type="monotone" dataKey="heapUsedMb" name="Heap used (MB)" stroke="#f76707" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
