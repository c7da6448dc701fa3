import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Badge, Button, Group, Paper, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { SearchKnowledgeDocument, SuggestReplyDocument, type ConversationDetailFragment } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { CustomerData } from './CustomerData';
import { Empty, Loading } from '../components/States';
import { contactName, dateTime, handoffReasonLabel, humanize, percent } from '../lib/format';

interface Props {
  conversation: ConversationDetailFragment;
  /** Puts text into the reply box (nothing is sent). */
  onUse(text: string): void;
  onCreateTicket(): void;
  /** Admins also handle the customer's data requests (export, erasure). */
  isAdmin?: boolean;
  onContactErased?(): void;
}

export function AssistPanel({ conversation, onUse, onCreateTicket, isAdmin = false, onContactErased = () => undefined }: Props) {
  return (
    <aside className="sb-col sb-side" aria-label="Assistant and details">
      <Tabs defaultValue="suggest" keepMounted={false} style={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
        <Tabs.List grow>
          <Tabs.Tab value="suggest">AI suggestion</Tabs.Tab>
          <Tabs.Tab value="knowledge">Knowledge</Tabs.Tab>
          <Tabs.Tab value="details">Details</Tabs.Tab>
        </Tabs.List>
        <div className="sb-scroll">
          <Tabs.Panel value="suggest" p="sm">
            <Suggestion conversationId={conversation.id} lastSeq={conversation.lastSeq} onUse={onUse} />
          </Tabs.Panel>
          <Tabs.Panel value="knowledge" p="sm">
            <KnowledgeSearch onUse={onUse} />
          </Tabs.Panel>
          <Tabs.Panel value="details" p="sm">
            <Details conversation={conversation} onCreateTicket={onCreateTicket} isAdmin={isAdmin} onContactErased={onContactErased} />
          </Tabs.Panel>
        </div>
      </Tabs>
    </aside>
  );
}

function Suggestion({ conversationId, onUse }: { conversationId: string; lastSeq: number; onUse(text: string): void }) {
  const [suggest, { data, loading, error, reset }] = useMutation(SuggestReplyDocument);
  useEffect(() => reset(), [conversationId, reset]);
  const s = data?.suggestReply;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Drafts a reply to the customer's latest message from the knowledge base. Nothing is sent until you send it.
      </Text>
      <Button onClick={() => void suggest({ variables: { conversationId } }).catch(() => undefined)} loading={loading} variant="light">
        {s ? 'Suggest again' : 'Suggest a reply'}
      </Button>
      {error && <ErrorNotice error={error} title="No suggestion" compact />}
      {s && (
        <Paper withBorder p="sm" data-testid="suggestion">
          <Group justify="space-between" mb={4}>
            <Text size="xs" fw={700} tt="uppercase" c="dimmed">
              Suggested reply
            </Text>
            <Badge size="sm" variant="light" color={s.confidence >= 0.6 ? 'green' : s.confidence >= 0.35 ? 'yellow' : 'red'}>
              Confidence {percent(s.confidence)}
            </Badge>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {s.body || 'The knowledge base has nothing on this.'}
          </Text>
          {s.citations.length > 0 && (
            <Text size="xs" c="dimmed" mt={6}>
              Sources: {s.citations.map((c) => c.faq?.question ?? 'deleted entry').join('; ')}
            </Text>
          )}
          {s.body && (
            <Button size="xs" mt="sm" onClick={() => onUse(s.body)}>
              Use this reply
            </Button>
          )}
        </Paper>
      )}
    </Stack>
  );
}

function KnowledgeSearch({ onUse }: { onUse(text: string): void }) {
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 300);
  const { data, loading, error, refetch } = useQuery(SearchKnowledgeDocument, {
    variables: { query: debounced, limit: 5 },
    skip: debounced.length < 2,
    fetchPolicy: 'cache-and-network',
  });
  const hits = debounced.length >= 2 ? (data?.searchKnowledge ?? []) : [];
  return (
    <Stack gap="sm">
      <TextInput
        label="Search the knowledge base"
        description="Published FAQs, best matches first"
        type="search"
        maxLength={500}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        placeholder="e.g. refund"
      />
      {error && <ErrorNotice error={error} title="Search failed" onRetry={() => void refetch()} compact />}
      {loading && hits.length === 0 && <Loading label="Searching…" inline />}
      {!loading && !error && debounced.length >= 2 && hits.length === 0 && <Empty title="No matches">Try other words.</Empty>}
      <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Search results">
        {hits.map((h) => (
          <Paper component="li" withBorder p="xs" key={h.faq.id}>
            <Group justify="space-between" wrap="nowrap" gap={4}>
              <Text size="sm" fw={600}>
                {h.faq.question}
              </Text>
              <Badge size="xs" variant="light">
                {percent(h.score)}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed" mt={2}>
              {h.snippet}
            </Text>
            <Button
              size="compact-xs"
              variant="subtle"
              mt={4}
              onClick={() => onUse(h.faq.answer)}
              aria-label={`Insert into reply: the answer to “${h.faq.question}”`}
            >
              Insert into reply
            </Button>
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}

function Details({
  conversation: c,
  onCreateTicket,
  isAdmin,
  onContactErased,
}: Pick<Props, 'onCreateTicket'> & { conversation: ConversationDetailFragment; isAdmin: boolean; onContactErased(): void }) {
  const rows: [string, string][] = [
    ['Customer', contactName(c.contact)],
    ['Email', c.contact.email ?? '—'],
    ['Channel', humanize(c.channel)],
    ['Language', c.language ?? '—'],
    ['Priority', humanize(c.priority)],
    ['Started', dateTime(c.createdAt)],
    ['First response', dateTime(c.firstResponseAt)],
    ['Resolved', dateTime(c.resolvedAt)],
    ['Handoff reason', c.handoffReason ? handoffReasonLabel(c.handoffReason) : '—'],
    ['Rating', c.csatScore != null ? `${c.csatScore} of 5${c.csatComment ? ` — “${c.csatComment}”` : ''}` : 'Not rated'],
  ];
  return (
    <Stack gap="sm">
      <dl style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 12px', margin: 0, fontSize: 14 }}>
        {rows.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt style={{ color: 'var(--mantine-color-dimmed)' }}>{k}</dt>
            <dd style={{ margin: 0, overflowWrap: 'anywhere' }}>{v}</dd>
          </div>
        ))}
      </dl>
      <Button variant="light" onClick={onCreateTicket}>
        Create a ticket from this conversation
      </Button>
      {isAdmin && <CustomerData contact={c.contact} onErased={onContactErased} />}
    </Stack>
  );
}
