// A conversation's history as a screen shows it: the cached connection the
// screen's query reads (latest page first, live messages appended by the feed),
// earlier pages on request through the query's `fetchMore` with `before` (the
// `Conversation.messages` field policy puts them in front), and the message
// that was first kept where the reader saw it while they go in above.
import { useCallback, useMemo, useRef, useState, type RefObject } from 'react';
import { anchorScroll, type ScrollAnchor } from './scrollAnchor';

export interface MessagePage<M> {
  edges: readonly { node: M }[];
  pageInfo: { hasPreviousPage: boolean; startCursor?: string | null };
}

export interface MessageHistoryOptions<M> {
  /** The query's `conversation.messages` (undefined until it is read). */
  connection: MessagePage<M> | undefined;
  /** The query's `fetchMore`. */
  fetchMore(options: { variables: { before: string } }): Promise<unknown>;
  /** The scrolling log; its messages carry `data-seq`. */
  scrollRef: RefObject<HTMLElement | null>;
}

export interface MessageHistory<M> {
  messages: M[];
  hasEarlier: boolean;
  loadingEarlier: boolean;
  earlierError: unknown;
  /** Reads the page before the first message (a no-op while one is loading or when there is none). */
  loadEarlier(): void;
  /**
   * Call in a layout effect after the messages change: keeps the message that
   * was first in place while earlier ones go in above it. True while it does
   * (the log should not jump to the newest message then).
   */
  keepAnchor(): boolean;
}

const EMPTY: never[] = [];

export function useMessageHistory<M extends { seq: number }>({ connection, fetchMore, scrollRef }: MessageHistoryOptions<M>): MessageHistory<M> {
  const messages = useMemo(() => connection?.edges.map((e) => e.node) ?? EMPTY, [connection]);
  const cursor = connection?.pageInfo.startCursor || null;
  const hasEarlier = Boolean(connection?.pageInfo.hasPreviousPage && cursor);
  const [status, setStatus] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const loadingRef = useRef(false);
  const anchorRef = useRef<{ anchor: ScrollAnchor; firstSeq: number | undefined } | null>(null);
  const firstSeqRef = useRef<number | undefined>(undefined);
  firstSeqRef.current = messages[0]?.seq;

  const loadEarlier = useCallback(() => {
    if (!hasEarlier || !cursor || loadingRef.current) return;
    loadingRef.current = true;
    setStatus({ loading: true, error: null });
    const log = scrollRef.current;
    const first = log?.querySelector('[data-seq]');
    anchorRef.current = log && first ? { anchor: anchorScroll(log, first), firstSeq: firstSeqRef.current } : null;
    fetchMore({ variables: { before: cursor } }).then(
      () => {
        loadingRef.current = false;
        setStatus({ loading: false, error: null });
      },
      (error: unknown) => {
        loadingRef.current = false;
        anchorRef.current = null;
        setStatus({ loading: false, error });
      },
    );
  }, [hasEarlier, cursor, fetchMore, scrollRef]);

  const keepAnchor = useCallback(() => {
    const held = anchorRef.current;
    if (!held) return false;
    held.anchor.restore();
    // The earlier page is in: from now on the log scrolls as usual.
    if (firstSeqRef.current !== held.firstSeq) anchorRef.current = null;
    return true;
  }, []);

  return { messages, hasEarlier, loadingEarlier: status.loading, earlierError: status.error, loadEarlier, keepAnchor };
}
