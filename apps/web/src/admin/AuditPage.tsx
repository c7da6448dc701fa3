import { useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { Badge, Button, Code, Group, NativeSelect, Spoiler, Table, Text } from '@mantine/core';
import { AuditLogDocument, type AuditLogFilter, type AuditLogQuery } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';
import { Page } from './Page';

const PAGE_SIZE = 50;

/** What was acted on, as the action prefixes the API records (`faq.publish`, `api_key.revoke`, …). */
const AREAS = [
  { value: '', label: 'Everything' },
  { value: 'faq.', label: 'FAQs' },
  { value: 'faq_category.', label: 'FAQ categories' },
  { value: 'model_config.', label: 'AI models' },
  { value: 'evaluation_run.', label: 'Evaluation runs' },
  { value: 'evaluation_dataset.', label: 'Evaluation datasets' },
  { value: 'user.', label: 'Team' },
  { value: 'api_key.', label: 'API keys' },
  { value: 'contact.', label: 'Customer data (export, erasure)' },
  { value: 'conversations.', label: 'Conversation exports' },
  { value: 'conversation.', label: 'Conversations (assign, resolve, reopen)' },
  { value: 'ticket.', label: 'Tickets' },
  { value: 'job.', label: 'Job retries' },
  { value: 'retention.', label: 'Retention' },
  { value: 'workspace.', label: 'Workspace' },
];

const ACTORS = [
  { value: '', label: 'Anyone' },
  { value: 'USER', label: 'Staff' },
  { value: 'API_KEY', label: 'API keys' },
  { value: 'CUSTOMER', label: 'Customers' },
  { value: 'SYSTEM', label: 'System' },
];

type Entry = AuditLogQuery['auditLog']['edges'][number]['node'];

function actorLabel(e: Entry): string {
  if (e.actorName) return e.actorName;
  if (e.actorType === 'SYSTEM') return 'System';
  if (e.actorType === 'CUSTOMER') return 'A customer';
  const kind = e.actorType === 'API_KEY' ? 'API key' : 'Staff member';
  return e.actorId ? `${kind} (removed)` : kind;
}

export default function AuditPage() {
  const [area, setArea] = useState('');
  const [actorType, setActorType] = useState('');
  const filter: AuditLogFilter = { ...(area ? { action: area } : {}), ...(actorType ? { actorType } : {}) };
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(AuditLogDocument, {
    variables: { first: PAGE_SIZE, ...(area || actorType ? { filter } : {}) },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const entries = data?.auditLog.edges.map((e) => e.node) ?? [];
  const [moreError, setMoreError] = useState<unknown>(null);
  const loadMore = (after: string) => {
    setMoreError(null);
    fetchMore({ variables: { after } }).catch(setMoreError);
  };

  return (
    <Page
      title="Audit log"
      description="Who changed what in this workspace, newest first: staff, API keys, customers and the system's own jobs."
      actions={
        <Button variant="default" onClick={() => void refetch()} loading={networkStatus === NetworkStatus.refetch}>
          Refresh
        </Button>
      }
    >
      <Group gap="md" align="flex-end">
        <NativeSelect label="Area" data={AREAS} value={area} onChange={(e) => setArea(e.currentTarget.value)} />
        <NativeSelect label="Done by" data={ACTORS} value={actorType} onChange={(e) => setActorType(e.currentTarget.value)} />
      </Group>
      {error && <ErrorNotice error={error} title="Could not load the audit log" onRetry={() => void refetch()} />}
      {loading && !data && <Loading label="Loading the audit log…" />}
      {data && entries.length === 0 && (
        <Empty title={area || actorType ? 'Nothing matches these filters' : 'Nothing recorded yet'}>
          Publishing FAQs, changing models, inviting colleagues, API keys and data requests are recorded here.
        </Empty>
      )}
      {entries.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table striped verticalSpacing="xs" aria-label="Audit log">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.id} data-testid="audit-entry">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(e.createdAt)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{actorLabel(e)}</Text>
                    {(e.actorType === 'USER' || e.actorType === 'API_KEY') && (
                      <Badge size="xs" variant="light" tt="none">
                        {e.actorType === 'USER' ? 'Staff' : 'API key'}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    {e.targetType ? (
                      <Text size="sm" title={e.targetId ?? undefined}>
                        {e.targetType}
                        {e.targetId && <Text span c="dimmed" size="xs">{` ${e.targetId.slice(0, 8)}`}</Text>}
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td maw={380}>
                    {e.metadata && Object.keys(e.metadata).length > 0 ? (
                      <Spoiler maxHeight={40} showLabel="Show more" hideLabel="Show less">
                        <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                          {JSON.stringify(e.metadata, null, 1)}
                        </Text>
                      </Spoiler>
                    ) : null}
                    {e.ip && (
                      <Text size="xs" c="dimmed">
                        from {e.ip}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {moreError != null && <ErrorNotice error={moreError} title="Could not load older entries" compact />}
      {data?.auditLog.pageInfo.hasNextPage && data.auditLog.pageInfo.endCursor && (
        <Button variant="subtle" loading={networkStatus === NetworkStatus.fetchMore} onClick={() => loadMore(data.auditLog.pageInfo.endCursor!)}>
          Load older entries
        </Button>
      )}
    </Page>
  );
}
