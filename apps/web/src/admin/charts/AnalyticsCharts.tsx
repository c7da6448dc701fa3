// Analytics charts (recharts): activity over time, handoff reasons, messages by
// author and CSAT by who resolved. Each chart has a text summary for screen readers.
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Granularity } from '@switchboard/schema/client';
import type { AnalyticsData } from '../AnalyticsPage';

const COLORS = ['#4c6ef5', '#2f9e44', '#f76707', '#ae3ec9', '#1098ad', '#e03131', '#868e96'];

function bucketLabel(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  if (granularity === 'HOUR') return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

function humanLabel(s: string): string {
  const t = s.replace(/[_-]+/g, ' ').toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export default function AnalyticsCharts({ data, granularity }: { data: AnalyticsData; granularity: Granularity }) {
  const series = data.timeseries.map((b) => ({ ...b, label: bucketLabel(b.start, granularity) }));
  const reasons = data.handoffReasons.map((r) => ({ name: humanLabel(r.label), count: r.count }));
  const authors = data.messagesByAuthorType.filter((m) => m.count > 0).map((m) => ({ name: humanLabel(m.label), value: m.count }));
  const csat = [
    { name: 'Resolved by AI', score: data.csatAi.score, ratings: data.csatAi.ratings },
    { name: 'With an agent', score: data.csatHuman.score, ratings: data.csatHuman.ratings },
  ];
  const total = series.reduce((s, b) => s + b.conversationsCreated, 0);

  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4">
          Activity
        </Title>
        <Text size="xs" c="dimmed" mb="xs" id="activity-summary">
          {total} conversation(s) across {series.length} {granularity.toLowerCase()} bucket(s): created, resolved, handed off and AI answers.
        </Text>
        <div style={{ width: '100%', height: 280 }} data-testid="analytics-timeseries" role="img" aria-describedby="activity-summary">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={series} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
              <YAxis allowDecimals={false} width={40} />
              <Tooltip />
              <Legend />
              <Line type="monotone" dataKey="conversationsCreated" name="Created" stroke={COLORS[0]} dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="resolved" name="Resolved" stroke={COLORS[1]} dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="handedOff" name="Handed off" stroke={COLORS[2]} dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="aiAnswers" name="AI answers" stroke={COLORS[3]} dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h5">
            Handoff reasons
          </Title>
          {reasons.length === 0 ? (
            <Text size="sm" c="dimmed">
              No handoffs in this range.
            </Text>
          ) : (
            <div style={{ width: '100%', height: 220 }} data-testid="analytics-handoffs" role="img" aria-label={reasons.map((r) => `${r.name}: ${r.count}`).join(', ')}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={reasons} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" allowDecimals={false} />
                  <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} />
                  <Tooltip />
                  <Bar dataKey="count" name="Handoffs" fill={COLORS[2]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5">
            Messages by author
          </Title>
          {authors.length === 0 ? (
            <Text size="sm" c="dimmed">
              No messages in this range.
            </Text>
          ) : (
            <div style={{ width: '100%', height: 220 }} data-testid="analytics-authors" role="img" aria-label={authors.map((a) => `${a.name}: ${a.value}`).join(', ')}>
              <ResponsiveContainer width="100%" height="100%">
                <PieChart>
                  <Pie data={authors} dataKey="value" nameKey="name" innerRadius={45} outerRadius={75} isAnimationActive={false}>
                    {authors.map((a, i) => (
                      <Cell key={a.name} fill={COLORS[i % COLORS.length]} />
                    ))}
                  </Pie>
                  <Tooltip />
                  <Legend />
                </PieChart>
              </ResponsiveContainer>
            </div>
          )}
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5">
            CSAT by who resolved
          </Title>
          <div
            style={{ width: '100%', height: 220 }}
            data-testid="analytics-csat"
            role="img"
            aria-label={csat.map((c) => `${c.name}: ${c.score == null ? 'no ratings' : `${Math.round(c.score)}% of ${c.ratings}`}`).join(', ')}
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={csat.map((c) => ({ ...c, score: c.score ?? 0 }))} margin={{ top: 4, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} />
                <YAxis domain={[0, 100]} unit="%" width={44} />
                <Tooltip formatter={(v) => `${v}%`} />
                <Bar dataKey="score" name="Positive ratings" fill={COLORS[1]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
