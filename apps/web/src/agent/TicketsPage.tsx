import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Anchor, Button, Group, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import { ChoiceControl } from '../components/ChoiceControl';
import { InboxEventsDocument, TeamMembersDocument, TicketsDocument, UpdateTicketDocument, type Priority, type TicketStatus } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { contactName, dateTime, humanize } from '../lib/format';
import { SlaBadge } from './SlaBadge';

const STATUSES: TicketStatus[] = ['OPEN', 'PENDING', 'RESOLVED', 'CLOSED'];
const PRIORITIES: Priority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

export function TicketsPage() {
  const [status, setStatus] = useState<TicketStatus | 'ALL'>('ALL');
  const { data, loading, error, refetch, fetchMore } = useQuery(TicketsDocument, {
    variables: status === 'ALL' ? { first: 50 } : { first: 50, filter: { status } },
    fetchPolicy: 'cache-and-network',
  });
  const [update, updateState] = useMutation(UpdateTicketDocument);
  const team = useQuery(TeamMembersDocument, { fetchPolicy: 'cache-and-network' });
  const change = (id: string, input: { status?: TicketStatus; priority?: Priority; assigneeId?: string | null }) =>
    void update({ variables: { input: { id, ...input } } }).catch(() => undefined);
  useSubscription(InboxEventsDocument, {
    onData: ({ data: d }) => {
      if (d.data?.inboxEvents.__typename === 'TicketUpdated') void refetch();
    },
  });
  const tickets = data?.tickets.edges.map((e) => e.node) ?? [];

  return (
    <Stack p="md" gap="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          Tickets
        </Title>
        <ChoiceControl<TicketStatus | 'ALL'>
          label="Filter by status"
          value={status}
          onChange={setStatus}
          data={[{ value: 'ALL', label: 'All' }, ...STATUSES.map((s) => ({ value: s, label: humanize(s) }))]}
        />
      </Group>
      {error && <ErrorNotice error={error} title="Could not load tickets" onRetry={() => void refetch()} />}
      {updateState.error && <ErrorNotice error={updateState.error} title="Could not update the ticket" />}
      {loading && !data && <Loading label="Loading tickets…" />}
      {data && tickets.length === 0 && <Empty title="No tickets">Create one from a conversation (Create ticket).</Empty>}
      {tickets.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Requester</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Assignee</Table.Th>
                <Table.Th>SLA</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tickets.map((t) => (
                <Table.Tr key={t.id} data-testid="ticket-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/agent/tickets/${t.id}`} size="sm" fw={500} display="block">
                      {t.subject}
                    </Anchor>
                    {t.conversation && (
                      <Anchor component={Link} to={`/agent/c/${t.conversation.id}`} size="xs">
                        Open the conversation
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>{t.requester ? contactName(t.requester) : '—'}</Table.Td>
                  <Table.Td>
                    <NativeSelect
                      aria-label={`Priority of “${t.subject}”`}
                      size="xs"
                      value={t.priority}
                      data={PRIORITIES.map((p) => ({ value: p, label: humanize(p) }))}
                      onChange={(e) => change(t.id, { priority: e.currentTarget.value as Priority })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <NativeSelect
                      aria-label={`Status of “${t.subject}”`}
                      size="xs"
                      value={t.status}
                      data={STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
                      onChange={(e) => change(t.id, { status: e.currentTarget.value as TicketStatus })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <NativeSelect
                      aria-label={`Assignee of “${t.subject}”`}
                      size="xs"
                      value={t.assignee?.id ?? ''}
                      data={[
                        { value: '', label: 'Unassigned' },
                        // The current assignee stays listed even if they left the team.
                        ...(t.assignee && !team.data?.teamMembers.some((u) => u.id === t.assignee!.id)
                          ? [{ value: t.assignee.id, label: t.assignee.name }]
                          : []),
                        ...(team.data?.teamMembers ?? []).map((u) => ({ value: u.id, label: u.name })),
                      ]}
                      onChange={(e) => change(t.id, { assigneeId: e.currentTarget.value || null })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <SlaBadge sla={t.sla} />
                  </Table.Td>
                  <Table.Td>{dateTime(t.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {data?.tickets.pageInfo.hasNextPage && (
        <Button variant="subtle" onClick={() => void fetchMore({ variables: { after: data.tickets.pageInfo.endCursor } })}>
          Load more
        </Button>
      )}
      <Text size="sm" c="dimmed">
        <Anchor component={Link} to="/agent">
          Back to the inbox
        </Anchor>
      </Text>
    </Stack>
  );
}
