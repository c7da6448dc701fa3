// One typed PubSub for subscriptions: in-memory without REDIS_URL, Redis
// pub/sub with it so every API node sees every event. On Redis every
// channel is `<prefix>:<topic>` (the deployment's QUEUE_PREFIX), so
// deployments sharing a Redis never hear each other's events.
import { createPubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { DEFAULT_QUEUE_PREFIX } from './config.js';
import { createRedis } from './redis.js';
import type { Topics } from './topics.js';

export type PubSub = ReturnType<typeof createPubSub<Topics>>;

export interface PubSubHandle {
  pubSub: PubSub;
  /**
   * Resolves once this node receives the channel (`topic` or `topic:id`).
   * Feeds that replay history wait for it, so nothing published between the
   * replay and going live can slip past.
   */
  subscribed(channel: string): Promise<void>;
  /**
   * Called when the subscriber connection is back after it was lost: events
   * published meanwhile never reached this node, so live feeds must catch up.
   */
  onRecovered(listener: () => void): void;
  close(): Promise<void>;
}

export function createAppPubSub(redisUrl?: string, onError: (err: unknown) => void = () => {}, prefix = DEFAULT_QUEUE_PREFIX): PubSubHandle {
  if (!redisUrl) {
    return { pubSub: createPubSub<Topics>(), subscribed: async () => {}, onRecovered: () => {}, close: async () => {} };
  }
  const publishClient = createRedis(redisUrl, { maxRetriesPerRequest: null });
  const subscribeClient = createRedis(redisUrl, { maxRetriesPerRequest: null });
  publishClient.on('error', () => {});
  const recovered: (() => void)[] = [];
  let lost = false;
  let closing = false;
  subscribeClient.on('error', () => {}); // reconnects by itself; outages are reported by the readiness check
  subscribeClient.on('close', () => {
    if (!closing) lost = true;
  });
  // ioredis re-subscribes every channel on reconnect before it is ready again.
  subscribeClient.on('ready', () => {
    if (!lost) return;
    lost = false;
    for (const listener of recovered) listener();
  });
  // The event target fires PUBLISH, SUBSCRIBE and UNSUBSCRIBE without awaiting
  // them, so a command failing (say, on a connection closed at shutdown) would
  // be an unhandled rejection: report it instead. It also hides SUBSCRIBE's
  // acknowledgement: remember each pending one so `subscribed` can wait for it.
  const pending = new Map<string, Promise<unknown>>();
  const reported = <T>(promise: Promise<T>) => {
    promise.catch(onError);
    return promise;
  };
  // The event target speaks in topics; Redis sees them under the prefix.
  const ns = `${prefix}:`;
  const trackedSubscriber = new Proxy(subscribeClient, {
    get(target, prop, receiver) {
      if (prop === 'subscribe') {
        return (channel: string) => {
          const ack = target.subscribe(ns + channel).finally(() => {
            if (pending.get(channel) === ack) pending.delete(channel);
          });
          pending.set(channel, ack);
          return reported(ack);
        };
      }
      if (prop === 'unsubscribe') return (channel: string) => reported(target.unsubscribe(ns + channel));
      if (prop === 'on') {
        return (event: string, listener: (...args: unknown[]) => void) =>
          event === 'message'
            ? target.on('message', (channel: string, message: string) => {
                if (channel.startsWith(ns)) listener(channel.slice(ns.length), message);
              })
            : target.on(event, listener);
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const guardedPublisher = new Proxy(publishClient, {
    get(target, prop, receiver) {
      if (prop === 'publish') return (channel: string, message: string) => reported(target.publish(ns + channel, message));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const eventTarget = createRedisEventTarget({ publishClient: guardedPublisher, subscribeClient: trackedSubscriber });
  return {
    pubSub: createPubSub<Topics>({ eventTarget: eventTarget as never }),
    subscribed: async (channel) => {
      await pending.get(channel);
    },
    onRecovered: (listener) => recovered.push(listener),
    async close() {
      closing = true;
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
