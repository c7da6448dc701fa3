// The live state of one conversation, shared by the widget and the agent
// console. The messages themselves are the cached history (messageCache.ts);
// this is what the feed adds around them: streamed AI answers (AiAnswerChunk)
// build up until the stored reply ends them, typing indicators expire on their
// own, and the conversation's status and mode follow its updates.
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

/** An AI reply the feed delivered. */
export interface FeedAnswer {
  seq: number;
  /** The customer message it answers, when the feed says. */
  replyToSeq: number | null;
  /** How many chunks it streamed in as (0: it came whole). */
  chunks: number;
}

export interface ChatState {
  /** AI replies being streamed, by the customer message they answer. */
  streams: AnswerStream[];
  typing: TypingEntry[];
  /** What the feed said about the conversation since it was loaded. */
  live: LiveConversation;
  /** The AI replies the feed delivered, oldest first. */
  answers: FeedAnswer[];
}

export interface Self {
  type: ParticipantType;
  /** Staff user id; customers have none. */
  id?: string;
}

export type ChatAction =
  | { type: 'event'; event: ConversationEvent; at: number; self: Self }
  | { type: 'live'; live: LiveConversation }
  | { type: 'expireTyping'; now: number }
  | { type: 'reset' };

export const TYPING_TTL_MS = 8_000;

export const initialChatState: ChatState = { streams: [], typing: [], live: {}, answers: [] };

function isSelf(who: { type: ParticipantType; id: string }, self: Self): boolean {
  return who.type === self.type && (self.id == null || who.id === self.id);
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'reset':
      return initialChatState;
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
      const message: ChatMessage = event.message;
      let streams = state.streams;
      let answers = state.answers;
      if (message.authorType === 'AI') {
        // The stored reply ends the stream it answers (the oldest one when the feed does not say which).
        const idx = message.replyToSeq != null ? streams.findIndex((s) => s.replyToSeq === message.replyToSeq) : 0;
        const stream = streams[idx === -1 ? 0 : idx];
        streams = streams.filter((s) => s !== stream);
        if (!answers.some((a) => a.seq === message.seq))
          answers = [...answers, { seq: message.seq, replyToSeq: message.replyToSeq ?? stream?.replyToSeq ?? null, chunks: stream?.chunks ?? 0 }];
      } else if (message.authorType === 'SYSTEM') {
        // A handoff note: whatever was being drafted will not be sent.
        streams = [];
      }
      const typing =
        message.authorType === 'AGENT' || message.authorType === 'CUSTOMER'
          ? state.typing.filter((t) => t.type !== message.authorType || (message.author && t.id !== message.author.id))
          : state.typing;
      return { ...state, streams, typing, answers };
    }
    case 'AiAnswerChunk': {
      if (state.live.mode === 'HUMAN') return state;
      // Already answered (the stored reply arrived first, e.g. after a replay; `present` hides those the history answers).
      if (state.answers.some((a) => a.replyToSeq === event.replyToSeq)) return state;
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

/**
 * The conversation as shown: the history with the chunk count of each reply
 * that streamed in, and the streams no stored reply in it answers yet.
 */
export function present(messages: readonly ChatMessage[], state: ChatState): { messages: ChatMessage[]; streams: AnswerStream[] } {
  const chunks = new Map(state.answers.filter((a) => a.chunks > 0).map((a) => [a.seq, a.chunks]));
  const answered = new Set(messages.filter((m) => m.authorType === 'AI' && m.replyToSeq != null).map((m) => m.replyToSeq));
  return {
    messages: chunks.size ? messages.map((m) => (chunks.has(m.seq) ? { ...m, streamedChunks: chunks.get(m.seq) } : m)) : [...messages],
    streams: state.streams.filter((s) => !answered.has(s.replyToSeq)),
  };
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
