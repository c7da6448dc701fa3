// Resumable conversation feed over graphql-ws: remembers the last message seq
// it delivered and, whenever the client reconnects, resubscribes with
// `afterSeq` set to it, so a dropped socket loses and repeats nothing.
// Streamed AI answers are assembled per attempt (AnswerDrafts): a retried
// generation replaces the text of the one that failed instead of adding to it.
import type { Client } from 'graphql-ws';
import { print } from 'graphql';
import { ConversationEventsDocument } from './generated/documents/ConversationEventsDocument.js';
import type { ConversationEventsSubscription, ConversationEventsSubscriptionVariables } from './generated/types.js';

export type ConversationEvent = ConversationEventsSubscription['conversationEvents'];

export interface ConversationFeedOptions {
  /** A graphql-ws client; give it `retryAttempts` so that it reconnects. */
  client: Client;
  conversationId: string;
  /** The last seq the caller already has (history loaded over HTTP); omit to start live. */
  afterSeq?: number | null;
  onEvent(event: ConversationEvent): void;
  /**
   * The AI answer being streamed for a customer message, whole so far (the
   * current attempt's text only); `null` once the stored reply or a handoff
   * takes its place.
   */
  onAnswerDraft?(replyToSeq: number, text: string | null): void;
  onError?(error: unknown): void;
}

type Event<T extends ConversationEvent['__typename']> = Extract<ConversationEvent, { __typename: T }>;

/**
 * Streamed answers by customer message. Chunks of one attempt append; a
 * chunk of a new attempt starts the text over (the earlier attempt failed
 * and its partial text will never be completed); the stored AI reply, or a
 * handoff note, ends the draft, so the final text is shown exactly once.
 */
export class AnswerDrafts {
  private readonly drafts = new Map<number, { attempt: string; text: string }>();
  private readonly answered = new Set<number>();

  /** Applies a chunk; returns the draft's whole text, or null when it is already answered. */
  chunk(event: Pick<Event<'AiAnswerChunk'>, 'replyToSeq' | 'attempt' | 'delta'>): string | null {
    if (this.answered.has(event.replyToSeq)) return null;
    const current = this.drafts.get(event.replyToSeq);
    const text = current && current.attempt === event.attempt ? current.text + event.delta : event.delta;
    this.drafts.set(event.replyToSeq, { attempt: event.attempt, text });
    return text;
  }

  /** A stored message: returns the customer seqs whose drafts it ends. */
  message(message: Pick<Event<'MessageAdded'>['message'], 'authorType'> & { replyToSeq?: number | null }): number[] {
    if (message.authorType === 'AI') {
      // The feed's messages may not say which question they answer: then the oldest draft.
      const seq = message.replyToSeq ?? Math.min(...this.drafts.keys());
      if (!Number.isFinite(seq)) return [];
      this.answered.add(seq);
      return this.drafts.delete(seq) ? [seq] : [];
    }
    if (message.authorType === 'SYSTEM' || message.authorType === 'AGENT') {
      // A handoff or a human reply: whatever was being drafted will not be sent.
      const ended = [...this.drafts.keys()];
      this.drafts.clear();
      return ended;
    }
    return [];
  }

  get(replyToSeq: number): string | null {
    return this.drafts.get(replyToSeq)?.text ?? null;
  }
}

export interface ConversationFeed {
  /** Seq of the last message delivered (or the starting afterSeq). */
  readonly lastSeq: number | null;
  dispose(): void;
}

const QUERY = print(ConversationEventsDocument);

export function subscribeToConversation(opts: ConversationFeedOptions): ConversationFeed {
  let lastSeq = opts.afterSeq ?? null;
  const drafts = new AnswerDrafts();
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
          for (const seq of drafts.message(event.message)) opts.onAnswerDraft?.(seq, null);
        } else if (event.__typename === 'AiAnswerChunk') {
          const text = drafts.chunk(event);
          if (text != null) opts.onAnswerDraft?.(event.replyToSeq, text);
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
