// One PubSub subscription per channel per node, however many subscribers
// listen: events are handed to every listener synchronously, in the order the
// channel delivers them (one Repeater and one async loop per channel instead
// of one per subscriber).
import type { PubSub } from './pubsub.js';
import { pushSource, type PushSource } from './push-source.js';
import type { Topics } from './topics.js';

type Listener<T> = (payload: T) => void;
interface Entry {
  next: Listener<unknown>;
  error?: (err: unknown) => void;
}
type TopicsWithId = { [K in keyof Topics]: Topics[K] extends [string, unknown] ? K : never }[keyof Topics];
type PayloadOf<K extends TopicsWithId> = Topics[K] extends [string, infer P] ? P : never;

interface Channel {
  listeners: Set<Entry>;
  iterator: AsyncIterator<unknown>;
}

export class TopicHub {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly pubSub: PubSub,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /**
   * Calls `listener` with every event published on `topic:id` from now on
   * (the underlying subscription starts synchronously, so callers may then
   * wait for PubSubHandle.subscribed). Returns the function that stops it.
   */
  listen<K extends TopicsWithId>(topic: K, id: string, listener: Listener<PayloadOf<K>>, onError?: (err: unknown) => void): () => void {
    const name = `${topic}:${id}`;
    let channel = this.channels.get(name);
    if (!channel) {
      const iterator = (this.pubSub.subscribe as (t: string, i: string) => AsyncIterable<unknown>)(topic, id)[Symbol.asyncIterator]();
      const created: Channel = { listeners: new Set(), iterator };
      channel = created;
      this.channels.set(name, created);
      // The first next() attaches the PubSub listener (and sends SUBSCRIBE) synchronously.
      let pending = iterator.next();
      void (async () => {
        for (;;) {
          const { value, done } = await pending;
          if (done) return;
          pending = iterator.next();
          for (const l of created.listeners) {
            try {
              l.next(value);
            } catch (err) {
              this.onError(err);
            }
          }
        }
      })().catch((err) => {
        // The channel is gone: tell its listeners (a feed fails, and its client resumes).
        this.onError(err);
        if (this.channels.get(name) === created) this.channels.delete(name);
        for (const l of created.listeners) l.error?.(err);
        created.listeners.clear();
      });
    }
    const current = channel;
    const entry: Entry = { next: listener as Listener<unknown>, error: onError };
    current.listeners.add(entry);
    return () => {
      if (!current.listeners.delete(entry) || current.listeners.size > 0) return;
      if (this.channels.get(name) === current) this.channels.delete(name);
      void current.iterator.return?.();
    };
  }

  /** Channels with at least one listener on this node. */
  get size() {
    return this.channels.size;
  }
}

const hubs = new WeakMap<PubSub, TopicHub>();

/** The node's hub for a PubSub (created on first use; `onError` hears of listeners that throw). */
export function topicHub(pubSub: PubSub, onError?: (err: unknown) => void): TopicHub {
  let hub = hubs.get(pubSub);
  if (!hub) hubs.set(pubSub, (hub = new TopicHub(pubSub, onError)));
  return hub;
}

/**
 * A subscription to `topic:id` as a push source (one PubSub subscription per
 * channel per node, however many subscribers).
 */
export function topicFeed<K extends TopicsWithId>(pubSub: PubSub, topic: K, id: string): PushSource<PayloadOf<K>> {
  return pushSource<PayloadOf<K>>((sink) =>
    topicHub(pubSub).listen(
      topic,
      id,
      (payload) => sink.next(payload),
      (err) => sink.error(err),
    ),
  );
}
