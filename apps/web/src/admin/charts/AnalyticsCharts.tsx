// Analytics charts (recharts): activity, response and resolution times, automation
// and handoff rates over time; handoff reasons, messages by author, CSAT by who
// resolved and the open ticket backlog. Each chart has a text summary for screen readers.
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReactElement } from 'react';
import { Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Granularity } from '@switchboard/schema/client';
import type { AnalyticsData } from '../AnalyticsPage';
import { authorTypeLabel, duration, handoffReasonLabel, humanize, percent } from '../../lib/format';

const COLORS = ['#4c6ef5', '#2f9e44', '#f76707', '#ae3ec9', '#1098ad', '#e03131', '#868e96'];

function bucketLabel(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  if (granularity === 'HOUR') return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export default function AnalyticsCharts({ data, granularity }: { data: AnalyticsData; granularity: Granularity }) {
  const series = data.timeseries.map((b) => ({ ...b, label: bucketLabel(b.start, granularity) }));
  const reasons = data.handoffReasons.map((r) => ({ name: handoffReasonLabel(r.label), count: r.count }));
  // The ten most frequent intents (a trained taxonomy may have dozens).
  const intents = data.conversationsByIntent.slice(0, 10).map((r) => ({ name: humanize(r.label), count: r.count }));
  const authors = data.messagesByAuthorType.filter((m) => m.count > 0).map((m) => ({ name: authorTypeLabel(m.label), value: m.count }));
  const csat = [
    { name: 'AI only', score: data.csatAi.score, ratings: data.csatAi.ratings },
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
      <ChartPanel
        id="timeseries"
        title="Activity"
        big
        height={280}
        summary={`${total} conversation(s) across ${series.length} ${granularity.toLowerCase()} bucket(s): created, resolved, handed off and AI answers.`}
      >
        <LineChart data={series} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
          {timeAxes}
          <YAxis allowDecimals={false} width={40} />
          <Tooltip />
          {lines(
            [
              ['conversationsCreated', 'Created', 0],
              ['resolved', 'Resolved', 1],
              ['handedOff', 'Handed off', 2],
              ['aiAnswers', 'AI answers', 3],
            ],
            { sparse: false },
          )}
        </LineChart>
      </ChartPanel>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ChartPanel
          id="times"
          title="Response and resolution times (median)"
          summary={`First response ${duration(data.firstResponseTime.medianSeconds)}, resolution ${duration(data.resolutionTime.medianSeconds)} over the range; per ${granularity.toLowerCase()} below.`}
        >
          <LineChart data={series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            {timeAxes}
            <YAxis yAxisId="first" width={64} tickFormatter={(v: number) => duration(v)} />
            <YAxis yAxisId="resolution" orientation="right" width={64} tickFormatter={(v: number) => duration(v)} />
            <Tooltip formatter={(v) => duration(Number(v))} />
            {lines([
              ['firstResponseMedianSeconds', 'First response', 0, 'first'],
              ['resolutionMedianSeconds', 'Resolution (right axis)', 1, 'resolution'],
            ])}
          </LineChart>
        </ChartPanel>
        <ChartPanel
          id="rates"
          title="Automated resolution and handoff rates"
          summary={`Resolved by AI alone ${percent(data.automatedResolutionRate)} of AI-handled conversations; handed off ${percent(data.handoffRate)} of all.`}
        >
          <LineChart data={rates} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
            {timeAxes}
            <YAxis domain={[0, 100]} unit="%" width={52} />
            <Tooltip formatter={(v) => `${v}%`} />
            {lines([
              ['automated', 'Resolved by AI alone', 3],
              ['handoff', 'Handed off', 2],
            ])}
          </LineChart>
        </ChartPanel>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2, lg: 4 }}>
        <ChartPanel
          id="handoffs"
          title="Handoff reasons"
          empty={reasons.length === 0 && 'No handoffs in this range.'}
          label={reasons.map((r) => `${r.name}: ${r.count}`).join(', ')}
        >
          <BarChart data={reasons} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Bar dataKey="count" name="Handoffs" fill={COLORS[2]} isAnimationActive={false} />
          </BarChart>
        </ChartPanel>
        <ChartPanel
          id="intents"
          title="Conversations by intent"
          empty={intents.length === 0 && 'No conversations in this range.'}
          label={intents.map((r) => `${r.name}: ${r.count}`).join(', ')}
        >
          <BarChart data={intents} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Bar dataKey="count" name="Conversations" fill={COLORS[1]} isAnimationActive={false} />
          </BarChart>
        </ChartPanel>
        <ChartPanel
          id="authors"
          title="Messages by author"
          empty={authors.length === 0 && 'No messages in this range.'}
          label={authors.map((a) => `${a.name}: ${a.value}`).join(', ')}
        >
          <PieChart>
            <Pie data={authors} dataKey="value" nameKey="name" innerRadius={45} outerRadius={75} isAnimationActive={false}>
              {authors.map((a, i) => (
                <Cell key={a.name} fill={COLORS[i % COLORS.length]} />
              ))}
            </Pie>
            <Tooltip />
            <Legend />
          </PieChart>
        </ChartPanel>
        <ChartPanel
          id="csat"
          title="CSAT: AI only vs with an agent"
          label={csat.map((c) => `${c.name}: ${c.score == null ? 'no ratings' : `${Math.round(c.score)}% of ${c.ratings}`}`).join(', ')}
        >
          <BarChart data={csat} margin={{ top: 4, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
            <YAxis domain={[0, 100]} unit="%" width={52} />
            <Tooltip formatter={(v) => `${v}%`} />
            <Bar dataKey="score" name="Positive ratings" fill={COLORS[1]} isAnimationActive={false} />
          </BarChart>
        </ChartPanel>
        <ChartPanel
          id="backlog"
          title="Open ticket backlog"
          empty={backlog.length === 0 && 'No open tickets.'}
          label={data.ticketBacklog.map((b) => `${humanize(b.status)}, ${humanize(b.priority).toLowerCase()}: ${b.count}`).join('; ')}
        >
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
        </ChartPanel>
      </SimpleGrid>
    </Stack>
  );
}

/** Grid and bucket axis of the charts over time. */
const timeAxes = [
  <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
  <XAxis key="x" dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />,
];

/**
 * One line per [field, name, colour index, y axis] and their legend. Counts are
 * dense (no dots); medians and rates have gaps, so their points show and are joined.
 */
function lines(specs: [dataKey: string, name: string, color: number, yAxisId?: string][], { sparse = true } = {}) {
  return [
    <Legend key="legend" />,
    ...specs.map(([dataKey, name, color, yAxisId]) => (
      <Line
        key={dataKey}
        {...(yAxisId ? { yAxisId } : {})}
        type="monotone"
        dataKey={dataKey}
        name={name}
        stroke={COLORS[color]}
        dot={sparse ? { r: 3 } : false}
        connectNulls={sparse}
        isAnimationActive={false}
      />
    )),
  ];
}

/**
 * A titled chart with its text equivalent for screen readers: the visible
 * `summary` names it, or else `label`; `empty` replaces the chart with a note.
 */
function ChartPanel({
  id,
  title,
  big = false,
  height = 220,
  summary,
  label,
  empty,
  children,
}: {
  id: string;
  title: string;
  big?: boolean;
  height?: number;
  summary?: string;
  label?: string;
  empty?: string | false;
  children: ReactElement;
}) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size={big ? 'h4' : 'h5'}>
        {title}
      </Title>
      {summary && (
        <Text size="xs" c="dimmed" mb="xs" id={`${id}-summary`}>
          {summary}
        </Text>
      )}
      {empty ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <div
          style={{ width: '100%', height }}
          data-testid={`analytics-${id}`}
          role="img"
          {...(summary ? { 'aria-labelledby': `${id}-summary` } : { 'aria-label': label })}
        >
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        </div>
      )}
    </Paper>
  );
}
