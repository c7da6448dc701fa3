// A conversation's live feed that loses nothing across reconnects: subscribe
// to live events first (and wait until this node receives them), replay every
// message after the client's last seq from PostgreSQL, then go live, dropping
// what the replay already delivered and filling any gap from the database.
import { Repeater } from '@repeaterjs/repeater';
import type { AppDeps } from '../../platform/context.js';
import { forkFor } from '../../platform/database.js';
import type { ConversationStreamEvent } from '../../platform/topics.js';
import { Conversation } from '../conversations/conversation.entity.js';
import { Message } from '../messages/message.entity.js';

const REPLAY_PAGE = 200;

export type FeedEvent = ConversationStreamEvent & { message?: Message };

async function readMessages(deps: AppDeps, workspaceId: string, conversationId: string, afterSeq: number, uptoSeq = Number.MAX_SAFE_INTEGER) {
  const em = forkFor(deps.orm, workspaceId);
  return em.find(
    Message,
    { conversation: conversationId, seq: { $gt: afterSeq, $lte: uptoSeq } },
    { orderBy: { seq: 'asc' }, limit: REPLAY_PAGE },
  );
}

function asEvent(message: Message): FeedEvent {
  return {
    type: 'message',
    workspaceId: message.workspace.id,
    conversationId: message.conversation.id,
    seq: message.seq,
    messageId: message.id,
    message,
  };
}

export function conversationFeed(
  deps: AppDeps,
  workspaceId: string,
  conversationId: string,
  afterSeq: number | null,
): Repeater<FeedEvent> {
  // A Repeater rather than an async generator: when the client goes away,
  // `stop` releases the live listener at once, even while waiting for events.
  return new Repeater<FeedEvent>(async (push, stop) => {
    let stopped = false;
    const live = deps.pubSub.subscribe('conversation', conversationId)[Symbol.asyncIterator]();
    // The first next() starts the listener; keep its promise for the live loop.
    let nextLive = live.next();
    const ended = stop.then(() => {
      stopped = true;
      return { done: true as const, value: undefined };
    });
    try {
      await deps.subscribed(`conversation:${conversationId}`);
      let delivered: number;
      const deliverFromDb = async (uptoSeq?: number) => {
        for (;;) {
          const page = await readMessages(deps, workspaceId, conversationId, delivered, uptoSeq);
          for (const message of page) {
            if (stopped) return;
            await push(asEvent(message));
            delivered = message.seq;
          }
          if (page.length < REPLAY_PAGE) return;
        }
      };
      if (afterSeq == null) {
        const em = forkFor(deps.orm, workspaceId);
        delivered = (await em.findOneOrFail(Conversation, { id: conversationId })).lastSeq;
      } else {
        delivered = afterSeq;
        await deliverFromDb();
      }
      while (!stopped) {
        const { value, done } = await Promise.race([nextLive, ended]);
        if (done) break;
        nextLive = live.next();
        const event = value as ConversationStreamEvent;
        if (event.type !== 'message') {
          await push(event);
        } else if (event.seq === delivered + 1) {
          // The common case: pass the event on; subscribers share its one read.
          await push(event);
          delivered = event.seq;
        } else if (event.seq > delivered) {
          // Events from different API nodes can overtake each other: fill the gap in order.
          await deliverFromDb(event.seq);
        }
      }
    } catch (err) {
      stop(err);
    } finally {
      await live.return?.();
    }
  });
}
