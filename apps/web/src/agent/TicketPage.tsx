// The ticket page: the ticket and where it stands against its SLA, its
// requester and conversation, the comment thread (public replies and internal
// comments) with a composer, and its history. Live: any change to the ticket
// (another agent's comment, an SLA breach) refetches it.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Anchor, Badge, Button, Group, NativeSelect, Paper, SegmentedControl, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import {
  AddTicketCommentDocument,
  InboxEventsDocument,
  TeamMembersDocument,
  TicketPageDocument,
  UpdateTicketDocument,
  type Priority,
  type TicketPageQuery,
  type TicketStatus,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { contactName, dateTime, humanize, relativeTime } from '../lib/format';
import { SlaBadge } from './SlaBadge';

const STATUSES: TicketStatus[] = ['OPEN', 'PENDING', 'RESOLVED', 'CLOSED'];
const PRIORITIES: Priority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

type Ticket = NonNullable<TicketPageQuery['ticket']>;
type HistoryEntry = Ticket['history']['edges'][number]['node'];

export function TicketPage() {
  const { ticketId = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(TicketPageDocument, { variables: { id: ticketId }, fetchPolicy: 'cache-and-network' });
  const team = useQuery(TeamMembersDocument, { fetchPolicy: 'cache-and-network' });
  const [update, updateState] = useMutation(UpdateTicketDocument);
  useSubscription(InboxEventsDocument, {
    onData: ({ data: d }) => {
      const e = d.data?.inboxEvents;
      if (e?.__typename === 'TicketUpdated' && e.ticket.id === ticketId) void refetch();
    },
  });
  const t = data?.ticket;
  if (error && !t) return <ErrorNotice error={error} title="Could not load the ticket" onRetry={() => void refetch()} />;
  if (loading && !t) return <Loading label="Loading the ticket…" />;
  if (!t) return <Empty title="Ticket not found">It may have been deleted.</Empty>;

  const names = new Map((team.data?.teamMembers ?? []).map((u) => [u.id, u.name]));
  if (t.assignee) names.set(t.assignee.id, t.assignee.name);
  const change = (input: { status?: TicketStatus; priority?: Priority; assigneeId?: string | null }) =>
    void update({ variables: { input: { id: t.id, ...input } } })
      .then(() => refetch())
      .catch(() => undefined);

  return (
    <Stack p="md" gap="md" maw={980}>
      <Text size="sm">
        <Anchor component={Link} to="/agent/tickets">
          ← Tickets
        </Anchor>
      </Text>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h3">
            {t.subject}
          </Title>
          <Group gap="xs">
            <Badge variant="light">{humanize(t.status)}</Badge>
            <Badge variant="outline">{humanize(t.priority)} priority</Badge>
            <SlaBadge sla={t.sla} />
          </Group>
        </Stack>
        <Group gap="xs">
          <NativeSelect
            aria-label="Status"
            size="xs"
            value={t.status}
            data={STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
            onChange={(e) => change({ status: e.currentTarget.value as TicketStatus })}
          />
          <NativeSelect
            aria-label="Priority"
            size="xs"
            value={t.priority}
            data={PRIORITIES.map((p) => ({ value: p, label: humanize(p) }))}
            onChange={(e) => change({ priority: e.currentTarget.value as Priority })}
          />
          <NativeSelect
            aria-label="Assignee"
            size="xs"
            value={t.assignee?.id ?? ''}
            data={[{ value: '', label: 'Unassigned' }, ...[...names].map(([value, label]) => ({ value, label }))]}
            onChange={(e) => change({ assigneeId: e.currentTarget.value || null })}
          />
        </Group>
      </Group>
      {updateState.error && <ErrorNotice error={updateState.error} title="Could not update the ticket" compact />}

      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
        <Fact label="Requester">{t.requester ? contactName(t.requester) : '—'}</Fact>
        <Fact label="Conversation">
          {t.conversation ? (
            <Anchor component={Link} to={`/agent/c/${t.conversation.id}`} size="sm">
              Open ({humanize(t.conversation.status)})
            </Anchor>
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="First response">
          {t.sla.firstRespondedAt
            ? `Sent ${dateTime(t.sla.firstRespondedAt)}`
            : t.sla.firstResponseDueAt
              ? `Due ${dateTime(t.sla.firstResponseDueAt)}`
              : 'No target'}
          {t.sla.firstResponseBreached && <BreachedMark />}
        </Fact>
        <Fact label="Resolution">
          {t.resolvedAt ? `Resolved ${dateTime(t.resolvedAt)}` : t.sla.resolutionDueAt ? `Due ${dateTime(t.sla.resolutionDueAt)}` : 'No target'}
          {t.sla.resolutionBreached && <BreachedMark />}
        </Fact>
      </SimpleGrid>
      {t.description && (
        <Paper withBorder p="sm">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {t.description}
          </Text>
        </Paper>
      )}

      <section aria-label="Comments">
        <Title order={2} size="h5" mb="xs">
          Comments
        </Title>
        {t.comments.edges.length === 0 ? (
          <Text size="sm" c="dimmed">
            No comments yet.
          </Text>
        ) : (
          <Stack gap="xs" component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
            {t.comments.edges.map(({ node: c }) => (
              <li key={c.id} className="sb-ticket-comment" data-public={c.isPublic ? 'true' : 'false'} data-testid="ticket-comment">
                <Group gap="xs" mb={2}>
                  <Text size="xs" fw={600}>
                    {c.author?.name ?? 'Former agent'}
                  </Text>
                  {/* Dark on the note's yellow: the light yellow badge would not meet contrast there. */}
                  <Badge size="xs" color={c.isPublic ? 'blue' : 'dark'} variant={c.isPublic ? 'light' : 'outline'}>
                    {c.isPublic ? 'Public reply' : 'Internal'}
                  </Badge>
                  <Text size="xs" c="dimmed" title={dateTime(c.createdAt)}>
                    {relativeTime(c.createdAt)}
                  </Text>
                </Group>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {c.body}
                </Text>
              </li>
            ))}
          </Stack>
        )}
        <CommentComposer ticketId={t.id} hasConversation={Boolean(t.conversation)} onSent={() => void refetch()} />
      </section>

      <section aria-label="History">
        <Title order={2} size="h5" mb="xs">
          History
        </Title>
        <Stack gap={2} component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
          {t.history.edges.map(({ node: h }) => (
            <li key={h.id}>
              <Text size="sm" data-testid="ticket-history">
                {historyText(h, names)}{' '}
                <Text span size="xs" c="dimmed" title={dateTime(h.createdAt)}>
                  · {relativeTime(h.createdAt)}
                </Text>
              </Text>
            </li>
          ))}
        </Stack>
      </section>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="xs">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Paper>
  );
}

function BreachedMark() {
  return (
    <Badge size="xs" color="red" ml={6}>
      breached
    </Badge>
  );
}

/** "Sam changed the status from Open to Pending", "First response target missed". */
export function historyText(h: HistoryEntry, names: Map<string, string>): string {
  const who = h.actor?.name ?? 'Someone';
  const person = (id: string | null | undefined) => (id ? (names.get(id) ?? 'a former agent') : 'nobody');
  const when = (iso: string | null | undefined) => (iso ? dateTime(iso) : 'none');
  switch (h.kind) {
    case 'CREATED':
      return `${who} created the ticket`;
    case 'STATUS':
      return `${who} changed the status from ${humanize(h.fromValue)} to ${humanize(h.toValue)}`;
    case 'PRIORITY':
      return `${who} changed the priority from ${humanize(h.fromValue)} to ${humanize(h.toValue)}`;
    case 'ASSIGNEE':
      return `${who} reassigned it from ${person(h.fromValue)} to ${person(h.toValue)}`;
    case 'DUE_AT':
      return `${h.actor ? who : 'The SLA policy'} moved the due time from ${when(h.fromValue)} to ${when(h.toValue)}`;
    case 'FIRST_RESPONSE_BREACHED':
      return `First response target missed (due ${when(h.toValue)})`;
    case 'RESOLUTION_BREACHED':
      return `Resolution target missed (due ${when(h.toValue)})`;
  }
}

function CommentComposer({ ticketId, hasConversation, onSent }: { ticketId: string; hasConversation: boolean; onSent(): void }) {
  const [kind, setKind] = useState<'public' | 'internal'>('internal');
  const [body, setBody] = useState('');
  const [add, { loading, error }] = useMutation(AddTicketCommentDocument);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await add({ variables: { input: { ticketId, body, isPublic: kind === 'public' } } });
    } catch {
      return; // shown below
    }
    setBody('');
    onSent();
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Add a comment">
      <Stack gap="xs" mt="sm">
        <SegmentedControl
          aria-label="Comment kind"
          value={kind}
          onChange={(v) => setKind(v as 'public' | 'internal')}
          data={[
            { value: 'internal', label: 'Internal comment' },
            { value: 'public', label: 'Public reply' },
          ]}
          w="fit-content"
        />
        <Textarea
          label={kind === 'public' ? 'Reply to the requester' : 'Comment for colleagues'}
          description={
            kind === 'public'
              ? hasConversation
                ? 'Sent to the customer’s conversation as your message.'
                : 'Kept on the ticket; it has no conversation to send it to.'
              : 'Never shown to the customer.'
          }
          className={kind === 'internal' ? 'sb-note-input' : undefined}
          rows={3}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
        />
        <Group>
          <Button type="submit" loading={loading} disabled={!body.trim()}>
            {kind === 'public' ? 'Send reply' : 'Add comment'}
          </Button>
        </Group>
        {error && <ErrorNotice error={error} title="The comment was not added" compact />}
      </Stack>
    </form>
  );
}
