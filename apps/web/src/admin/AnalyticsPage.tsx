import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import {
  AnalyticsDocument,
  LabelsDocument,
  ExportConversationsDocument,
  ModelConfigsDocument,
  type AnalyticsQuery,
  type Channel,
  type ConversationMode,
  type ExportFormat,
  type Granularity,
} from '@switchboard/schema/client';
import { ChoiceControl } from '../components/ChoiceControl';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { duration, percent } from '../lib/format';
import { Page } from './Page';

const AnalyticsCharts = lazy(() => import('./charts/AnalyticsCharts'));

export type AnalyticsData = AnalyticsQuery['analytics'];

const RANGES: { value: string; label: string; days: number; granularity: Granularity }[] = [
  { value: '1d', label: '24 hours', days: 1, granularity: 'HOUR' },
  { value: '7d', label: '7 days', days: 7, granularity: 'DAY' },
  { value: '30d', label: '30 days', days: 30, granularity: 'DAY' },
  { value: '84d', label: '12 weeks', days: 84, granularity: 'WEEK' },
];

/** The longest range the API accepts. */
const MAX_RANGE_DAYS = 400;

/** `yyyy-mm-dd` of a date in the browser's time zone (what `<input type="date">` reads and writes). */
export function dayInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * A custom range of whole local days, both ends included, with a granularity that keeps
 * the chart readable; or the reason it cannot be shown.
 */
type ChosenRange = { range: { from: string; to: string }; granularity: Granularity };

export function customRange(fromDay: string, toDay: string): ChosenRange | { invalid: string } {
  const from = new Date(`${fromDay}T00:00:00`);
  const end = new Date(`${toDay}T00:00:00`);
  if (Number.isNaN(from.getTime()) || Number.isNaN(end.getTime())) return { invalid: 'Enter both dates.' };
  if (end < from) return { invalid: 'The end date is before the start date.' };
  if (from.getFullYear() < 2000 || end.getFullYear() >= 2100) return { invalid: 'Choose dates between 2000 and 2099.' };
  const to = new Date(end);
  to.setDate(to.getDate() + 1);
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (days > MAX_RANGE_DAYS) return { invalid: `A range may span at most ${MAX_RANGE_DAYS} days.` };
  const granularity: Granularity = days <= 2 ? 'HOUR' : days <= 92 ? 'DAY' : 'WEEK';
  return { range: { from: from.toISOString(), to: to.toISOString() }, granularity };
}

/**
 * The last `days` as whole buckets of the chart (UTC, as the API buckets): up
 * to the next full hour by the hour, to the end of today by the day, to the
 * end of this week (Monday-based) by the week. So "7 days" is 7 bars, and the
 * range stays the same (and cached) for a while.
 */
export function rangeFor(days: number, granularity: Granularity, now = new Date()): { from: string; to: string } {
  const to = new Date(now);
  if (granularity === 'HOUR') {
    to.setUTCMinutes(0, 0, 0);
    to.setUTCHours(to.getUTCHours() + 1);
  } else {
    to.setUTCHours(24, 0, 0, 0); // the end of today
    if (granularity === 'WEEK') to.setUTCDate(to.getUTCDate() + ((8 - to.getUTCDay()) % 7));
  }
  const from = new Date(to.getTime() - days * 86_400_000);
  return { from: from.toISOString(), to: to.toISOString() };
}

export default function AnalyticsPage() {
  const [rangeKey, setRangeKey] = useState('7d');
  const [draft, setDraft] = useState(() => ({ from: dayInput(new Date(Date.now() - 6 * 86_400_000)), to: dayInput(new Date()) }));
  const [custom, setCustom] = useState(() => customRange(draft.from, draft.to) as ChosenRange);
  const [draftError, setDraftError] = useState<string | null>(null);
  const [mode, setMode] = useState<ConversationMode | null>(null);
  const [channel, setChannel] = useState<Channel | null>(null);
  const [labelId, setLabelId] = useState<string | null>(null);
  const labels = useQuery(LabelsDocument, { fetchPolicy: 'cache-and-network' });
  const filter = { ...(mode ? { mode } : {}), ...(channel ? { channel } : {}), ...(labelId ? { labelIds: [labelId] } : {}) };
  const preset = RANGES.find((r) => r.value === rangeKey);
  const { range, granularity } = useMemo(
    () => (preset ? { range: rangeFor(preset.days, preset.granularity), granularity: preset.granularity } : custom),
    [preset, custom],
  );
  const applyCustom = (e: FormEvent) => {
    e.preventDefault();
    const next = customRange(draft.from, draft.to);
    if ('invalid' in next) return setDraftError(next.invalid);
    setDraftError(null);
    setCustom(next);
  };
  const { data, loading, error, refetch } = useQuery(AnalyticsDocument, {
    variables: { range, granularity, ...(Object.keys(filter).length ? { filter } : {}) },
    fetchPolicy: 'cache-and-network',
    pollInterval: preset ? 60_000 : 0,
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
        <ChoiceControl
          label="Date range"
          value={rangeKey}
          onChange={setRangeKey}
          data={[...RANGES.map(({ value, label }) => ({ value, label })), { value: 'custom', label: 'Custom' }]}
        />
        {!preset && (
          <form onSubmit={applyCustom} aria-label="Custom date range">
            <Group gap="xs" align="flex-end">
              <TextInput
                type="date"
                label="From"
                w={160}
                required
                min="2000-01-01"
                max="2099-12-31"
                value={draft.from}
                onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
                error={draftError}
              />
              <TextInput
                type="date"
                label="To (inclusive)"
                w={160}
                required
                min="2000-01-01"
                max="2099-12-31"
                value={draft.to}
                onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
              />
              <Button type="submit" variant="light">
                Apply
              </Button>
            </Group>
          </form>
        )}
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
        {(labels.data?.labels.length ?? 0) > 0 && (
          <Select
            label="Label"
            placeholder="All conversations"
            clearable
            w={180}
            value={labelId}
            onChange={setLabelId}
            data={(labels.data?.labels ?? []).map((l) => ({ value: l.id, label: l.name }))}
          />
        )}
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
            <Kpi
              label="First response (median)"
              value={duration(a.firstResponseTime.medianSeconds)}
              hint={`AI ${duration(a.firstResponseTimeAi.medianSeconds)} · human ${duration(a.firstResponseTimeHuman.medianSeconds)}`}
            />
            <Kpi
              label="CSAT"
              value={a.csat.score == null ? '—' : `${Math.round(a.csat.score)}%`}
              hint={`${a.csat.ratings} rating(s), response rate ${percent(a.csat.responseRate)}`}
            />
            <Kpi label="Resolution time (median)" value={duration(a.resolutionTime.medianSeconds)} hint={`p90 ${duration(a.resolutionTime.p90Seconds)}`} />
            <Kpi label="Durable resolution" value={percent(a.durableResolutionRate)} hint="Still resolved after 7 days" />
            <Kpi label="Tickets created" value={String(a.ticketsCreated)} />
            <Kpi label="Tickets resolved" value={String(a.ticketsResolved)} />
            <Kpi label="Overdue tickets" value={String(a.slaBreaches)} alert={a.slaBreaches > 0} hint="Open and past a due time now" />
            <Kpi
              label="SLA attainment"
              value={percent(a.ticketSla.attainmentRate)}
              alert={a.ticketSla.firstResponseBreached + a.ticketSla.resolutionBreached > 0}
              hint={`${a.ticketSla.withTargets} ticket(s) with targets · ${a.ticketSla.firstResponseBreached} first response, ${a.ticketSla.resolutionBreached} resolution breach(es)`}
            />
            <Kpi
              label="AI answers"
              value={String(a.aiUsage.reduce((s, u) => s + u.answers, 0))}
              hint={`${a.aiUsage.reduce((s, u) => s + u.promptTokens + u.completionTokens, 0)} tokens`}
            />
          </SimpleGrid>
          <Suspense fallback={<Loading label="Loading charts…" />}>
            <AnalyticsCharts data={a} granularity={granularity} />
          </Suspense>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="xs">
                Agents
              </Title>
              {a.agents.length === 0 ? (
                <Empty title="No assigned conversations in this range" />
              ) : (
                <Table.ScrollContainer minWidth={420}>
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
                </Table.ScrollContainer>
              )}
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="xs">
                AI usage by configuration
              </Title>
              {a.aiUsage.length === 0 ? (
                <Empty title="No AI answers in this range" />
              ) : (
                <Table.ScrollContainer minWidth={420}>
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
                            <Table.Td>{mc ? `v${mc.version} ${mc.name}` : u.modelConfigId ? 'Deleted configuration' : 'Not recorded'}</Table.Td>
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
                </Table.ScrollContainer>
              )}
            </Paper>
          </SimpleGrid>
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
