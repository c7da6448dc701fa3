import { useState } from 'react';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { AcknowledgeAlertDocument, AlertRaisedDocument, AlertsDocument, ResolveAlertDocument, type AlertFieldsFragment } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';

const PAGE = 20;

const STATUS_COLOR: Record<AlertFieldsFragment['status'], string> = { FIRING: 'red', ACKNOWLEDGED: 'yellow', RESOLVED: 'gray' };

/** Recent alerts, live: new ones arrive over the alertRaised subscription; admins acknowledge (with a note) and resolve. */
export function AlertsPanel() {
  const { data, loading, error, refetch } = useQuery(AlertsDocument, { variables: { first: PAGE }, fetchPolicy: 'cache-and-network' });
  // A raised alert refreshes the list (the cache already holds the new alert itself).
  useSubscription(AlertRaisedDocument, { onData: () => void refetch() });
  const [acknowledge, ackState] = useMutation(AcknowledgeAlertDocument);
  const [resolve, resolveState] = useMutation(ResolveAlertDocument);
  const [acknowledging, setAcknowledging] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const alerts = data?.alerts.edges.map((e) => e.node) ?? [];
  const open = alerts.filter((a) => a.status !== 'RESOLVED').length;

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Alerts
        </Title>
        <Badge color={open ? 'red' : 'green'} data-testid="open-alerts">
          {open ? `${open} open` : 'None open'}
        </Badge>
      </Group>
      {error && <ErrorNotice error={error} title="Could not load alerts" onRetry={() => void refetch()} />}
      {(ackState.error ?? resolveState.error) && <ErrorNotice error={(ackState.error ?? resolveState.error)!} title="Could not update the alert" />}
      {loading && !data && <Loading label="Loading alerts…" />}
      {data && alerts.length === 0 && <Empty title="No alerts">No rule has found anything wrong.</Empty>}
      {alerts.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs" aria-label="Alerts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Status</Table.Th>
                <Table.Th>Alert</Table.Th>
                <Table.Th>Raised</Table.Th>
                <Table.Th>
                  <span className="sb-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {alerts.map((a) => (
                <Table.Tr key={a.id} data-testid="alert">
                  <Table.Td>
                    <Stack gap={4}>
                      <Badge color={STATUS_COLOR[a.status]}>{a.status.toLowerCase()}</Badge>
                      <Badge variant="outline" color={a.severity === 'CRITICAL' ? 'red' : 'orange'}>
                        {a.severity.toLowerCase()}
                      </Badge>
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {a.summary}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {a.rule}
                      {a.installationWide ? ' · whole installation' : ''}
                      {a.acknowledgeNote ? ` · note: ${a.acknowledgeNote}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{dateTime(a.raisedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {acknowledging === a.id ? (
                      <form
                        onSubmit={(e) => {
                          e.preventDefault();
                          void acknowledge({ variables: { id: a.id, note: note.trim() || null } })
                            .then(() => {
                              setAcknowledging(null);
                              setNote('');
                            })
                            .catch(() => undefined);
                        }}
                      >
                        <Group gap="xs" wrap="nowrap">
                          <TextInput
                            size="xs"
                            label="Note"
                            value={note}
                            onChange={(e) => setNote(e.currentTarget.value)}
                            maxLength={500}
                            placeholder="What is being done"
                          />
                          <Button size="compact-xs" type="submit" mt="lg" loading={ackState.loading}>
                            Confirm
                          </Button>
                        </Group>
                      </form>
                    ) : (
                      <Group gap="xs" wrap="nowrap">
                        {a.status === 'FIRING' && (
                          <Button size="compact-xs" variant="light" onClick={() => setAcknowledging(a.id)} aria-label={`Acknowledge: ${a.summary}`}>
                            Acknowledge
                          </Button>
                        )}
                        {a.status !== 'RESOLVED' && (
                          <Button
                            size="compact-xs"
                            variant="default"
                            onClick={() => void resolve({ variables: { id: a.id } }).catch(() => undefined)}
                            aria-label={`Resolve: ${a.summary}`}
                          >
                            Resolve
                          </Button>
                        )}
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
