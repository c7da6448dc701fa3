import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@switchboard/schema/client';
import { chatReducer, initialChatState, lastSeqOf, present, TYPING_TTL_MS, waitingForAgent, type ChatMessage, type ChatState, type Self } from './conversation';

const msg = (seq: number, authorType: ChatMessage['authorType'] = 'CUSTOMER', extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  body: `message ${seq}`,
  authorType,
  kind: 'MESSAGE',
  author: null,
  authorName: null,
  clientMessageId: null,
  attachments: [],
  createdAt: new Date(2026, 0, 1, 12, 0, seq).toISOString(),
  ...extra,
});

const customer: Self = { type: 'CUSTOMER' };
const apply = (state: ChatState, ...events: ConversationEvent[]) =>
  events.reduce((s, event) => chatReducer(s, { type: 'event', event, at: 1_000, self: customer }), state);
const added = (m: ChatMessage): ConversationEvent => ({ __typename: 'MessageAdded', message: m as never });
const chunk = (replyToSeq: number, delta: string, attempt = 'a1'): ConversationEvent => ({
  __typename: 'AiAnswerChunk',
  conversationId: 'c1',
  replyToSeq,
  delta,
  attempt,
});

describe('chatReducer', () => {
  it('builds a streamed AI answer from chunks and replaces it with the stored reply', () => {
    let s = apply(initialChatState, added(msg(1)), chunk(1, 'You can '), chunk(1, 'request '), chunk(1, 'a refund.'));
    expect(s.streams).toEqual([{ replyToSeq: 1, attempt: 'a1', text: 'You can request a refund.', chunks: 3 }]);
    const reply = msg(2, 'AI', { body: 'You can request a refund.' });
    s = apply(s, added(reply));
    expect(s.streams).toEqual([]);
    expect(present([msg(1), reply], s).messages.at(-1)).toMatchObject({ seq: 2, authorType: 'AI', streamedChunks: 3 });
  });

  it('starts the text over when a failed generation is retried under a new attempt', () => {
    let s = apply(initialChatState, added(msg(1)), chunk(1, 'You can '), chunk(1, 'req'));
    s = apply(s, chunk(1, 'You can ', 'a2'), chunk(1, 'request a refund.', 'a2'));
    expect(s.streams).toEqual([{ replyToSeq: 1, attempt: 'a2', text: 'You can request a refund.', chunks: 2 }]);
    const reply = msg(2, 'AI', { body: 'You can request a refund.', replyToSeq: 1 });
    s = apply(s, added(reply));
    expect(s.streams).toEqual([]);
    const shown = present([msg(1), reply], s);
    expect(shown.messages.filter((m) => m.authorType === 'AI').map((m) => [m.body, m.streamedChunks])).toEqual([['You can request a refund.', 2]]);
    expect(shown.streams).toEqual([]);
  });

  it('ignores chunks of an answer it already has', () => {
    const s = apply(initialChatState, added(msg(1)), added(msg(2, 'AI', { replyToSeq: 1 })), chunk(1, 'late'));
    expect(s.streams).toEqual([]);
  });

  it('does not show a stream the history already answers (a late chunk after the reply was read)', () => {
    const s = apply(initialChatState, chunk(1, 'late'), chunk(3, 'Still writing'));
    expect(s.streams.map((x) => x.replyToSeq)).toEqual([1, 3]);
    const shown = present([msg(1), msg(2, 'AI', { replyToSeq: 1 }), msg(3)], s);
    expect(shown.streams.map((x) => x.replyToSeq)).toEqual([3]);
    expect(shown.messages.map((m) => m.streamedChunks)).toEqual([undefined, undefined, undefined]);
  });

  it('drops a half-streamed answer on handoff (system note or mode change)', () => {
    const streaming = apply(initialChatState, added(msg(1)), chunk(1, 'Maybe'));
    expect(apply(streaming, added(msg(2, 'SYSTEM'))).streams).toEqual([]);
    const updated: ConversationEvent = {
      __typename: 'ConversationUpdated',
      change: 'handed_off',
      conversation: { id: 'c1', status: 'OPEN', mode: 'HUMAN', handoffReason: 'low_confidence', lastSeq: 1, assignee: null, assigneeName: null },
    };
    const s = apply(streaming, updated);
    expect(s.streams).toEqual([]);
    expect(s.live).toMatchObject({ mode: 'HUMAN', handoffReason: 'low_confidence', change: 'handed_off' });
    expect(apply(s, chunk(1, 'more')).streams).toEqual([]);
  });

  it('tracks who is typing, ignores yourself and forgets stale indicators', () => {
    const typing = (type: 'AGENT' | 'CUSTOMER', id: string, isTyping = true): ConversationEvent => ({
      __typename: 'TypingChanged',
      conversationId: 'c1',
      isTyping,
      who: { type, id, name: type === 'AGENT' ? 'Alex' : null },
    });
    let s = apply(initialChatState, typing('CUSTOMER', 'me'), typing('AGENT', 'u1'));
    expect(s.typing.map((t) => t.name)).toEqual(['Alex']);
    s = chatReducer(s, { type: 'expireTyping', now: 1_000 + TYPING_TTL_MS + 1 });
    expect(s.typing).toEqual([]);
    s = apply(s, typing('AGENT', 'u1'), added(msg(5, 'AGENT', { author: null })));
    expect(s.typing).toEqual([]);
  });

  it('reports the last seq to resume after', () => {
    expect(lastSeqOf([])).toBe(0);
    expect(lastSeqOf([msg(4), msg(7)])).toBe(7);
  });
});

describe('waitingForAgent', () => {
  it('is true after a handoff until an agent writes', () => {
    const handedOff = [msg(1), msg(2, 'SYSTEM')];
    expect(waitingForAgent(handedOff, 'HUMAN', 'OPEN')).toBe(true);
    expect(waitingForAgent([...handedOff, msg(3, 'AGENT')], 'HUMAN', 'OPEN')).toBe(false);
    expect(waitingForAgent(handedOff, 'AI', 'OPEN')).toBe(false);
    expect(waitingForAgent(handedOff, 'HUMAN', 'RESOLVED')).toBe(false);
  });
});
