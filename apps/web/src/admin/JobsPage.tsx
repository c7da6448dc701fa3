import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Code, Spoiler, Table, Text } from '@mantine/core';
import { FailedJobsDocument, RetryFailedJobDocument } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';
import { Page } from './Page';

export default function JobsPage() {
  const { data, loading, error, refetch } = useQuery(FailedJobsDocument, { fetchPolicy: 'cache-and-network', pollInterval: 30_000 });
  const [retry, retryState] = useMutation(RetryFailedJobDocument, { refetchQueries: [FailedJobsDocument] });
  const jobs = data?.failedJobs ?? [];
  return (
    <Page
      title="Failed jobs"
      description="Background jobs (embedding, AI answers, analysis, evaluation) that failed after all their attempts. Retry queues them again."
      actions={
        <Button variant="default" onClick={() => void refetch()} loading={loading && !!data}>
          Refresh
        </Button>
      }
    >
      {error && <ErrorNotice error={error} title="Could not load failed jobs" onRetry={() => void refetch()} />}
      {retryState.error && <ErrorNotice error={retryState.error} title="Could not retry the job" />}
      {loading && !data && <Loading label="Loading failed jobs…" />}
      {data && jobs.length === 0 && <Empty title="No failed jobs">Everything that ran in the background succeeded.</Empty>}
      {jobs.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped verticalSpacing="xs" aria-label="Failed jobs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Job</Table.Th>
                <Table.Th>Queue</Table.Th>
                <Table.Th>Error</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Failed</Table.Th>
                <Table.Th>
                  <span className="sb-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {jobs.map((j) => (
                <Table.Tr key={j.id} data-testid="failed-job">
                  <Table.Td>
                    <Code>{j.name}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">{j.queue}</Badge>
                  </Table.Td>
                  <Table.Td maw={420}>
                    <Spoiler maxHeight={40} showLabel="Show more" hideLabel="Show less">
                      <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
                        {j.error}
                      </Text>
                    </Spoiler>
                  </Table.Td>
                  <Table.Td>{j.attempts}</Table.Td>
                  <Table.Td>{dateTime(j.failedAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="light"
                      onClick={() => void retry({ variables: { id: j.id } }).catch(() => undefined)}
                      aria-label={`Retry ${j.name} job`}
                    >
                      Retry
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Page>
  );
}
