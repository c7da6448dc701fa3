// One live conversation in React: the history the caller loads plus the
// resumable feed from `subscribeToConversation`, which resubscribes after every
// reconnect with the last seq it delivered (no gap, no duplicate).
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { Client } from 'graphql-ws';
import { subscribeToConversation, type ConversationEvent } from '@switchboard/schema/client';
import { chatReducer, initialChatState, lastSeqOf, type ChatState, type ChatAction, type Self } from './conversation';

export interface LiveChatOptions {
  client: Client | null;
  conversationId: string;
  /** Start the feed once the history is in, so it resumes right after it. */
  start: boolean;
  self: Self;
  onEvent?(event: ConversationEvent): void;
}

export interface LiveChat {
  state: ChatState;
  dispatch: (action: ChatAction) => void;
  /** The feed failed (e.g. the token stopped working); `resubscribe` tries again. */
  feedError: unknown;
  resubscribe(): void;
}

export function useLiveChat({ client, conversationId, start, self, onEvent }: LiveChatOptions): LiveChat {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const selfRef = useRef(self);
  selfRef.current = self;
  const [feedError, setFeedError] = useState<unknown>(null);
  const [epoch, setEpoch] = useState(0);

  useEffect(() => {
    dispatch({ type: 'reset' });
  }, [conversationId]);

  useEffect(() => {
    if (!client || !start) return;
    setFeedError(null);
    const feed = subscribeToConversation({
      client,
      conversationId,
      afterSeq: lastSeqOf(stateRef.current.messages),
      onEvent(event) {
        setFeedError(null);
        dispatch({ type: 'event', event, at: Date.now(), self: selfRef.current });
        onEventRef.current?.(event);
      },
      onError: (error) => setFeedError(error),
    });
    return () => feed.dispose();
  }, [client, conversationId, start, epoch]);

  const typing = state.typing.length > 0;
  useEffect(() => {
    if (!typing) return;
    const id = setInterval(() => dispatch({ type: 'expireTyping', now: Date.now() }), 1_000);
    return () => clearInterval(id);
  }, [typing]);

  const resubscribe = useCallback(() => setEpoch((e) => e + 1), []);
  return { state, dispatch, feedError, resubscribe };
}
