import { lazy, Suspense, useEffect, useState } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { SystemStatusDocument, SystemStatusFeedDocument, type SystemStatusFieldsFragment } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { AlertsPanel } from './AlertsPanel';
import { Page } from './Page';

const StatusChart = lazy(() => import('./charts/StatusChart'));

const HISTORY = 60;

export interface StatusPoint {
  at: string;
  eventLoopLagMs: number;
  heapUsedMb: number;
  sockets: number;
  subscriptions: number;
}

export default function StatusPage() {
  const initial = useQuery(SystemStatusDocument, { fetchPolicy: 'network-only' });
  const [status, setStatus] = useState<SystemStatusFieldsFragment | null>(null);
  const [history, setHistory] = useState<StatusPoint[]>([]);
  const push = (s: SystemStatusFieldsFragment) => {
    setStatus(s);
    setHistory((h) =>
      [
        ...h,
        { at: s.at, eventLoopLagMs: s.eventLoopLagMs, heapUsedMb: s.heapUsedMb, sockets: s.cluster.sockets, subscriptions: s.cluster.subscriptions },
      ].slice(-HISTORY),
    );
  };
  useEffect(() => {
    if (initial.data) push(initial.data.systemStatus);
  }, [initial.data]);
  const feed = useSubscription(SystemStatusFeedDocument, { onData: ({ data }) => data.data && push(data.data.systemStatus) });
  const error = initial.error ?? feed.error;

  return (
    <Page
      title="System status"
      description="Live health of the API node serving you and of what it depends on; updated on every change and at least every 5 seconds."
    >
      {error && <ErrorNotice error={error} title="Could not load the system status" onRetry={() => void initial.refetch()} />}
      {!status && !error && <Loading label="Loading status…" />}
      <AlertsPanel />
      {status && (
        <>
          <Group gap="sm" data-testid="system-status">
            <Badge size="lg" color={status.status === 'ok' ? 'green' : 'red'} role="status">
              {status.status === 'ok' ? 'All systems OK' : 'Degraded'}
            </Badge>
            <Text size="sm" c="dimmed">
              Node {status.nodeId} · up {formatUptime(status.uptimeSeconds)} · updated {new Date(status.at).toLocaleTimeString()}
            </Text>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <Metric
              title="Database"
              value={status.database.ok ? 'OK' : 'Down'}
              ok={status.database.ok}
              detail={status.database.detail ?? (status.database.latencyMs != null ? `${status.database.latencyMs.toFixed(1)} ms` : undefined)}
            />
            <Metric
              title="Redis"
              value={status.redis ? (status.redis.ok ? 'OK' : 'Down') : 'Not used'}
              ok={status.redis ? status.redis.ok : true}
              detail={
                status.redis
                  ? (status.redis.detail ?? (status.redis.latencyMs != null ? `${status.redis.latencyMs.toFixed(1)} ms` : undefined))
                  : 'In-process pub/sub and jobs'
              }
            />
            <Metric
              title="AI provider"
              value={status.ai.provider}
              ok
              detail={status.ai.vectorSearch ? 'Hybrid search (vector + full-text)' : 'Full-text search only'}
            />
            <Metric title="Event-loop lag (p99)" value={`${status.eventLoopLagMs.toFixed(1)} ms`} ok={status.eventLoopLagMs < 100} />
            <Metric title="Sockets" value={`${status.cluster.sockets}`} ok detail={`${status.node.sockets} on this node, ${status.cluster.nodes} node(s)`} />
            <Metric title="Subscriptions" value={`${status.cluster.subscriptions}`} ok detail={`${status.node.subscriptions} on this node`} />
            <Metric title="Memory (RSS)" value={`${Math.round(status.memoryRssMb)} MB`} ok detail={`Heap ${Math.round(status.heapUsedMb)} MB`} />
          </SimpleGrid>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="xs">
              Last {history.length} updates
            </Title>
            {history.length < 2 ? (
              <Text size="sm" c="dimmed">
                The chart fills in as updates arrive.
              </Text>
            ) : (
              <Suspense fallback={<Loading label="Loading chart…" />}>
                <StatusChart points={history} />
              </Suspense>
            )}
          </Paper>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="xs">
              Queues
            </Title>
            {status.queues.length === 0 ? (
              <Empty title="No queues">Jobs run in-process (no Redis).</Empty>
            ) : (
              <Table aria-label="Queues">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Queue</Table.Th>
                    <Table.Th>Waiting</Table.Th>
                    <Table.Th>Active</Table.Th>
                    <Table.Th>Delayed</Table.Th>
                    <Table.Th>Failed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {status.queues.map((q) => (
                    <Table.Tr key={q.name}>
                      <Table.Td>{q.name}</Table.Td>
                      <Table.Td>{q.waiting}</Table.Td>
                      <Table.Td>{q.active}</Table.Td>
                      <Table.Td>{q.delayed}</Table.Td>
                      <Table.Td>{q.failed}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </>
      )}
    </Page>
  );
}

function Metric({ title, value, ok, detail }: { title: string; value: string; ok: boolean; detail?: string }) {
  return (
    <Paper withBorder p="sm">
      <Stack gap={2}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          {title}
        </Text>
        <Text fw={700} size="lg" c={ok ? undefined : 'red'}>
          {value}
        </Text>
        {detail && (
          <Text size="xs" c="dimmed">
            {detail}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function formatUptime(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d`;
}
