// Per-node realtime bookkeeping: open sockets and subscriptions (also shared
// through Redis for cluster totals), staff presence heartbeats, and the
// typing rate limiter.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { PubSub } from '../../platform/pubsub.js';
import type { Logger } from '../../platform/logger.js';
import { MemoryPresenceStore, type PresenceStatus, type PresenceStore, RedisPresenceStore } from '../presence/index.js';

export const PRESENCE_HEARTBEAT_MS = 15_000;
export const PRESENCE_TIMEOUT_MS = 45_000;
const NODE_STATS_TTL_S = 30;

interface StaffSocket {
  userId: string;
  workspaceId: string;
}

export class RealtimeState {
  readonly nodeId = randomUUID();
  readonly startedAt = Date.now();
  sockets = 0;
  subscriptions = 0;
  readonly presence: PresenceStore;
  /** setTyping: 20 calls per 10 s per user (or customer) and conversation. */
  readonly typingLimiter: RateLimiterAbstract;
  private readonly staffSockets = new Map<string, StaffSocket>();
  private timers: NodeJS.Timeout[] = [];
  /** Called when an agent becomes ONLINE (a first socket, or back from AWAY): waiting conversations may go to them. */
  onAvailable?: (workspaceId: string, userId: string) => void;

  constructor(
    private readonly pubSub: PubSub,
    private readonly logger: Logger,
    private readonly redis: Redis | undefined,
    /** The deployment's Redis prefix (`QUEUE_PREFIX`): presence, node counts and limits of deployments sharing a Redis stay apart. */
    private readonly redisPrefix: string,
  ) {
    this.presence = redis ? new RedisPresenceStore(redis, redisPrefix) : new MemoryPresenceStore();
    this.typingLimiter = redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${redisPrefix}:rl:typing`, points: 20, duration: 10 })
      : new RateLimiterMemory({ keyPrefix: 'typing', points: 20, duration: 10 });
  }

  start() {
    const heartbeat = setInterval(() => void this.heartbeat().catch((err) => this.logger.warn({ err }, 'presence heartbeat failed')), PRESENCE_HEARTBEAT_MS);
    const sweep = setInterval(() => void this.sweep().catch((err) => this.logger.warn({ err }, 'presence sweep failed')), PRESENCE_HEARTBEAT_MS);
    this.timers.push(heartbeat, sweep);
    for (const t of this.timers) t.unref();
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  async staffConnected(connId: string, userId: string, workspaceId: string) {
    this.staffSockets.set(connId, { userId, workspaceId });
    if (await this.presence.connect(userId, workspaceId, connId, Date.now() + PRESENCE_TIMEOUT_MS)) {
      const status = (await this.presence.list(workspaceId)).get(userId) ?? 'ONLINE';
      this.publishPresence(workspaceId, userId, status);
      if (status === 'ONLINE') this.onAvailable?.(workspaceId, userId);
    }
  }

  async staffDisconnected(connId: string) {
    const s = this.staffSockets.get(connId);
    if (!s) return;
    this.staffSockets.delete(connId);
    if (await this.presence.disconnect(s.userId, connId)) this.publishPresence(s.workspaceId, s.userId, 'OFFLINE');
  }

  async setStatus(workspaceId: string, userId: string, status: PresenceStatus) {
    await this.presence.setStatus(userId, status);
    this.publishPresence(workspaceId, userId, status);
    if (status === 'ONLINE') this.onAvailable?.(workspaceId, userId);
  }

  /** Sockets and subscriptions across every API node (this node's alone without Redis). */
  async clusterTotals(): Promise<{ nodes: number; sockets: number; subscriptions: number }> {
    if (!this.redis) return { nodes: 1, sockets: this.sockets, subscriptions: this.subscriptions };
    await this.reportNodeStats();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.redisPrefix}:node:*`, 'COUNT', 100);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    let sockets = 0;
    let subscriptions = 0;
    for (const key of keys) {
      const h = await this.redis.hgetall(key);
      sockets += Number(h.sockets ?? 0);
      subscriptions += Number(h.subscriptions ?? 0);
    }
    return { nodes: keys.length, sockets, subscriptions };
  }

  private async reportNodeStats() {
    if (!this.redis) return;
    const key = `${this.redisPrefix}:node:${this.nodeId}`;
    await this.redis.multi().hset(key, { sockets: this.sockets, subscriptions: this.subscriptions }).expire(key, NODE_STATS_TTL_S).exec();
  }

  private async heartbeat() {
    const expiresAt = Date.now() + PRESENCE_TIMEOUT_MS;
    const sockets = [...this.staffSockets].map(([connId, s]) => ({ userId: s.userId, connId }));
    await this.presence.touchMany(sockets, expiresAt);
    await this.reportNodeStats();
  }

  private async sweep() {
    for (const { userId, workspaceId } of await this.presence.sweep(Date.now())) this.publishPresence(workspaceId, userId, 'OFFLINE');
  }

  private publishPresence(workspaceId: string, userId: string, status: PresenceStatus) {
    this.pubSub.publish('presence', workspaceId, { workspaceId, userId, status, at: new Date().toISOString() });
  }
}

declare module '../../platform/context.js' {
  interface AppDeps {
    /** This API node's live socket and presence bookkeeping. */
    realtime: RealtimeState;
  }
}
