// Analytics charts (recharts): activity, response and resolution times, automation
// and handoff rates over time; handoff reasons, messages by author, CSAT by who
// resolved and the open ticket backlog. Each chart has a text summary for screen readers.
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Granularity } from '@switchboard/schema/client';
import type { AnalyticsData } from '../AnalyticsPage';
import { duration, humanize, percent } from '../../lib/format';

const COLORS = ['#4c6ef5', '#2f9e44', '#f76707', '#ae3ec9', '#1098ad', '#e03131', '#868e96'];

function bucketLabel(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  if (granularity === 'HOUR') return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export default function AnalyticsCharts({ data, granularity }: { data: AnalyticsData; granularity: Granularity }) {
  const series = data.timeseries.map((b) => ({ ...b, label: bucketLabel(b.start, granularity) }));
  const reasons = data.handoffReasons.map((r) => ({ name: humanize(r.label), count: r.count }));
  const authors = data.messagesByAuthorType.filter((m) => m.count > 0).map((m) => ({ name: humanize(m.label), value: m.count }));
  const csat = [
    { name: 'Resolved by AI', score: data.csatAi.score, ratings: data.csatAi.ratings },
    { name: 'With an agent', score: data.csatHuman.score, ratings: data.csatHuman.ratings },
  ];
  const total = series.reduce((s, b) => s + b.conversationsCreated, 0);
  const rates = series.map((b) => ({
    label: b.label,
    automated: b.aiHandled ? Math.round((b.resolvedByAi / b.aiHandled) * 1000) / 10 : null,
    handoff: b.conversationsCreated ? Math.round((b.handedOff / b.conversationsCreated) * 1000) / 10 : null,
  }));
  const priorities = [...new Set(data.ticketBacklog.map((b) => b.priority))];
  const backlog = [...new Set(data.ticketBacklog.map((b) => b.status))].map((status) => ({
    status: humanize(status),
    ...Object.fromEntries(data.ticketBacklog.filter((b) => b.status === status).map((b) => [b.priority, b.count])),
  }));

  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4">
          Activity
        </Title>
        <Text size="xs" c="dimmed" mb="xs" id="activity-summary">
          {total} conversation(s) across {series.length} {granularity.toLowerCase()} bucket(s): created, resolved, handed off and AI answers.
        </Text>
        <div style={{ width: '100%', height: 280 }} data-testid="analytics-timeseries" role="img" aria-labelledby="activity-summary">
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
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h5">
            Response and resolution times (median)
          </Title>
          <Text size="xs" c="dimmed" mb="xs" id="times-summary">
            First response {duration(data.firstResponseTime.medianSeconds)}, resolution {duration(data.resolutionTime.medianSeconds)} over the range; per {granularity.toLowerCase()} below.
          </Text>
          <div style={{ width: '100%', height: 220 }} data-testid="analytics-times" role="img" aria-labelledby="times-summary">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
                <YAxis yAxisId="first" width={56} tickFormatter={(v: number) => duration(v)} />
                <YAxis yAxisId="resolution" orientation="right" width={56} tickFormatter={(v: number) => duration(v)} />
                <Tooltip formatter={(v) => duration(Number(v))} />
                <Legend />
                <Line yAxisId="first" type="monotone" dataKey="firstResponseMedianSeconds" name="First response" stroke={COLORS[0]} connectNulls isAnimationActive={false} />
                <Line yAxisId="resolution" type="monotone" dataKey="resolutionMedianSeconds" name="Resolution (right axis)" stroke={COLORS[1]} connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5">
            Automated resolution and handoff rates
          </Title>
          <Text size="xs" c="dimmed" mb="xs" id="rates-summary">
            Resolved by AI alone {percent(data.automatedResolutionRate)} of AI-handled conversations; handed off {percent(data.handoffRate)} of all.
          </Text>
          <div style={{ width: '100%', height: 220 }} data-testid="analytics-rates" role="img" aria-labelledby="rates-summary">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={rates} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
                <YAxis domain={[0, 100]} unit="%" width={52} />
                <Tooltip formatter={(v) => `${v}%`} />
                <Legend />
                <Line type="monotone" dataKey="automated" name="Resolved by AI alone" stroke={COLORS[3]} connectNulls isAnimationActive={false} />
                <Line type="monotone" dataKey="handoff" name="Handed off" stroke={COLORS[2]} connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </Paper>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2, lg: 4 }}>
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
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis domain={[0, 100]} unit="%" width={52} />
                <Tooltip formatter={(v) => `${v}%`} />
                <Bar dataKey="score" name="Positive ratings" fill={COLORS[1]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5">
            Open ticket backlog
          </Title>
          {backlog.length === 0 ? (
            <Text size="sm" c="dimmed">
              No open tickets.
            </Text>
          ) : (
            <div
              style={{ width: '100%', height: 220 }}
              data-testid="analytics-backlog"
              role="img"
              aria-label={data.ticketBacklog.map((b) => `${humanize(b.status)}, ${humanize(b.priority).toLowerCase()}: ${b.count}`).join('; ')}
            >
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={backlog} margin={{ top: 4, right: 8, left: 0, bottom: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="status" tick={{ fontSize: 11 }} />
                  <YAxis allowDecimals={false} width={36} />
                  <Tooltip />
                  <Legend />
                  {priorities.map((p, i) => (
                    <Bar key={p} dataKey={p} name={humanize(p)} stackId="backlog" fill={COLORS[(i + 4) % COLORS.length]} isAnimationActive={false} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
