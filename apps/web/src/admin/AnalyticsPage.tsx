import { lazy, Suspense, useMemo, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import { Badge, Button, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import {
  AnalyticsDocument,
  ExportConversationsDocument,
  ModelConfigsDocument,
  type AnalyticsQuery,
  type Channel,
  type ConversationMode,
  type ExportFormat,
  type Granularity,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { humanize, percent } from '../lib/format';
import { Page } from './Page';

const AnalyticsCharts = lazy(() => import('./charts/AnalyticsCharts'));

export type AnalyticsData = AnalyticsQuery['analytics'];

const RANGES: { value: string; label: string; days: number; granularity: Granularity }[] = [
  { value: '1d', label: '24 hours', days: 1, granularity: 'HOUR' },
  { value: '7d', label: '7 days', days: 7, granularity: 'DAY' },
  { value: '30d', label: '30 days', days: 30, granularity: 'DAY' },
  { value: '84d', label: '12 weeks', days: 84, granularity: 'WEEK' },
];

/** The range ends at the next full hour, so it stays stable (and cached) for a while. */
export function rangeFor(days: number, now = new Date()): { from: string; to: string } {
  const to = new Date(now);
  to.setUTCMinutes(0, 0, 0);
  to.setUTCHours(to.getUTCHours() + 1);
  const from = new Date(to.getTime() - days * 86_400_000);
  return { from: from.toISOString(), to: to.toISOString() };
}

export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export default function AnalyticsPage() {
  const [rangeKey, setRangeKey] = useState('7d');
  const [mode, setMode] = useState<ConversationMode | null>(null);
  const [channel, setChannel] = useState<Channel | null>(null);
  const preset = RANGES.find((r) => r.value === rangeKey)!;
  const range = useMemo(() => rangeFor(preset.days), [preset.days]);
  const { data, loading, error, refetch } = useQuery(AnalyticsDocument, {
    // No `filter` at all when unfiltered: the API rejects `filter: null` with INTERNAL (reported).
    variables: { range, granularity: preset.granularity, ...(mode || channel ? { filter: { ...(mode ? { mode } : {}), ...(channel ? { channel } : {}) } } : {}) },
    fetchPolicy: 'cache-and-network',
    pollInterval: 60_000,
  });
  const configs = useQuery(ModelConfigsDocument);
  const a = data?.analytics;

  return (
    <Page
      title="Analytics"
      description="Support metrics for conversations created in the range: volume, resolution, AI automation, response times and satisfaction."
      actions={<ExportButtons range={range} />}
    >
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl aria-label="Date range" value={rangeKey} onChange={setRangeKey} data={RANGES.map(({ value, label }) => ({ value, label }))} />
        <Select
          label="Answered by"
          placeholder="AI and humans"
          clearable
          w={170}
          value={mode}
          onChange={(v) => setMode(v as ConversationMode | null)}
          data={[
            { value: 'AI', label: 'AI (current mode)' },
            { value: 'HUMAN', label: 'Human (current mode)' },
          ]}
        />
        <Select
          label="Channel"
          placeholder="All channels"
          clearable
          w={160}
          value={channel}
          onChange={(v) => setChannel(v as Channel | null)}
          data={[
            { value: 'WEB_WIDGET', label: 'Web widget' },
            { value: 'EMAIL', label: 'Email' },
            { value: 'API', label: 'API' },
          ]}
        />
        <Button variant="default" onClick={() => void refetch()} loading={loading && !!data}>
          Refresh
        </Button>
      </Group>
      {error && <ErrorNotice error={error} title="Could not load analytics" onRetry={() => void refetch()} />}
      {loading && !a && <Loading label="Crunching the numbers…" />}
      {a && (
        <Stack gap="md" data-testid="analytics">
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
            <Kpi label="Conversations" value={String(a.conversationsCreated)} />
            <Kpi label="Resolution rate" value={percent(a.resolutionRate)} />
            <Kpi label="Resolved by AI alone" value={percent(a.automatedResolutionRate)} hint="Of conversations the AI handled" />
            <Kpi label="Handoff rate" value={percent(a.handoffRate)} />
            <Kpi label="First response (median)" value={duration(a.firstResponseTime.medianSeconds)} hint={`AI ${duration(a.firstResponseTimeAi.medianSeconds)} · human ${duration(a.firstResponseTimeHuman.medianSeconds)}`} />
            <Kpi label="CSAT" value={a.csat.score == null ? '—' : `${Math.round(a.csat.score)}%`} hint={`${a.csat.ratings} rating(s), response rate ${percent(a.csat.responseRate)}`} />
            <Kpi label="Resolution time (median)" value={duration(a.resolutionTime.medianSeconds)} hint={`p90 ${duration(a.resolutionTime.p90Seconds)}`} />
            <Kpi label="Durable resolution" value={percent(a.durableResolutionRate)} hint="Still resolved after 7 days" />
            <Kpi label="Tickets created" value={String(a.ticketsCreated)} />
            <Kpi label="Tickets resolved" value={String(a.ticketsResolved)} />
            <Kpi label="SLA breaches" value={String(a.slaBreaches)} alert={a.slaBreaches > 0} />
            <Kpi
              label="AI answers"
              value={String(a.aiUsage.reduce((s, u) => s + u.answers, 0))}
              hint={`${a.aiUsage.reduce((s, u) => s + u.promptTokens + u.completionTokens, 0)} tokens`}
            />
          </SimpleGrid>
          <Suspense fallback={<Loading label="Loading charts…" />}>
            <AnalyticsCharts data={a} granularity={preset.granularity} />
          </Suspense>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="xs">
                Agents
              </Title>
              {a.agents.length === 0 ? (
                <Empty title="No assigned conversations in this range" />
              ) : (
                <Table aria-label="Agent performance">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Agent</Table.Th>
                      <Table.Th>Handled</Table.Th>
                      <Table.Th>First response</Table.Th>
                      <Table.Th>Resolution</Table.Th>
                      <Table.Th>CSAT</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {a.agents.map((row, i) => (
                      <Table.Tr key={row.agent?.id ?? i}>
                        <Table.Td>{row.agent?.name ?? 'Former agent'}</Table.Td>
                        <Table.Td>{row.handled}</Table.Td>
                        <Table.Td>{duration(row.firstResponseMedianSeconds)}</Table.Td>
                        <Table.Td>{duration(row.resolutionMedianSeconds)}</Table.Td>
                        <Table.Td>{row.csatScore == null ? '—' : `${Math.round(row.csatScore)}%`}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="xs">
                AI usage by configuration
              </Title>
              {a.aiUsage.length === 0 ? (
                <Empty title="No AI answers in this range" />
              ) : (
                <Table aria-label="AI usage">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Configuration</Table.Th>
                      <Table.Th>Answers</Table.Th>
                      <Table.Th>Tokens (prompt / completion)</Table.Th>
                      <Table.Th>Avg latency</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {a.aiUsage.map((u) => {
                      const mc = configs.data?.modelConfigs.find((c) => c.id === u.modelConfigId);
                      return (
                        <Table.Tr key={u.modelConfigId ?? 'none'}>
                          <Table.Td>{mc ? `v${mc.version} ${mc.name}` : (u.modelConfigId ?? 'Unknown')}</Table.Td>
                          <Table.Td>{u.answers}</Table.Td>
                          <Table.Td>
                            {u.promptTokens} / {u.completionTokens}
                          </Table.Td>
                          <Table.Td>{u.avgLatencyMs == null ? '—' : `${Math.round(u.avgLatencyMs)} ms`}</Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              )}
            </Paper>
          </SimpleGrid>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="xs">
              Open ticket backlog
            </Title>
            {a.ticketBacklog.length === 0 ? (
              <Text size="sm" c="dimmed">
                No open tickets.
              </Text>
            ) : (
              <Group gap="xs">
                {a.ticketBacklog.map((b) => (
                  <Badge key={`${b.status}-${b.priority}`} variant="light" size="lg" tt="none">
                    {humanize(b.status)} · {humanize(b.priority)}: {b.count}
                  </Badge>
                ))}
              </Group>
            )}
          </Paper>
        </Stack>
      )}
    </Page>
  );
}

function Kpi({ label, value, hint, alert }: { label: string; value: string; hint?: string; alert?: boolean }) {
  return (
    <Paper withBorder p="sm" data-testid="kpi">
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text fw={700} size="xl" c={alert ? 'red' : undefined}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function ExportButtons({ range }: { range: { from: string; to: string } }) {
  const [exportConversations, { loading, error }] = useMutation(ExportConversationsDocument);
  const [format, setFormat] = useState<ExportFormat | null>(null);
  const download = async (f: ExportFormat) => {
    setFormat(f);
    try {
      const { data } = await exportConversations({ variables: { range, format: f } });
      if (data) window.location.assign(data.exportConversations.url);
    } catch {
      // Shown below.
    } finally {
      setFormat(null);
    }
  };
  return (
    <Stack gap={4} align="flex-end">
      <Group gap="xs">
        <Button variant="default" size="xs" loading={loading && format === 'CSV'} onClick={() => void download('CSV')}>
          Export CSV
        </Button>
        <Button variant="default" size="xs" loading={loading && format === 'JSONL'} onClick={() => void download('JSONL')}>
          Export JSON Lines
        </Button>
      </Group>
      {error && <ErrorNotice error={error} title="Could not export" compact />}
    </Stack>
  );
}
