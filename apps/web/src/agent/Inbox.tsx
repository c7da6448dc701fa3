import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Badge, Button, Chip, CloseButton, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  ConversationsDocument,
  InboxCountsDocument,
  InboxEventsDocument,
  LabelsDocument,
  TeamsDocument,
  type ConversationSummaryFragment,
} from '@switchboard/schema/client';
import { countByFilter, INBOX_FILTERS, matchesFilter, sortByActivity, upsertConversations, type InboxFilter } from '../lib/inbox';
import { useTick } from '../lib/hooks';
import { useConnection } from '../components/ConnectionStatus';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { useStaff } from '../staff/StaffGate';
import { ConversationSearchResults } from './ConversationSearch';
import { ItemHeading } from './ItemHeading';

const PAGE = 100;

interface InboxData {
  conversations: ConversationSummaryFragment[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore(): void;
  reload(): void;
  unread: ReadonlySet<string>;
  /** Bumped on every inbox event and reconnect: server-side counts are read again. */
  changes: number;
}

/** The first pages of the inbox, kept current by `inboxEvents` and re-read after a reconnect. */
function useInbox(selectedId: string | null): InboxData {
  const { api } = useStaff();
  const [byId, setById] = useState<Map<string, ConversationSummaryFragment>>(new Map());
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [cursor, setCursor] = useState<{ endCursor: string | null; hasNextPage: boolean }>({ endCursor: null, hasNextPage: false });
  const [unread, setUnread] = useState<Set<string>>(new Set());
  const [changes, setChanges] = useState(0);
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;

  const fetchPage = useCallback(
    async (after: string | null) => {
      const { data } = await api.apollo.query({
        query: ConversationsDocument,
        variables: { first: PAGE, after },
        fetchPolicy: 'network-only',
      });
      setById((m) =>
        upsertConversations(
          m,
          data.conversations.edges.map((e) => e.node),
        ),
      );
      return data.conversations.pageInfo;
    },
    [api],
  );

  const reload = useCallback(() => {
    setError(null);
    fetchPage(null)
      .then((info) => setCursor((c) => (c.endCursor ? c : { endCursor: info.endCursor ?? null, hasNextPage: info.hasNextPage })))
      .catch(setError)
      .finally(() => setLoading(false));
  }, [fetchPage]);

  useEffect(() => reload(), [reload]);

  const loadMore = () => {
    if (!cursor.hasNextPage || loadingMore) return;
    setLoadingMore(true);
    fetchPage(cursor.endCursor)
      .then((info) => setCursor({ endCursor: info.endCursor ?? null, hasNextPage: info.hasNextPage }))
      .catch(setError)
      .finally(() => setLoadingMore(false));
  };

  useSubscription(InboxEventsDocument, {
    onData: ({ data }) => {
      const event = data.data?.inboxEvents;
      if (event?.__typename !== 'ConversationUpdated') return;
      const c = event.conversation;
      setById((m) => upsertConversations(m, [c]));
      setChanges((n) => n + 1);
      if ((event.change === 'message' || event.change === 'created') && c.id !== selectedRef.current) {
        setUnread((u) => new Set(u).add(c.id));
      }
    },
  });

  useEffect(() => {
    if (!selectedId) return;
    setUnread((u) => {
      if (!u.has(selectedId)) return u;
      const next = new Set(u);
      next.delete(selectedId);
      return next;
    });
  }, [selectedId]);

  // Inbox events missed while the socket was down are not replayed: read the first page again.
  const { reconnects } = useConnection(api.connection);
  useEffect(() => {
    if (reconnects > 0) {
      reload();
      setChanges((n) => n + 1);
    }
  }, [reconnects, reload]);

  const conversations = useMemo(() => sortByActivity(byId.values()), [byId]);
  return { conversations, loading, error, hasMore: cursor.hasNextPage, loadingMore, loadMore, reload, unread, changes };
}

/**
 * Counts for the whole workspace from the server (the list holds only the
 * pages loaded so far), read again shortly after changes; until the first
 * answer, counted from the loaded conversations.
 */
function useInboxCounts(loaded: ConversationSummaryFragment[], meId: string, changes: number): Record<InboxFilter, number> {
  const { data, refetch } = useQuery(InboxCountsDocument, { fetchPolicy: 'network-only' });
  useEffect(() => {
    if (changes === 0) return;
    const timer = setTimeout(() => void refetch().catch(() => undefined), 300);
    return () => clearTimeout(timer);
  }, [changes, refetch]);
  const local = useMemo(() => countByFilter(loaded, meId), [loaded, meId]);
  const c = data?.inboxCounts;
  return c ? { open: c.open, mine: c.mine, unassigned: c.unassigned, ai: c.ai, handed_off: c.handedOff, resolved: c.resolved } : local;
}

/**
 * The label and team filters: the server's list of conversations carrying the
 * label and in the team's inbox (the loaded pages may not hold them all),
 * shown with the live versions of those the inbox holds, and read again
 * shortly after changes.
 */
function useServerFilter(live: ConversationSummaryFragment[], changes: number) {
  const [labelId, setLabelId] = useState('');
  const [teamId, setTeamId] = useState('');
  const labels = useQuery(LabelsDocument, { fetchPolicy: 'cache-and-network' });
  const teams = useQuery(TeamsDocument, { fetchPolicy: 'cache-and-network' });
  const active = Boolean(labelId || teamId);
  const filter = { ...(labelId ? { labelIds: [labelId] } : {}), ...(teamId ? { teamId } : {}) };
  const filtered = useQuery(ConversationsDocument, { variables: { first: PAGE, filter }, skip: !active, fetchPolicy: 'network-only' });
  const { refetch: refetchLabels } = labels;
  const { refetch: refetchTeams } = teams;
  const { refetch: refetchFiltered } = filtered;
  useEffect(() => {
    if (changes === 0) return;
    const timer = setTimeout(() => {
      void refetchLabels().catch(() => undefined);
      void refetchTeams().catch(() => undefined);
      if (active) void refetchFiltered().catch(() => undefined);
    }, 300);
    return () => clearTimeout(timer);
  }, [changes, active, refetchLabels, refetchTeams, refetchFiltered]);
  const conversations = useMemo(() => {
    if (!active) return null;
    const byId = new Map(live.map((c) => [c.id, c]));
    // The live version only while it still matches (a transfer or an unlabel takes it out before the refetch).
    return (filtered.data?.conversations.edges ?? [])
      .map((e) => byId.get(e.node.id) ?? e.node)
      .filter((c) => (!teamId || c.team?.id === teamId) && (!labelId || c.labels.some((l) => l.id === labelId)));
  }, [active, labelId, teamId, filtered.data, live]);
  return {
    active,
    labelId,
    setLabelId,
    teamId,
    setTeamId,
    labels: labels.data?.labels ?? [],
    teams: teams.data?.teams ?? [],
    conversations,
    error: filtered.error,
  };
}

export function Inbox({ selectedId }: { selectedId: string | null }) {
  const { me } = useStaff();
  const inbox = useInbox(selectedId);
  const [filter, setFilter] = useState<InboxFilter>('open');
  useTick(30_000);
  const counts = useInboxCounts(inbox.conversations, me.id, inbox.changes);
  const byServer = useServerFilter(inbox.conversations, inbox.changes);
  const visible = (byServer.conversations ?? inbox.conversations).filter((c) => matchesFilter(c, filter, me.id));
  const [searchInput, setSearchInput] = useState('');
  const [debounced] = useDebouncedValue(searchInput.trim().slice(0, 200), 300);
  // Searching covers every conversation, whatever the filters below; clearing the box brings the inbox back.
  const search = searchInput.trim() ? debounced : '';

  return (
    <>
      <Stack gap="xs" p="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Title order={2} size="h4" id="inbox-heading">
          Inbox
        </Title>
        <TextInput
          size="xs"
          type="search"
          aria-label="Search conversations"
          placeholder="Search messages, contacts, tickets…"
          value={searchInput}
          maxLength={200}
          onChange={(e) => setSearchInput(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Escape' && setSearchInput('')}
          data-testid="inbox-search"
          rightSection={searchInput ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setSearchInput('')} /> : null}
        />
        {!search && (
          <Chip.Group multiple={false} value={filter} onChange={(v) => setFilter(v as InboxFilter)}>
            <Group gap={6} role="radiogroup" aria-label="Filter conversations">
              {INBOX_FILTERS.map((f) => (
                <Chip key={f.value} value={f.value} size="xs" data-testid={`filter-${f.value}`}>
                  {f.label} <span data-testid={`count-${f.value}`}>{counts[f.value]}</span>
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        )}
        {!search && (byServer.labels.length > 0 || byServer.teams.length > 0) && (
          <Group gap="xs" grow>
            {byServer.teams.length > 0 && (
              <NativeSelect
                size="xs"
                label="Filter by team"
                value={byServer.teamId}
                onChange={(e) => byServer.setTeamId(e.currentTarget.value)}
                data={[
                  { value: '', label: 'All teams' },
                  ...byServer.teams.map((t) => ({ value: t.id, label: `${t.name} · ${t.waitingConversations} waiting` })),
                ]}
              />
            )}
            {byServer.labels.length > 0 && (
              <NativeSelect
                size="xs"
                label="Filter by label"
                value={byServer.labelId}
                onChange={(e) => byServer.setLabelId(e.currentTarget.value)}
                data={[{ value: '', label: 'All labels' }, ...byServer.labels.map((l) => ({ value: l.id, label: `${l.name} · ${l.openConversations} open` }))]}
              />
            )}
          </Group>
        )}
      </Stack>
      {search ? (
        <ConversationSearchResults search={search} selectedId={selectedId} />
      ) : (
        <div className="sb-scroll" aria-busy={inbox.loading}>
          {inbox.error != null && <ErrorNotice error={inbox.error} title="Could not load the inbox" onRetry={inbox.reload} compact />}
          {byServer.error != null && <ErrorNotice error={byServer.error} title="Could not filter the inbox" compact />}
          {inbox.loading && inbox.conversations.length === 0 && <Loading label="Loading conversations…" />}
          {!inbox.loading && !inbox.error && visible.length === 0 && (
            <Empty title="Nothing here">
              {filter === 'open' ? 'No open conversations. New ones appear here live.' : 'No conversations match this filter.'}
            </Empty>
          )}
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-labelledby="inbox-heading" data-testid="inbox-list">
            {visible.map((c) => (
              <li key={c.id}>
                <InboxItem conversation={c} selected={c.id === selectedId} unread={inbox.unread.has(c.id)} meId={me.id} />
              </li>
            ))}
          </ul>
          {inbox.hasMore && !byServer.active && (
            <Group justify="center" p="sm">
              <Button variant="subtle" size="xs" onClick={inbox.loadMore} loading={inbox.loadingMore}>
                Load older conversations
              </Button>
            </Group>
          )}
        </div>
      )}
    </>
  );
}

function InboxItem({
  conversation: c,
  selected,
  unread,
  meId,
}: {
  conversation: ConversationSummaryFragment;
  selected: boolean;
  unread: boolean;
  meId: string;
}) {
  const last = c.lastMessage;
  const prefix = last ? { CUSTOMER: '', AI: 'AI: ', AGENT: 'Agent: ', SYSTEM: '' }[last.authorType] : '';
  return (
    <Link
      to={`/agent/c/${c.id}`}
      className="sb-inbox-item"
      aria-current={selected ? 'page' : undefined}
      data-unread={unread}
      data-testid="inbox-item"
      data-conversation-id={c.id}
    >
      <ItemHeading conversation={c} unread={unread} />
      <Text size="xs" c="dimmed" className="sb-preview">
        {last ? `${prefix}${last.body}` : 'No messages yet'}
      </Text>
      <Group gap={4} mt={4}>
        <Badge size="xs" variant="light" color={c.mode === 'AI' ? 'violet' : 'orange'}>
          {c.mode === 'AI' ? 'AI' : 'Human'}
        </Badge>
        {c.status !== 'OPEN' && (
          <Badge size="xs" variant="light" color={c.status === 'RESOLVED' ? 'green' : 'gray'}>
            {c.status === 'RESOLVED' ? 'Resolved' : 'Pending'}
          </Badge>
        )}
        <Badge size="xs" variant="outline" color={c.assignee ? (c.assignee.id === meId ? 'indigo' : 'gray') : 'red'}>
          {c.assignee ? (c.assignee.id === meId ? 'You' : c.assignee.name) : 'Unassigned'}
        </Badge>
        {c.priority !== 'NORMAL' && (
          <Badge size="xs" variant="light" color={c.priority === 'URGENT' || c.priority === 'HIGH' ? 'red' : 'gray'}>
            {c.priority.toLowerCase()}
          </Badge>
        )}
        {c.team && (
          <Badge size="xs" variant="default" data-testid="inbox-item-team">
            {c.team.name}
          </Badge>
        )}
        {c.labels.map((l) => (
          <Badge
            key={l.id}
            size="xs"
            variant="default"
            data-testid="inbox-item-label"
            leftSection={<span aria-hidden style={{ display: 'inline-block', width: 6, height: 6, borderRadius: 3, background: l.color }} />}
          >
            {l.name}
          </Badge>
        ))}
      </Group>
    </Link>
  );
}
