// The state of one live conversation, shared by the widget and the agent
// console: history pages and feed events merge into one list ordered by seq
// with no duplicates; streamed AI answers (AiAnswerChunk) build up until the
// final MessageAdded replaces them; typing indicators expire on their own.
import type {
  AgentMessageFragment,
  ConversationEvent,
  ConversationMode,
  ConversationStatus,
  HandoffReason,
  MessageFieldsFragment,
  ParticipantType,
} from '@switchboard/schema/client';

/** A message from the feed (MessageFields) or from a history page (with citations, analysis…). */
export type ChatMessage = MessageFieldsFragment &
  Partial<Omit<AgentMessageFragment, keyof MessageFieldsFragment>> & {
    /** How many AiAnswerChunks this reply streamed in before it was stored (0/undefined: it came whole). */
    streamedChunks?: number;
  };

export interface AnswerStream {
  replyToSeq: number;
  /** The generation attempt being shown: a new one (a retry) starts the text over. */
  attempt: string;
  text: string;
  chunks: number;
}

export interface TypingEntry {
  id: string;
  name: string | null;
  type: ParticipantType;
  at: number;
}

export interface LiveConversation {
  status?: ConversationStatus;
  mode?: ConversationMode;
  handoffReason?: HandoffReason | null;
  lastSeq?: number;
  assignee?: { id: string; name: string } | null;
  /** The assigned agent's name, which customers see too (they get no `assignee`). */
  assigneeName?: string | null;
  /** The last `change` the feed reported (created, assigned, resolved, handed_off, rated…). */
  change?: string;
}

export interface ChatState {
  /** Ascending by seq, one entry per seq. */
  messages: ChatMessage[];
  /** AI replies being streamed, by the customer message they answer. */
  streams: AnswerStream[];
  typing: TypingEntry[];
  /** What the feed said about the conversation since it was loaded. */
  live: LiveConversation;
}

export interface Self {
  type: ParticipantType;
  /** Staff user id; customers have none. */
  id?: string;
}

export type ChatAction =
  | { type: 'history'; messages: readonly ChatMessage[] }
  | { type: 'event'; event: ConversationEvent; at: number; self: Self }
  | { type: 'live'; live: LiveConversation }
  | { type: 'expireTyping'; now: number }
  | { type: 'reset' };

export const TYPING_TTL_MS = 8_000;

export const initialChatState: ChatState = { messages: [], streams: [], typing: [], live: {} };

/** Merges messages into an ascending, duplicate-free list; later data fills in fields earlier data lacked. */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (!incoming.length) return current as ChatMessage[];
  const bySeq = new Map<number, ChatMessage>();
  for (const m of current) bySeq.set(m.seq, m);
  for (const m of incoming) {
    const old = bySeq.get(m.seq);
    if (!old) {
      bySeq.set(m.seq, m);
      continue;
    }
    const merged: ChatMessage = { ...old };
    for (const [k, v] of Object.entries(m)) {
      if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
    }
    // A history page must not wipe what the stream told us.
    if (old.streamedChunks && !m.streamedChunks) merged.streamedChunks = old.streamedChunks;
    bySeq.set(m.seq, merged);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function isSelf(who: { type: ParticipantType; id: string }, self: Self): boolean {
  return who.type === self.type && (self.id == null || who.id === self.id);
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'reset':
      return initialChatState;
    case 'history':
      return { ...state, messages: mergeMessages(state.messages, action.messages) };
    case 'live':
      return { ...state, live: { ...state.live, ...action.live } };
    case 'expireTyping': {
      const typing = state.typing.filter((t) => action.now - t.at < TYPING_TTL_MS);
      return typing.length === state.typing.length ? state : { ...state, typing };
    }
    case 'event':
      return applyEvent(state, action.event, action.at, action.self);
  }
}

function applyEvent(state: ChatState, event: ConversationEvent, at: number, self: Self): ChatState {
  switch (event.__typename) {
    case 'MessageAdded': {
      const message: ChatMessage = { ...event.message };
      let streams = state.streams;
      if (message.authorType === 'AI' && streams.length) {
        // The stored reply ends the stream it answers (the oldest one when the feed does not say which).
        const idx = message.replyToSeq != null ? streams.findIndex((s) => s.replyToSeq === message.replyToSeq) : 0;
        const stream = streams[idx === -1 ? 0 : idx]!;
        message.streamedChunks = stream.chunks;
        streams = streams.filter((s) => s !== stream);
      } else if (message.authorType === 'SYSTEM') {
        // A handoff note: whatever was being drafted will not be sent.
        streams = [];
      }
      const typing =
        message.authorType === 'AGENT' || message.authorType === 'CUSTOMER'
          ? state.typing.filter((t) => t.type !== message.authorType || (message.author && t.id !== message.author.id))
          : state.typing;
      return { ...state, messages: mergeMessages(state.messages, [message]), streams, typing };
    }
    case 'AiAnswerChunk': {
      if (state.live.mode === 'HUMAN') return state;
      // Already answered (the stored reply arrived first, e.g. after a replay).
      if (state.messages.some((m) => m.authorType === 'AI' && m.replyToSeq === event.replyToSeq)) return state;
      const existing = state.streams.find((s) => s.replyToSeq === event.replyToSeq);
      const streams = existing
        ? state.streams.map((s) =>
            s !== existing
              ? s
              : s.attempt === event.attempt
                ? { ...s, text: s.text + event.delta, chunks: s.chunks + 1 }
                : // A retried generation: the failed attempt's partial text is dropped.
                  { ...s, attempt: event.attempt, text: event.delta, chunks: 1 },
          )
        : [...state.streams, { replyToSeq: event.replyToSeq, attempt: event.attempt, text: event.delta, chunks: 1 }].sort(
            (a, b) => a.replyToSeq - b.replyToSeq,
          );
      return { ...state, streams };
    }
    case 'ConversationUpdated': {
      const c = event.conversation;
      const live: LiveConversation = {
        ...state.live,
        status: c.status,
        mode: c.mode,
        handoffReason: c.handoffReason,
        lastSeq: c.lastSeq,
        assignee: c.assignee ? { id: c.assignee.id, name: c.assignee.name } : null,
        assigneeName: c.assigneeName,
        change: event.change,
      };
      return { ...state, live, streams: c.mode === 'HUMAN' ? [] : state.streams };
    }
    case 'TypingChanged': {
      const who = event.who;
      if (isSelf(who, self)) return state;
      const others = state.typing.filter((t) => t.id !== who.id);
      const typing = event.isTyping ? [...others, { id: who.id, name: who.name, type: who.type, at }] : others;
      return { ...state, typing };
    }
  }
}

/** Seq of the newest message we have, for resuming the feed after it. */
export function lastSeqOf(messages: readonly ChatMessage[]): number {
  return messages.length ? messages[messages.length - 1]!.seq : 0;
}

/**
 * Whether the customer is waiting for a person: the conversation is with humans
 * and no agent has written since the last handoff note.
 */
export function waitingForAgent(messages: readonly ChatMessage[], mode: ConversationMode | undefined, status: ConversationStatus | undefined): boolean {
  if (mode !== 'HUMAN' || status === 'RESOLVED') return false;
  let handoffSeq = 0;
  for (const m of messages) if (m.authorType === 'SYSTEM') handoffSeq = m.seq;
  return !messages.some((m) => m.authorType === 'AGENT' && m.seq > handoffSeq);
}
