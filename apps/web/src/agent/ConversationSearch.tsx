import { Fragment, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { Badge, Button, Group, Text } from '@mantine/core';
import { SearchConversationsDocument, type SearchConversationsQuery } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { ItemHeading } from './ItemHeading';

const PAGE = 20;
type Highlight = NonNullable<SearchConversationsQuery['conversations']['edges'][number]['highlights']>[number];

const FIELD_LABEL: Record<Highlight['field'], string> = { CONTACT: 'Contact', TICKET: 'Ticket', MESSAGE: 'Message' };

/** The excerpt with the matching words marked (plain text and ranges from the API: never markup). */
export function HighlightedText({ highlight }: { highlight: Pick<Highlight, 'text' | 'matches'> }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [i, m] of highlight.matches.entries()) {
    if (m.start < at) continue;
    parts.push(<Fragment key={`t${i}`}>{highlight.text.slice(at, m.start)}</Fragment>);
    parts.push(<mark key={`m${i}`}>{highlight.text.slice(m.start, m.start + m.length)}</mark>);
    at = m.start + m.length;
  }
  parts.push(<Fragment key="rest">{highlight.text.slice(at)}</Fragment>);
  return <>{parts}</>;
}

/** Search results in place of the inbox list: best matches first, each with what matched. */
export function ConversationSearchResults({ search, selectedId }: { search: string; selectedId: string | null }) {
  const { data, loading, error, fetchMore, refetch } = useQuery(SearchConversationsDocument, {
    variables: { search, first: PAGE },
    fetchPolicy: 'network-only',
    notifyOnNetworkStatusChange: true,
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  useEffect(() => setMoreError(null), [search]);
  const connection = data?.conversations;
  const edges = connection?.edges ?? [];

  const loadMore = () => {
    if (!connection?.pageInfo.endCursor) return;
    setLoadingMore(true);
    fetchMore({ variables: { after: connection.pageInfo.endCursor } })
      .catch(setMoreError)
      .finally(() => setLoadingMore(false));
  };

  return (
    <div className="sb-scroll" aria-busy={loading} data-testid="search-results">
      {error != null && <ErrorNotice error={error} title="Could not search" onRetry={() => void refetch().catch(() => undefined)} compact />}
      {moreError != null && <ErrorNotice error={moreError} title="Could not load more results" compact />}
      {loading && edges.length === 0 && <Loading label="Searching…" />}
      {!loading && !error && edges.length === 0 && <Empty title="No matches">No conversation mentions “{search}”.</Empty>}
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label={`Conversations matching ${search}`}>
        {edges.map(({ node: c, highlights }) => (
          <li key={c.id}>
            <Link
              to={`/agent/c/${c.id}`}
              className="sb-inbox-item"
              aria-current={c.id === selectedId ? 'page' : undefined}
              data-testid="search-result"
              data-conversation-id={c.id}
            >
              <ItemHeading conversation={c} />
              {(highlights ?? []).map((h, i) => (
                <Text key={i} size="xs" c="dimmed" className="sb-preview" data-testid="search-highlight">
                  <span className="sb-visually-hidden">{FIELD_LABEL[h.field]}: </span>
                  {h.field !== 'MESSAGE' && (
                    <Badge size="xs" variant="light" color="gray" mr={4} aria-hidden>
                      {FIELD_LABEL[h.field]}
                    </Badge>
                  )}
                  <HighlightedText highlight={h} />
                </Text>
              ))}
              <Group gap={4} mt={4}>
                <Badge size="xs" variant="light" color={c.status === 'RESOLVED' ? 'green' : c.status === 'PENDING' ? 'gray' : 'blue'}>
                  {c.status === 'RESOLVED' ? 'Resolved' : c.status === 'PENDING' ? 'Pending' : 'Open'}
                </Badge>
                {c.assignee && (
                  <Badge size="xs" variant="outline" color="gray">
                    {c.assignee.name}
                  </Badge>
                )}
              </Group>
            </Link>
          </li>
        ))}
      </ul>
      {connection?.pageInfo.hasNextPage && (
        <Group justify="center" p="sm">
          <Button variant="subtle" size="xs" onClick={loadMore} loading={loadingMore}>
            More results
          </Button>
        </Group>
      )}
    </div>
  );
}
