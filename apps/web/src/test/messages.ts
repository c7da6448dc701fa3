// Test fixtures: a conversation's history as the agent console reads it
// (AgentConversation) and messages as the live feed delivers them.
import type { AgentMessageFragment, MessageFieldsFragment } from '@switchboard/schema/client';
import { withTypenames } from './typenames';

const conversation = {
  id: 'c1',
  status: 'OPEN',
  mode: 'HUMAN',
  priority: 'NORMAL',
  lastMessageAt: '2026-12-07T12:00:00.000Z',
  contact: { id: 'k1', name: 'Hana', email: null },
  assignee: null,
  team: null,
  labels: [],
  lastMessage: null,
  channel: 'WEB',
  language: null,
  lastSeq: 9,
  handoffReason: null,
  csatScore: null,
  csatComment: null,
  firstResponseAt: null,
  resolvedAt: null,
  createdAt: '2026-12-07T12:00:00.000Z',
  updatedAt: '2026-12-07T12:00:00.000Z',
};

/** A message as the feed delivers it: MessageFields, no __typename. */
export const liveMessage = (seq: number, extra: Partial<MessageFieldsFragment> = {}): MessageFieldsFragment => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  body: `message ${seq}`,
  authorType: 'CUSTOMER',
  kind: 'MESSAGE',
  author: null,
  authorName: null,
  clientMessageId: null,
  createdAt: new Date(Date.UTC(2026, 11, 7, 12, 0, seq)).toISOString(),
  attachments: [],
  ...extra,
});

const storedMessage = (seq: number, extra: Partial<AgentMessageFragment> = {}): AgentMessageFragment => ({
  ...liveMessage(seq),
  replyToSeq: null,
  confidence: null,
  citations: [],
  latencyMs: null,
  modelConfigId: null,
  analysis: null,
  moderation: null,
  ...extra,
});

/** AgentConversation data holding the `last/before` page of seqs `from..to` of conversation c1, cursors named after the seq. */
export function historyPage(from: number, to: number, hasPreviousPage: boolean, extra: (seq: number) => Partial<AgentMessageFragment> = () => ({})) {
  const edges = [];
  for (let seq = from; seq <= to; seq++) edges.push({ cursor: `s${seq}`, node: storedMessage(seq, extra(seq)) });
  return withTypenames('Query', {
    conversation: {
      ...conversation,
      messages: { edges, pageInfo: { hasPreviousPage, hasNextPage: false, startCursor: `s${from}`, endCursor: `s${to}` } },
    },
  });
}
