// Admin → SLA: the workspace's business hours (time zone, opening intervals
// per weekday, holidays) and a policy per priority (first response and
// resolution targets, counted over business hours or around the clock).
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Button, Checkbox, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import {
  DeleteSlaPolicyDocument,
  SetBusinessHoursDocument,
  SetSlaPolicyDocument,
  SlaSettingsDocument,
  type BusinessHoursFieldsFragment,
  type Priority,
  type SlaPolicyFieldsFragment,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Loading } from '../components/States';
import { duration } from '../lib/format';
import { Page } from './Page';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const PRIORITIES: Priority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];
const ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
const RANGE = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/;

/** "09:00–12:00, 13:00–17:00" ⇄ intervals of one weekday; an empty text is a closed day. */
export function parseDay(weekday: number, text: string): { weekday: number; opens: string; closes: string }[] | string {
  const parts = text.split(',').filter((p) => p.trim());
  const out: { weekday: number; opens: string; closes: string }[] = [];
  for (const part of parts) {
    const m = RANGE.exec(part);
    if (!m) return `${WEEKDAYS[weekday - 1]}: write times as 09:00–17:00, separated by commas`;
    const pad = (t: string) => t.padStart(5, '0');
    out.push({ weekday, opens: pad(m[1]!), closes: pad(m[2]!) });
  }
  return out;
}

export const formatDay = (intervals: { weekday: number; opens: string; closes: string }[], weekday: number) =>
  intervals
    .filter((i) => i.weekday === weekday)
    .map((i) => `${i.opens}–${i.closes}`)
    .join(', ');

export default function SlaPage() {
  const { data, loading, error, refetch } = useQuery(SlaSettingsDocument, { fetchPolicy: 'cache-and-network' });
  if (error && !data) return <ErrorNotice error={error} onRetry={() => void refetch()} />;
  if (loading && !data) return <Loading label="Loading SLA settings…" />;
  return (
    <Page
      title="SLA"
      description="Targets per priority set each new ticket’s first response and resolution due times; breaches notify the assignee (or the admins) and count in analytics."
    >
      <BusinessHoursForm current={data?.slaSettings.businessHours ?? null} onSaved={() => void refetch()} />
      <Title order={2} size="h5" mt="lg">
        Policies
      </Title>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Priority</Table.Th>
            <Table.Th>First response (minutes)</Table.Th>
            <Table.Th>Resolution (minutes)</Table.Th>
            <Table.Th>Business hours only</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {PRIORITIES.map((priority) => (
            <PolicyRow
              key={priority}
              priority={priority}
              policy={data?.slaSettings.policies.find((p) => p.priority === priority) ?? null}
              onSaved={() => void refetch()}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Page>
  );
}

function BusinessHoursForm({ current, onSaved }: { current: BusinessHoursFieldsFragment | null; onSaved(): void }) {
  const [timezone, setTimezone] = useState<string>(current?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  const [days, setDays] = useState<string[]>(() => WEEKDAYS.map((_, i) => (current ? formatDay(current.intervals, i + 1) : i < 5 ? '09:00–17:00' : '')));
  const [holidays, setHolidays] = useState<{ date: string; name: string }[]>(current?.holidays.map((h) => ({ date: h.date, name: h.name ?? '' })) ?? []);
  const [problem, setProblem] = useState<string | null>(null);
  const [save, saved] = useMutation(SetBusinessHoursDocument);
  useEffect(() => {
    if (!current) return;
    setTimezone(current.timezone);
    setDays(WEEKDAYS.map((_, i) => formatDay(current.intervals, i + 1)));
    setHolidays(current.holidays.map((h) => ({ date: h.date, name: h.name ?? '' })));
  }, [current]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = days.map((text, i) => parseDay(i + 1, text));
    const bad = parsed.find((p): p is string => typeof p === 'string');
    if (bad) return setProblem(bad);
    setProblem(null);
    try {
      await save({
        variables: {
          input: {
            timezone,
            intervals: parsed.flatMap((p) => p as Exclude<typeof p, string>),
            holidays: holidays.filter((h) => h.date).map((h) => ({ date: h.date, name: h.name.trim() || null })),
          },
        },
      });
      onSaved();
    } catch {
      // Shown below.
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Business hours">
      <Stack gap="xs">
        <Title order={2} size="h5">
          Business hours
        </Title>
        {!current && (
          <Text size="sm" c="dimmed">
            Not set yet: targets count around the clock until you save business hours.
          </Text>
        )}
        <Select label="Time zone" data={ZONES} searchable value={timezone} allowDeselect={false} onChange={(v) => v && setTimezone(v)} w={280} />
        {WEEKDAYS.map((day, i) => (
          <TextInput
            key={day}
            label={day}
            placeholder="Closed"
            value={days[i]}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setDays((d) => d.map((x, j) => (j === i ? value : x)));
            }}
            w={320}
          />
        ))}
        <Text size="sm" fw={500}>
          Holidays
        </Text>
        {holidays.map((h, i) => (
          <Group key={i} gap="xs">
            <TextInput
              type="date"
              aria-label={`Holiday ${i + 1} date`}
              value={h.date}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setHolidays((l) => l.map((x, j) => (j === i ? { ...x, date: v } : x)));
              }}
            />
            <TextInput
              aria-label={`Holiday ${i + 1} name`}
              placeholder="Name (optional)"
              value={h.name}
              maxLength={80}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setHolidays((l) => l.map((x, j) => (j === i ? { ...x, name: v } : x)));
              }}
            />
            <Button variant="subtle" color="red" size="xs" onClick={() => setHolidays((l) => l.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </Group>
        ))}
        <Group>
          <Button variant="default" size="xs" onClick={() => setHolidays((l) => [...l, { date: '', name: '' }])}>
            Add a holiday
          </Button>
          <Button type="submit" loading={saved.loading}>
            Save business hours
          </Button>
        </Group>
        {problem && (
          <Text c="red" size="sm" role="alert">
            {problem}
          </Text>
        )}
        {saved.error && <ErrorNotice error={saved.error} title="Business hours were not saved" compact />}
      </Stack>
    </form>
  );
}

function PolicyRow({ priority, policy, onSaved }: { priority: Priority; policy: SlaPolicyFieldsFragment | null; onSaved(): void }) {
  const [first, setFirst] = useState<number | string>(policy?.firstResponseMinutes ?? '');
  const [resolution, setResolution] = useState<number | string>(policy?.resolutionMinutes ?? '');
  const [businessHoursOnly, setBusinessHoursOnly] = useState(policy?.businessHoursOnly ?? true);
  const [save, saved] = useMutation(SetSlaPolicyDocument);
  const [remove, removed] = useMutation(DeleteSlaPolicyDocument);
  useEffect(() => {
    setFirst(policy?.firstResponseMinutes ?? '');
    setResolution(policy?.resolutionMinutes ?? '');
    setBusinessHoursOnly(policy?.businessHoursOnly ?? true);
  }, [policy]);
  const label = priority.charAt(0) + priority.slice(1).toLowerCase();
  const minutes = (v: number | string) => (typeof v === 'number' ? v : null);
  const failure = saved.error ?? removed.error;
  return (
    <Table.Tr data-testid="sla-policy-row">
      <Table.Td>{label}</Table.Td>
      <Table.Td>
        <NumberInput
          aria-label={`${label}: first response minutes`}
          min={1}
          max={525600}
          value={first}
          onChange={setFirst}
          w={140}
          description={typeof first === 'number' ? duration(first * 60) : 'No target'}
        />
      </Table.Td>
      <Table.Td>
        <NumberInput
          aria-label={`${label}: resolution minutes`}
          min={1}
          max={525600}
          value={resolution}
          onChange={setResolution}
          w={140}
          description={typeof resolution === 'number' ? duration(resolution * 60) : 'No target'}
        />
      </Table.Td>
      <Table.Td>
        <Checkbox aria-label={`${label}: business hours only`} checked={businessHoursOnly} onChange={(e) => setBusinessHoursOnly(e.currentTarget.checked)} />
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button
            size="xs"
            loading={saved.loading}
            disabled={minutes(first) == null && minutes(resolution) == null}
            onClick={() =>
              void save({ variables: { input: { priority, firstResponseMinutes: minutes(first), resolutionMinutes: minutes(resolution), businessHoursOnly } } })
                .then(onSaved)
                .catch(() => undefined)
            }
          >
            Save
          </Button>
          {policy && (
            <Button
              size="xs"
              variant="subtle"
              color="red"
              loading={removed.loading}
              onClick={() =>
                void remove({ variables: { priority } })
                  .then(onSaved)
                  .catch(() => undefined)
              }
            >
              Remove
            </Button>
          )}
        </Group>
        {failure && <ErrorNotice error={failure} title={`The ${label.toLowerCase()} policy was not saved`} compact />}
      </Table.Td>
    </Table.Tr>
  );
}
