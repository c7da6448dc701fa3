// One live conversation in React: the cached history the caller reads plus the
// resumable feed from `subscribeToConversation`, which resubscribes after every
// reconnect with the last seq it delivered (no gap, no duplicate). The feed's
// messages go into the cached history; its other events into `state`.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ApolloCache } from '@apollo/client';
import type { Client } from 'graphql-ws';
import { subscribeToConversation, type ConversationEvent } from '@switchboard/schema/client';
import {
  chatReducer,
  initialChatState,
  lastSeqOf,
  present,
  type AnswerStream,
  type ChatAction,
  type ChatMessage,
  type ChatState,
  type LiveConversation,
  type Self,
} from './conversation';
import { appendMessage } from './messageCache';

export interface LiveChatOptions {
  client: Client | null;
  /** The cache whose history of the conversation the feed's messages join. */
  cache: ApolloCache;
  conversationId: string;
  /** The history read so far, ascending by seq (the cached connection's nodes). */
  messages: readonly ChatMessage[];
  /** Start the feed once the history is in, so it resumes right after it. */
  start: boolean;
  self: Self;
  /**
   * The conversation's state as last read (the first read, refetches, mutation
   * answers): applied when one of its fields changes. Not on every new read
   * result: that changes with each message the feed adds to the cached
   * history, while these cached fields can be older than the feed's
   * ConversationUpdated events, which they must not undo.
   */
  read?: Pick<LiveConversation, 'status' | 'mode' | 'handoffReason' | 'assigneeName'> | null;
  onEvent?(event: ConversationEvent): void;
}

export interface LiveChat {
  state: ChatState;
  /** The history as shown: each reply that streamed in says how many chunks it came in. */
  messages: ChatMessage[];
  /** AI answers being written that no message in the history answers yet. */
  streams: AnswerStream[];
  dispatch: (action: ChatAction) => void;
  /** The feed failed (e.g. the token stopped working); `resubscribe` tries again. */
  feedError: unknown;
  resubscribe(): void;
}

export function useLiveChat({ client, cache, conversationId, messages, start, self, read, onEvent }: LiveChatOptions): LiveChat {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const messagesRef = useRef(messages);
  messagesRef.current = messages;
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const selfRef = useRef(self);
  selfRef.current = self;
  const [feedError, setFeedError] = useState<unknown>(null);
  const [epoch, setEpoch] = useState(0);

  useEffect(() => {
    dispatch({ type: 'reset' });
  }, [conversationId]);

  // After the reset above: a new conversation's read state is applied to its fresh state.
  const [readStatus, readMode, readReason, readAssignee] = [read?.status, read?.mode, read?.handoffReason, read?.assigneeName];
  useEffect(() => {
    if (readStatus) dispatch({ type: 'live', live: { status: readStatus, mode: readMode, handoffReason: readReason, assigneeName: readAssignee } });
  }, [conversationId, readStatus, readMode, readReason, readAssignee]);

  useEffect(() => {
    if (!client || !start) return;
    setFeedError(null);
    const feed = subscribeToConversation({
      client,
      conversationId,
      afterSeq: lastSeqOf(messagesRef.current),
      onEvent(event) {
        setFeedError(null);
        if (event.__typename === 'MessageAdded') appendMessage(cache, event.message);
        dispatch({ type: 'event', event, at: Date.now(), self: selfRef.current });
        onEventRef.current?.(event);
      },
      onError: (error) => setFeedError(error),
    });
    return () => feed.dispose();
  }, [client, cache, conversationId, start, epoch]);

  const typing = state.typing.length > 0;
  useEffect(() => {
    if (!typing) return;
    const id = setInterval(() => dispatch({ type: 'expireTyping', now: Date.now() }), 1_000);
    return () => clearInterval(id);
  }, [typing]);

  const resubscribe = useCallback(() => setEpoch((e) => e + 1), []);
  const shown = useMemo(() => present(messages, state), [messages, state]);
  return { state, messages: shown.messages, streams: shown.streams, dispatch, feedError, resubscribe };
}
