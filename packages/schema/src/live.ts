// Resumable conversation feed over graphql-ws: remembers the last message seq
// it delivered and, whenever the client reconnects, resubscribes with
// `afterSeq` set to it, so a dropped socket loses and repeats nothing.
import type { Client } from 'graphql-ws';
import { print } from 'graphql';
import {
  ConversationEventsDocument,
  type ConversationEventsSubscription,
  type ConversationEventsSubscriptionVariables,
} from './generated/graphql.js';

export type ConversationEvent = ConversationEventsSubscription['conversationEvents'];

export interface ConversationFeedOptions {
  /** A graphql-ws client; give it `retryAttempts` so that it reconnects. */
  client: Client;
  conversationId: string;
  /** The last seq the caller already has (history loaded over HTTP); omit to start live. */
  afterSeq?: number | null;
  onEvent(event: ConversationEvent): void;
  onError?(error: unknown): void;
}

export interface ConversationFeed {
  /** Seq of the last message delivered (or the starting afterSeq). */
  readonly lastSeq: number | null;
  dispose(): void;
}

const QUERY = print(ConversationEventsDocument);

export function subscribeToConversation(opts: ConversationFeedOptions): ConversationFeed {
  let lastSeq = opts.afterSeq ?? null;
  // graphql-ws re-sends this same payload object when it reconnects, so the
  // variables always carry the newest seq.
  const variables: ConversationEventsSubscriptionVariables = { conversationId: opts.conversationId, afterSeq: lastSeq };
  const dispose = opts.client.subscribe<ConversationEventsSubscription>(
    { query: QUERY, variables },
    {
      next(result) {
        if (result.errors?.length) {
          opts.onError?.(result.errors);
          return;
        }
        const event = result.data?.conversationEvents;
        if (!event) return;
        if (event.__typename === 'MessageAdded') {
          // Belt and braces: never hand the caller a message twice.
          if (lastSeq != null && event.message.seq <= lastSeq) return;
          lastSeq = event.message.seq;
          variables.afterSeq = lastSeq;
        }
        opts.onEvent(event);
      },
      error: (err) => opts.onError?.(err),
      complete: () => {},
    },
  );
  return {
    get lastSeq() {
      return lastSeq;
    },
    dispose,
  };
}
