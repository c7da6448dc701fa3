// A conversation's live feed that loses nothing across reconnects: listen to
// live events first (and wait until this node receives them), replay every
// message after the client's last seq from PostgreSQL, then go live, dropping
// what the replay already delivered and filling any gap from the database.
//
// Push-based: all of a node's feeds on one conversation share one PubSub
// subscription (TopicHub) and get each live event synchronously; in the
// common case (the next seq) passing it on costs a comparison, with no
// promise or iterator per subscriber.
import type { AppDeps } from '../../platform/context.js';
import { forkFor } from '../../platform/database.js';
import { pushSource, type PushSource } from '../../platform/push-source.js';
import { FreshReads } from '../../platform/fresh-reads.js';
import { topicHub } from '../../platform/topic-hub.js';
import type { ConversationStreamEvent } from '../../platform/topics.js';
import { Conversation, Message, MessageKind } from '../conversations/index.js';

const REPLAY_PAGE = 200;

export type FeedEvent = ConversationStreamEvent & { message?: Message };

/** Staff see private notes; customers' feeds skip them (their seqs are gaps there). */
export type FeedView = 'staff' | 'customer';

// Reads that many feeds of a node may need at once (thousands subscribing
// without afterSeq, or all of them filling the same gap) are shared by the
// callers that ask before the read starts (FreshReads), and so are the events
// made from them, so subscribers also share their execution.
const pageReads = new WeakMap<AppDeps['orm'], FreshReads<string, Message[]>>();
const lastSeqReads = new WeakMap<AppDeps['orm'], FreshReads<string, number>>();

function readsFor<V>(cache: WeakMap<AppDeps['orm'], FreshReads<string, V>>, deps: AppDeps): FreshReads<string, V> {
  let reads = cache.get(deps.orm);
  if (!reads) cache.set(deps.orm, (reads = new FreshReads()));
  return reads;
}

function readMessages(deps: AppDeps, view: FeedView, workspaceId: string, conversationId: string, afterSeq: number, uptoSeq = Number.MAX_SAFE_INTEGER) {
  return readsFor(pageReads, deps).read(`${view}:${workspaceId}:${conversationId}:${afterSeq}:${uptoSeq}`, () =>
    forkFor(deps.orm, workspaceId).find(
      Message,
      { conversation: conversationId, seq: { $gt: afterSeq, $lte: uptoSeq }, ...(view === 'customer' && { kind: MessageKind.MESSAGE }) },
      { orderBy: { seq: 'asc' }, limit: REPLAY_PAGE },
    ),
  );
}

function readLastSeq(deps: AppDeps, workspaceId: string, conversationId: string): Promise<number> {
  return readsFor(lastSeqReads, deps).read(`${workspaceId}:${conversationId}`, async () => {
    const em = forkFor(deps.orm, workspaceId);
    return (await em.findOneOrFail(Conversation, { id: conversationId }, { fields: ['id', 'lastSeq'] })).lastSeq;
  });
}

const events = new WeakMap<Message, FeedEvent>();

function asEvent(message: Message): FeedEvent {
  let event = events.get(message);
  if (!event) {
    event = {
      type: 'message',
      workspaceId: message.workspace.id,
      conversationId: message.conversation.id,
      seq: message.seq,
      messageId: message.id,
      message,
    };
    events.set(message, event);
  }
  return event;
}

export function conversationFeed(
  deps: AppDeps,
  workspaceId: string,
  conversationId: string,
  afterSeq: number | null,
  view: FeedView = 'staff',
): PushSource<FeedEvent> {
  return pushSource<FeedEvent>((sink) => {
    let stopped = false;
    /** The last seq this subscriber has been given. */
    let delivered = 0;
    /** While reading from the database, live events wait here, in order. */
    let busy = true;
    const backlog: ConversationStreamEvent[] = [];

    const fail = (err: unknown) => {
      if (stopped) return;
      stop();
      sink.error(err);
    };
    /** Fills from the database up to `uptoSeq` (inclusive), in order. */
    const fill = async (uptoSeq = Number.MAX_SAFE_INTEGER) => {
      for (;;) {
        const page = await readMessages(deps, view, workspaceId, conversationId, delivered, uptoSeq);
        for (const message of page) {
          if (stopped) return;
          sink.next(asEvent(message));
          delivered = message.seq;
        }
        if (page.length < REPLAY_PAGE) break;
      }
      // Up to a live event's seq everything is committed: notes a customer's
      // feed skipped are behind it too.
      if (view === 'customer' && uptoSeq !== Number.MAX_SAFE_INTEGER && !stopped) delivered = Math.max(delivered, uptoSeq);
    };
    /** Passes a live event on, or returns the seq to fill up to from the database first (0: nothing to fill). */
    const route = (event: ConversationStreamEvent): number => {
      if (event.type !== 'message') {
        sink.next(event);
      } else if (event.note && view === 'customer') {
        // Never passed on; the next message follows it without a gap.
        if (event.seq === delivered + 1) delivered = event.seq;
        else if (event.seq > delivered) return event.seq;
      } else if (event.seq === delivered + 1) {
        // The common case: pass the event on; subscribers share its one read.
        sink.next(event);
        delivered = event.seq;
      } else if (event.seq > delivered) {
        // Events from different API nodes can overtake each other: fill the gap in order.
        return event.seq;
      }
      return 0;
    };
    const drain = async (work: () => Promise<void>) => {
      busy = true;
      try {
        await work();
        while (!stopped) {
          const event = backlog.shift();
          if (!event) break;
          const gap = route(event);
          if (gap) await fill(gap);
        }
        busy = false;
      } catch (err) {
        fail(err);
      }
    };

    const unlisten = topicHub(deps.pubSub).listen(
      'conversation',
      conversationId,
      (event) => {
        if (stopped) return;
        if (busy) {
          backlog.push(event);
          return;
        }
        const gap = route(event);
        if (gap) void drain(() => fill(gap));
      },
      fail,
    );
    const stop = () => {
      if (stopped) return;
      stopped = true;
      backlog.length = 0;
      unlisten();
    };

    void drain(async () => {
      await deps.subscribed(`conversation:${conversationId}`);
      if (afterSeq == null) {
        delivered = await readLastSeq(deps, workspaceId, conversationId);
      } else {
        delivered = afterSeq;
        await fill();
      }
    });
    return stop;
  });
}
