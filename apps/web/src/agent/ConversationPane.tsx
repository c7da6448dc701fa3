import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Anchor, Badge, Button, Group, Menu, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import {
  AddNoteDocument,
  AgentConversationDocument,
  AssignConversationDocument,
  HandOffToHumanDocument,
  SetConversationStatusDocument,
  TeamMembersDocument,
  UnassignConversationDocument,
  type ConversationDetailFragment,
  type ConversationEvent,
  type TicketDetailFragment,
} from '@switchboard/schema/client';
import { useStaff } from '../staff/StaffGate';
import { useLiveChat } from '../lib/useLiveChat';
import { useMessageHistory } from '../lib/useMessageHistory';
import { appendMessage } from '../lib/messageCache';
import type { OutgoingMessage } from '../lib/outbox';
import { useComposer } from '../lib/useComposer';
import { contactName, handoffReasonLabel, humanize, percent, timeOfDay } from '../lib/format';
import type { AnswerStream, ChatMessage, LiveConversation } from '../lib/conversation';
import { describeError } from '../lib/errors';
import { ErrorNotice } from '../components/ErrorNotice';
import { Loading } from '../components/States';
import { AssistPanel } from './AssistPanel';
import { TicketModal } from './TicketModal';
import { useCannedReplyPicker } from './CannedReplyPicker';
import { useMentionPicker } from './MentionPicker';
import { ConversationLabels } from './ConversationLabels';
import { ConversationTeam } from './ConversationTeam';
import { AttachButton, AttachmentList, DraftAttachmentList, PaperclipIcon } from '../components/Attachments';
import { useTeamPresence } from './TeamPresence';

const PAGE = 30;

export function ConversationPane({ conversationId }: { conversationId: string }) {
  const { api, me } = useStaff();
  const query = useQuery(AgentConversationDocument, { variables: { id: conversationId, last: PAGE }, fetchPolicy: 'network-only' });
  const historyReady = query.data != null;
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);
  const history = useMessageHistory({ connection: query.data?.conversation.messages, fetchMore: query.fetchMore, scrollRef });
  const { loadEarlier, keepAnchor } = history;

  // Sources of AI replies and the analysis of customer messages are not in the feed: read the newest few again (into the cached history).
  const refreshRecent = () => {
    api.apollo.query({ query: AgentConversationDocument, variables: { id: conversationId, last: 5 }, fetchPolicy: 'network-only' }).catch(() => undefined);
  };

  const onEvent = (event: ConversationEvent) => {
    // Ratings, resolution times, erased texts and labels are not in the event: read the conversation again.
    if (event.__typename === 'ConversationUpdated' && ['rated', 'resolved', 'reopened', 'erased', 'labeled', 'unlabeled'].includes(event.change))
      void query.refetch();
    if (event.__typename !== 'MessageAdded') return;
    composer.confirm(event.message.clientMessageId);
    if (event.message.authorType === 'AI') refreshRecent();
    if (event.message.authorType === 'CUSTOMER') setTimeout(refreshRecent, 1_500);
  };

  const { messages, streams, state, dispatch, feedError, resubscribe } = useLiveChat({
    client: api.ws,
    cache: api.apollo.cache,
    conversationId,
    messages: history.messages,
    start: historyReady,
    self: { type: 'AGENT', id: me.id },
    onEvent,
  });

  // --- earlier history (infinite scroll up) -----------------------------------
  const sentinelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinelRef.current;
    const root = scrollRef.current;
    if (!el || !root || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadEarlier(), { root, rootMargin: '120px 0px 0px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [loadEarlier, historyReady]);

  // --- sending -----------------------------------------------------------------
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const composer = useComposer({
    api,
    conversationId,
    messages,
    onSent: (message) => appendMessage(api.apollo.cache, message),
    channel: mode,
    sendNote: async (input) => {
      const res = await api.apollo.mutate({ mutation: AddNoteDocument, variables: { input } });
      if (!res.data) throw new Error('No data');
      return res.data.addNote;
    },
    stopTypingOnLeave: true,
    onQueued: () => {
      stickRef.current = true;
    },
  });
  const { draft, setDraft, files, outgoing } = composer;
  const canned = useCannedReplyPicker({ draft, conversationId, onInsert: (text) => setDraft(text) });
  const mentions = useMentionPicker({ draft, enabled: mode === 'note', onInsert: (text) => setDraft(text) });
  // The pickers take the keys they need while their list is open.
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (canned.onKeyDown(e) || mentions.onKeyDown(e)) return;
    composer.onKeyDown(e);
  };

  // --- scrolling -----------------------------------------------------------------
  useLayoutEffect(() => {
    const el = scrollRef.current;
    // Earlier messages going in above keep the ones being read where they were.
    if (!el || keepAnchor()) return;
    if (stickRef.current) el.scrollTop = el.scrollHeight;
  }, [keepAnchor, messages, streams, outgoing.length, historyReady]);

  const [ticketOpen, setTicketOpen] = useState(false);
  const [ticket, setTicket] = useState<TicketDetailFragment | null>(null);

  if (query.error && !query.data) {
    // A wrong or foreign link will not open by trying again; only passing failures offer a retry.
    const missing = ['NOT_FOUND', 'BAD_USER_INPUT', 'FORBIDDEN'].includes(describeError(query.error).code);
    return (
      <section className="sb-col sb-convo" aria-label="Conversation">
        <Stack p="md">
          {missing ? (
            <ErrorNotice
              error={query.error}
              title="There is no such conversation"
              messages={{
                NOT_FOUND: 'It may have been deleted, or the link is wrong.',
                BAD_USER_INPUT: 'The link is not a conversation’s address.',
                FORBIDDEN: 'It belongs to another workspace or is not yours to see.',
              }}
            />
          ) : (
            <ErrorNotice error={query.error} title="Could not open this conversation" onRetry={() => void query.refetch()} />
          )}
          <Anchor component={Link} to="/agent">
            Back to the inbox
          </Anchor>
        </Stack>
      </section>
    );
  }
  const base = query.data?.conversation;
  if (!base) {
    return (
      <section className="sb-col sb-convo" aria-label="Conversation">
        <Loading label="Loading the conversation…" />
      </section>
    );
  }
  const conversation = withLive(base, state.live);
  const customerTyping = state.typing.filter((t) => t.type === 'CUSTOMER');
  const colleaguesTyping = state.typing.filter((t) => t.type === 'AGENT');

  return (
    <>
      <section className="sb-col sb-convo" aria-labelledby="conversation-title">
        <ConversationHeader
          conversation={conversation}
          onChanged={(c) => dispatch({ type: 'live', live: liveOf(c) })}
          onCreateTicket={() => setTicketOpen(true)}
        />
        <ConversationLabels conversationId={base.id} labels={base.labels} />
        <ConversationTeam conversationId={base.id} teamId={base.team?.id ?? null} />
        {ticket && (
          <Alert
            color="green"
            title="Ticket created"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => setTicket(null)}
            role="status"
            mx="sm"
            mt="xs"
            data-testid="ticket-created"
          >
            “{ticket.subject}” ({ticket.priority.toLowerCase()} priority) is in{' '}
            <Anchor component={Link} to="/agent/tickets">
              Tickets
            </Anchor>
            .
          </Alert>
        )}
        <div
          className="sb-scroll"
          ref={scrollRef}
          role="log"
          aria-label="Messages"
          tabIndex={0}
          onScroll={(e) => {
            const el = e.currentTarget;
            stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          }}
        >
          <div ref={sentinelRef} />
          {history.hasEarlier && (
            <Group justify="center" pt="xs">
              <Button variant="subtle" size="xs" onClick={loadEarlier} loading={history.loadingEarlier}>
                Load older messages
              </Button>
            </Group>
          )}
          {history.earlierError != null && <ErrorNotice error={history.earlierError} title="Could not load older messages" onRetry={loadEarlier} compact />}
          {!history.hasEarlier && historyReady && (
            <Text size="xs" c="dimmed" ta="center" pt="xs">
              Start of the conversation
            </Text>
          )}
          <ol className="sb-thread" data-testid="thread">
            {messages.map((m) => (
              <AgentBubble key={m.seq} message={m} meId={me.id} />
            ))}
            {streams.map((s) => (
              <StreamBubble key={s.replyToSeq} stream={s} />
            ))}
            {outgoing.map((p) => (
              <PendingBubble
                key={p.clientMessageId}
                item={p}
                note={p.channel === 'note'}
                onRetry={() => composer.retry(p)}
                onDiscard={() => composer.discard(p)}
              />
            ))}
          </ol>
          {feedError != null && (
            <Stack px="sm">
              <ErrorNotice error={feedError} title="Live updates for this conversation stopped" onRetry={resubscribe} retryLabel="Reconnect" compact />
            </Stack>
          )}
        </div>
        <div className="sb-composer">
          <Text size="xs" c="dimmed" mih={18} aria-live="polite" data-testid="typing-indicator">
            {customerTyping.length > 0 && `${contactName(conversation.contact)} is typing…`}
            {customerTyping.length > 0 && colleaguesTyping.length > 0 && ' · '}
            {colleaguesTyping.length > 0 && `${colleaguesTyping.map((t) => t.name ?? 'A colleague').join(', ')} is typing…`}
          </Text>
          {canned.list}
          {mentions.list}
          <DraftAttachmentList items={files.items} onRemove={files.remove} />
          <form onSubmit={composer.send} data-mode={mode}>
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <AttachButton onFiles={files.add} disabled={!composer.ready} />
              <Textarea
                style={{ flex: 1 }}
                className={mode === 'note' ? 'sb-note-input' : undefined}
                label={mode === 'note' ? 'Private note' : 'Reply'}
                description={
                  mode === 'note'
                    ? 'Only your team sees notes; the customer and the AI never do. @ lists colleagues to notify. Enter adds the note.'
                    : `${conversation.mode === 'AI' ? 'Sending a reply takes the conversation over from the AI. ' : ''}Enter sends, Shift+Enter adds a line, / inserts a saved reply.`
                }
                autosize
                minRows={2}
                maxRows={8}
                value={draft}
                maxLength={10_000}
                onChange={(e) => composer.change(e.currentTarget.value)}
                onKeyDown={onKeyDown}
                {...canned.inputProps}
                {...mentions.inputProps}
                onBlur={composer.onBlur}
              />
              {/* After the text box in the tab order: Tab from the reply reaches it, then the button. */}
              <Stack gap={4} align="stretch">
                <SegmentedControl
                  size="xs"
                  value={mode}
                  onChange={(v) => setMode(v as 'reply' | 'note')}
                  aria-label="Write a reply or a private note"
                  data={[
                    { value: 'reply', label: 'Reply' },
                    { value: 'note', label: 'Private note' },
                  ]}
                />
                <Button type="submit" disabled={!composer.canSend} color={mode === 'note' ? 'yellow' : undefined} c={mode === 'note' ? 'dark.9' : undefined}>
                  {mode === 'note' ? 'Add note' : 'Send'}
                </Button>
              </Stack>
            </Group>
          </form>
        </div>
      </section>
      <AssistPanel
        conversation={conversation}
        onUse={(text) => setDraft((d) => (d.trim() ? `${d.trimEnd()}\n\n${text}` : text))}
        onCreateTicket={() => setTicketOpen(true)}
        isAdmin={me.role === 'ADMIN'}
        onContactErased={() => void query.refetch()}
      />
      <TicketModal
        opened={ticketOpen}
        conversationId={conversationId}
        onClose={() => setTicketOpen(false)}
        onCreated={(t) => {
          setTicket(t);
          setTicketOpen(false);
        }}
      />
    </>
  );
}

type LiveDetail = ConversationDetailFragment;

function withLive(c: LiveDetail, live: LiveConversation): LiveDetail {
  return {
    ...c,
    ...(live.status ? { status: live.status } : {}),
    ...(live.mode ? { mode: live.mode } : {}),
    ...(live.handoffReason !== undefined ? { handoffReason: live.handoffReason } : {}),
    ...(live.assignee !== undefined ? { assignee: live.assignee } : {}),
  };
}

function liveOf(c: LiveDetail): LiveConversation {
  return { status: c.status, mode: c.mode, handoffReason: c.handoffReason, assignee: c.assignee };
}

function ConversationHeader({
  conversation: c,
  onChanged,
  onCreateTicket,
}: {
  conversation: LiveDetail;
  onChanged(c: LiveDetail): void;
  onCreateTicket(): void;
}) {
  const { me } = useStaff();
  const { colleagues } = useTeamPresence();
  const [assign, assignState] = useMutation(AssignConversationDocument);
  const [unassign, unassignState] = useMutation(UnassignConversationDocument);
  const [setStatus, statusState] = useMutation(SetConversationStatusDocument);
  const [handOff, handOffState] = useMutation(HandOffToHumanDocument);
  const error = assignState.error ?? unassignState.error ?? statusState.error ?? handOffState.error;
  // Everyone who can take the conversation, online colleagues first.
  const team = useQuery(TeamMembersDocument, { fetchPolicy: 'cache-and-network' });
  const presence = new Map(colleagues.map((p) => [p.user.id, p.status]));
  const others = (team.data?.teamMembers ?? colleagues.map((p) => p.user))
    .filter((u) => u.id !== me.id && u.id !== c.assignee?.id)
    .map((user) => ({ user, status: presence.get(user.id) ?? 'OFFLINE' }))
    .sort((a, b) => Number(a.status === 'OFFLINE') - Number(b.status === 'OFFLINE') || a.user.name.localeCompare(b.user.name));

  async function run<T>(p: Promise<{ data?: T | null }>, pick: (d: T) => LiveDetail) {
    try {
      const { data } = await p;
      if (data) onChanged(pick(data));
    } catch {
      // Shown below by code.
    }
  }

  return (
    <Stack gap={6} p="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Anchor component={Link} to="/agent" size="xs" hiddenFrom="sm">
            ← Inbox
          </Anchor>
          <Title order={2} size="h4" id="conversation-title" lineClamp={1}>
            {contactName(c.contact)}
          </Title>
          <Text size="xs" c="dimmed">
            {c.contact.email ?? 'No email'} · {humanize(c.channel)}
            {c.language ? ` · ${c.language}` : ''}
          </Text>
        </div>
        <Group gap={4} data-testid="conversation-badges">
          <Badge variant="light" color={c.mode === 'AI' ? 'violet' : 'orange'}>
            {c.mode === 'AI' ? 'AI answering' : 'Human'}
          </Badge>
          <Badge variant="light" color={c.status === 'RESOLVED' ? 'green' : c.status === 'PENDING' ? 'gray' : 'blue'} data-testid="status-badge">
            {humanize(c.status)}
          </Badge>
          <Badge variant="outline" color={c.assignee ? 'indigo' : 'red'} data-testid="assignee-badge">
            {c.assignee ? (c.assignee.id === me.id ? 'Assigned to you' : `Assigned to ${c.assignee.name}`) : 'Unassigned'}
          </Badge>
        </Group>
      </Group>
      {c.handoffReason && c.mode === 'HUMAN' && (
        <Text size="xs" c="dimmed">
          Handed off: {handoffReasonLabel(c.handoffReason)}
        </Text>
      )}
      <Group gap={6} wrap="wrap">
        {c.assignee?.id !== me.id && (
          <Button
            size="compact-sm"
            variant="light"
            loading={assignState.loading}
            onClick={() => void run(assign({ variables: { id: c.id, userId: me.id } }), (d) => d.assignConversation)}
          >
            Assign to me
          </Button>
        )}
        {others.length > 0 && (
          <Menu withinPortal>
            <Menu.Target>
              <Button size="compact-sm" variant="default">
                Assign to…
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Colleagues</Menu.Label>
              {others.map((p) => (
                <Menu.Item
                  key={p.user.id}
                  onClick={() => void run(assign({ variables: { id: c.id, userId: p.user.id } }), (d) => d.assignConversation)}
                  rightSection={
                    <Badge size="xs" variant="light" color={p.status === 'ONLINE' ? 'green' : p.status === 'AWAY' ? 'yellow' : 'gray'}>
                      {p.status.toLowerCase()}
                    </Badge>
                  }
                >
                  {p.user.name}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
        {c.assignee && (
          <Button
            size="compact-sm"
            variant="default"
            loading={unassignState.loading}
            onClick={() => void run(unassign({ variables: { id: c.id } }), (d) => d.unassignConversation)}
          >
            Unassign
          </Button>
        )}
        {c.mode === 'AI' && c.status !== 'RESOLVED' && (
          <Button
            size="compact-sm"
            variant="default"
            loading={handOffState.loading}
            onClick={() => void run(handOff({ variables: { id: c.id, reason: 'agent_took_over' } }), (d) => d.handOffToHuman)}
          >
            Take over from AI
          </Button>
        )}
        {c.status === 'RESOLVED' ? (
          <Button
            size="compact-sm"
            variant="default"
            loading={statusState.loading}
            onClick={() => void run(setStatus({ variables: { id: c.id, status: 'OPEN' } }), (d) => d.setConversationStatus)}
          >
            Reopen
          </Button>
        ) : (
          <Button
            size="compact-sm"
            color="green"
            variant="light"
            loading={statusState.loading}
            onClick={() => void run(setStatus({ variables: { id: c.id, status: 'RESOLVED' } }), (d) => d.setConversationStatus)}
          >
            Resolve
          </Button>
        )}
        <Button size="compact-sm" variant="default" onClick={onCreateTicket}>
          Create ticket
        </Button>
      </Group>
      {error && <ErrorNotice error={error} title="That did not work" compact />}
    </Stack>
  );
}

function authorLabel(m: ChatMessage, meId: string): string | null {
  if (m.kind === 'NOTE') return `Note · ${m.author ? (m.author.id === meId ? 'You' : m.author.name) : 'Agent'}`;
  switch (m.authorType) {
    case 'CUSTOMER':
      return 'Customer';
    case 'AI':
      return 'AI assistant';
    case 'AGENT':
      return m.author ? (m.author.id === meId ? 'You' : m.author.name) : 'Agent';
    case 'SYSTEM':
      return null;
  }
}

function AgentBubble({ message: m, meId }: { message: ChatMessage; meId: string }) {
  const label = authorLabel(m, meId);
  const sources = (m.citations ?? []).filter((c) => c.faq);
  return (
    <li className="sb-bubble" data-author={m.authorType} data-kind={m.kind} data-seq={m.seq} data-testid="message">
      <Group gap={6} justify={label ? 'space-between' : 'center'} wrap="nowrap">
        {label && <span className="sb-who">{label}</span>}
        <Text size="xs" component="time" dateTime={m.createdAt}>
          {timeOfDay(m.createdAt)}
        </Text>
      </Group>
      {m.body && <p>{m.body}</p>}
      <AttachmentList attachments={m.attachments} />
      {m.authorType === 'AI' && (m.confidence != null || sources.length > 0) && (
        <Text size="xs" mt={4} c="dimmed">
          {m.confidence != null && `Confidence ${percent(m.confidence)}`}
          {sources.length > 0 && ` · Sources: ${sources.map((c) => c.faq!.question).join('; ')}`}
        </Text>
      )}
      {m.authorType === 'CUSTOMER' && m.analysis && (
        <Group gap={4} mt={4}>
          <Badge size="xs" variant="white" color="gray">
            {humanize(m.analysis.intent)}
          </Badge>
          <Badge
            size="xs"
            variant="white"
            color={m.analysis.sentimentLabel === 'NEGATIVE' ? 'red' : m.analysis.sentimentLabel === 'POSITIVE' ? 'green' : 'gray'}
          >
            {humanize(m.analysis.sentimentLabel)}
          </Badge>
          {m.analysis.wantsHuman && (
            <Badge size="xs" variant="white" color="orange">
              Wants a person
            </Badge>
          )}
        </Group>
      )}
      {m.authorType === 'CUSTOMER' && m.moderation && (m.moderation.flagged || m.moderation.pii.length > 0) && (
        <Group gap={4} mt={4} data-testid="moderation">
          {m.moderation.flagged && (
            <Badge size="xs" color="red" title={`Flagged by moderation: ${m.moderation.categories.join(', ')}`}>
              Flagged: {m.moderation.categories.map(humanize).join(', ') || 'policy'}
            </Badge>
          )}
          {m.moderation.pii.length > 0 && (
            <Badge size="xs" variant="white" color="grape">
              Contains {m.moderation.pii.join(', ')}
            </Badge>
          )}
        </Group>
      )}
    </li>
  );
}

function StreamBubble({ stream }: { stream: AnswerStream }) {
  return (
    <li className="sb-bubble" data-author="AI" data-testid="ai-stream" aria-busy="true">
      <span className="sb-who">AI assistant · drafting</span>
      <p>{stream.text}</p>
    </li>
  );
}

function PendingBubble({ item, note = false, onRetry, onDiscard }: { item: OutgoingMessage; note?: boolean; onRetry(): void; onDiscard(): void }) {
  return (
    <li
      className="sb-bubble"
      data-author="AGENT"
      data-kind={note ? 'NOTE' : 'MESSAGE'}
      data-pending="true"
      data-testid="pending-message"
      data-status={item.status}
    >
      <span className="sb-who">{note ? 'Note · You' : 'You'}</span>
      {item.body && <p>{item.body}</p>}
      {item.attachments?.map((a) => (
        <p key={a.id}>
          <PaperclipIcon size={14} /> {a.filename}
        </p>
      ))}
      <Text size="xs" mt={4}>
        {item.status === 'retrying'
          ? 'Offline, will send when the connection is back…'
          : item.status === 'failed'
            ? `Not sent: ${item.error?.message ?? ''}`
            : 'Sending…'}
      </Text>
      {item.status === 'failed' && (
        <Group gap={4} mt={4}>
          <Button size="compact-xs" variant="white" onClick={onRetry}>
            Retry
          </Button>
          <Button size="compact-xs" variant="white" color="gray" onClick={onDiscard}>
            Discard
          </Button>
        </Group>
      )}
    </li>
  );
}
