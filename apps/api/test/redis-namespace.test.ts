// Two deployments on one Redis (staging beside production, say): every key
// and pub/sub channel a deployment uses is under its QUEUE_PREFIX, so neither
// hears the other's live events nor counts the other's nodes and sockets,
// while the nodes of one deployment still share everything. The suite starts
// its own Redis, so that it can list every key and channel in it.
import { Redis } from 'ioredis';
import { createAppPubSub, type PubSubHandle } from '../src/platform/pubsub.js';
import type { PrincipalRevokedPayload } from '../src/platform/topics.js';
import { missingServerTools, startRedisServer, type RedisServer } from './dedicated-servers.js';
import { collect, eventually, startTestServer, untilFeedLive, wsClient, type TestServer } from './testkit.js';

const REDIS_PORT = 17389;
const missing = missingServerTools().filter((bin) => bin.startsWith('redis'));
if (missing.length) console.warn(`Redis namespace suite SKIPPED: ${missing.join(', ')} not found (install redis-server)`);
const suite = missing.length ? describe.skip : describe;

const FEED = `subscription($id: ID!) { conversationEvents(conversationId: $id) { __typename ... on MessageAdded { message { seq body } } } }`;
const STATUS = `{ systemStatus { cluster { nodes sockets } } }`;

/** Everything a handle hears on the one global channel, from the moment it has subscribed. */
function listen(handle: PubSubHandle) {
  const heard: PrincipalRevokedPayload[] = [];
  const iterator = handle.pubSub.subscribe('principalRevoked')[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      heard.push(next.value);
    }
  })();
  return { heard, ready: handle.subscribed('principalRevoked'), stop: () => iterator.return?.() };
}

suite('deployments sharing one Redis', () => {
  let redis: RedisServer;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    redis = await startRedisServer(REDIS_PORT);
    a = await startTestServer({ REDIS_URL: redis.url, QUEUE_PREFIX: 'deploy-a' });
    b = await startTestServer({ REDIS_URL: redis.url, QUEUE_PREFIX: 'deploy-b' });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.destroy();
  });

  it('hear only their own events, on the channel every node of a deployment shares', async () => {
    const handles = [
      createAppPubSub(redis.url, undefined, 'deploy-a'),
      createAppPubSub(redis.url, undefined, 'deploy-a'),
      createAppPubSub(redis.url, undefined, 'deploy-b'),
    ];
    const [a1, a2, b1] = handles as [PubSubHandle, PubSubHandle, PubSubHandle];
    const onA = listen(a2);
    const onB = listen(b1);
    try {
      await Promise.all([onA.ready, onB.ready]);
      a1.pubSub.publish('principalRevoked', { kind: 'apiKey', id: 'revoked-in-a' });
      await eventually(async () => onA.heard.length > 0, 10_000, 'the other node of deployment a hears it');
      // Redis has handled a's PUBLISH (a2 heard it) before b publishes its own, and it
      // delivers to b's connection in that order: had b heard a's event, it would come first.
      b1.pubSub.publish('principalRevoked', { kind: 'apiKey', id: 'revoked-in-b' });
      await eventually(async () => onB.heard.length > 0, 10_000, 'deployment b hears its own');
      expect(onA.heard).toEqual([{ kind: 'apiKey', id: 'revoked-in-a' }]);
      expect(onB.heard).toEqual([{ kind: 'apiKey', id: 'revoked-in-b' }]);
    } finally {
      await onA.stop();
      await onB.stop();
      for (const handle of handles) await handle.close();
    }
  });

  it('count only their own nodes and sockets, and keep every key and channel under their prefix', async () => {
    const peer = await a.startPeer();
    const clients: { dispose(): unknown }[] = [];
    try {
      // Deployment a at work: a staff socket (presence), a customer's live feed, typing, messages, rate limits.
      const ws = await a.createWorkspace('Deployment A');
      const started = await a.gql(`mutation($k: String!) { startConversation(input: {widgetKey: $k, name: "Ada"}) { customerToken conversation { id } } }`, {
        k: ws.widgetKey,
      });
      const { customerToken, conversation } = started.data.startConversation;
      const agent = wsClient(a.wsUrl, ws.token);
      clients.push(agent);
      const inbox = collect(agent, `subscription { inboxEvents { __typename } }`);
      const customer = wsClient(peer.wsUrl, customerToken);
      clients.push(customer);
      const feed = collect(customer, FEED, { id: conversation.id });
      await untilFeedLive(a, feed, conversation.id, customerToken);
      const sent = await a.gql(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`,
        { input: { conversationId: conversation.id, body: 'Hello from A' } },
        ws.token,
      );
      expect(sent.errors).toBeUndefined();
      // Published on node a, delivered by the peer: the deployment's nodes share the channel.
      await feed.until((events) => events.some((e) => e.message?.body === 'Hello from A'));
      await inbox.until((events) => events.length > 0);

      // Each node reports itself when asked; a counts its two nodes and its sockets, b none of them.
      await peer.gql(STATUS, {}, ws.token);
      const statusA = await a.gql(STATUS, {}, ws.token);
      expect(statusA.data.systemStatus.cluster).toEqual({ nodes: 2, sockets: 2 });
      const wsB = await b.createWorkspace('Deployment B');
      const statusB = await b.gql(STATUS, {}, wsB.token);
      expect(statusB.data.systemStatus.cluster).toEqual({ nodes: 1, sockets: 0 });

      const admin = new Redis(redis.url);
      try {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await admin.scan(cursor, 'COUNT', 500);
          cursor = next;
          keys.push(...batch);
        } while (cursor !== '0');
        const channels = (await admin.pubsub('CHANNELS', '*')) as string[];
        expect(keys.some((k) => k.startsWith('deploy-a:presence:'))).toBe(true);
        expect(keys.some((k) => k.startsWith('deploy-a:node:'))).toBe(true);
        expect(keys.some((k) => k.startsWith('deploy-a:rl:'))).toBe(true);
        expect(channels).toContain(`deploy-a:conversation:${conversation.id}`);
        expect(keys.filter((k) => !/^deploy-[ab]:/.test(k))).toEqual([]);
        expect(channels.filter((c) => !/^deploy-[ab]:/.test(c))).toEqual([]);
      } finally {
        admin.disconnect();
      }
    } finally {
      for (const c of clients) await c.dispose();
      await peer.close();
    }
  });
});
