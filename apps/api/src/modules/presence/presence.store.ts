// Where presence lives: in memory for one node, in Redis for many. A user is
// online while at least one of their sockets has heartbeated within the
// timeout; each state change is reported by exactly one node.
import type { Redis } from 'ioredis';

export type PresenceStatus = 'ONLINE' | 'AWAY' | 'OFFLINE';

export interface PresenceStore {
  /** Registers a socket; true when the user just came online. */
  connect(userId: string, workspaceId: string, connId: string, expiresAt: number): Promise<boolean>;
  touch(userId: string, connId: string, expiresAt: number): Promise<void>;
  /** touch() for many sockets at once (a node's heartbeat): one round trip, not one per socket. */
  touchMany(sockets: Iterable<{ userId: string; connId: string }>, expiresAt: number): Promise<void>;
  /** Removes a socket; true when it was the user's last one. */
  disconnect(userId: string, connId: string): Promise<boolean>;
  /** Drops expired sockets; returns users who went offline because of it. */
  sweep(now: number): Promise<{ userId: string; workspaceId: string }[]>;
  setStatus(userId: string, status: PresenceStatus): Promise<void>;
  /** Chosen status of each online user of the workspace (ONLINE unless set otherwise). */
  list(workspaceId: string): Promise<Map<string, PresenceStatus>>;
}

export class MemoryPresenceStore implements PresenceStore {
  private conns = new Map<string, Map<string, number>>();
  private users = new Map<string, string>();
  private statuses = new Map<string, PresenceStatus>();

  async connect(userId: string, workspaceId: string, connId: string, expiresAt: number) {
    const conns = this.conns.get(userId) ?? new Map<string, number>();
    this.conns.set(userId, conns);
    conns.set(connId, expiresAt);
    const fresh = !this.users.has(userId);
    this.users.set(userId, workspaceId);
    return fresh;
  }

  async touch(userId: string, connId: string, expiresAt: number) {
    this.conns.get(userId)?.set(connId, expiresAt);
  }

  async touchMany(sockets: Iterable<{ userId: string; connId: string }>, expiresAt: number) {
    for (const { userId, connId } of sockets) await this.touch(userId, connId, expiresAt);
  }

  async disconnect(userId: string, connId: string) {
    const conns = this.conns.get(userId);
    conns?.delete(connId);
    if (conns && conns.size > 0) return false;
    this.conns.delete(userId);
    return this.users.delete(userId);
  }

  async sweep(now: number) {
    const gone: { userId: string; workspaceId: string }[] = [];
    for (const [userId, conns] of this.conns) {
      for (const [connId, expiresAt] of conns) if (expiresAt <= now) conns.delete(connId);
      if (conns.size === 0) {
        this.conns.delete(userId);
        const workspaceId = this.users.get(userId);
        if (workspaceId && this.users.delete(userId)) gone.push({ userId, workspaceId });
      }
    }
    return gone;
  }

  async setStatus(userId: string, status: PresenceStatus) {
    if (status === 'ONLINE') this.statuses.delete(userId);
    else this.statuses.set(userId, status);
  }

  async list(workspaceId: string) {
    const out = new Map<string, PresenceStatus>();
    for (const [userId, ws] of this.users) if (ws === workspaceId) out.set(userId, this.statuses.get(userId) ?? 'ONLINE');
    return out;
  }
}

/** The store's keys, under the deployment's Redis prefix (`QUEUE_PREFIX`). */
function presenceKeys(prefix: string) {
  return {
    conns: (userId: string) => `${prefix}:presence:conns:${userId}`,
    users: `${prefix}:presence:users`,
    statuses: `${prefix}:presence:status`,
  };
}

/** Sockets per ZADD in touchMany. */
const TOUCH_CHUNK = 500;

export class RedisPresenceStore implements PresenceStore {
  private readonly K: ReturnType<typeof presenceKeys>;

  /** `prefix`: the deployment's Redis prefix (`QUEUE_PREFIX`), so deployments sharing a Redis keep their own presence. */
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.K = presenceKeys(prefix);
  }

  async connect(userId: string, workspaceId: string, connId: string, expiresAt: number) {
    await this.redis.zadd(this.K.conns(userId), expiresAt, connId);
    return (await this.redis.hsetnx(this.K.users, userId, workspaceId)) === 1;
  }

  async touch(userId: string, connId: string, expiresAt: number) {
    await this.redis.zadd(this.K.conns(userId), 'XX', expiresAt, connId);
  }

  async touchMany(sockets: Iterable<{ userId: string; connId: string }>, expiresAt: number) {
    const byUser = new Map<string, string[]>();
    for (const { userId, connId } of sockets) {
      const conns = byUser.get(userId);
      if (conns) conns.push(connId);
      else byUser.set(userId, [connId]);
    }
    if (byUser.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [userId, conns] of byUser) {
      for (let i = 0; i < conns.length; i += TOUCH_CHUNK) {
        const args: (string | number)[] = [];
        for (const connId of conns.slice(i, i + TOUCH_CHUNK)) args.push(expiresAt, connId);
        pipeline.zadd(this.K.conns(userId), 'XX', ...args);
      }
    }
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async disconnect(userId: string, connId: string) {
    await this.redis.zrem(this.K.conns(userId), connId);
    return this.dropIfIdle(userId, Date.now());
  }

  async sweep(now: number) {
    const users = await this.redis.hgetall(this.K.users);
    const gone: { userId: string; workspaceId: string }[] = [];
    for (const [userId, workspaceId] of Object.entries(users)) {
      if (await this.dropIfIdle(userId, now)) gone.push({ userId, workspaceId });
    }
    return gone;
  }

  /** HDEL decides which node reports the change when several notice it at once. */
  private async dropIfIdle(userId: string, now: number) {
    await this.redis.zremrangebyscore(this.K.conns(userId), '-inf', now);
    if ((await this.redis.zcard(this.K.conns(userId))) > 0) return false;
    return (await this.redis.hdel(this.K.users, userId)) === 1;
  }

  async setStatus(userId: string, status: PresenceStatus) {
    if (status === 'ONLINE') await this.redis.hdel(this.K.statuses, userId);
    else await this.redis.hset(this.K.statuses, userId, status);
  }

  async list(workspaceId: string) {
    const [users, statuses] = await Promise.all([this.redis.hgetall(this.K.users), this.redis.hgetall(this.K.statuses)]);
    const out = new Map<string, PresenceStatus>();
    for (const [userId, ws] of Object.entries(users)) if (ws === workspaceId) out.set(userId, (statuses[userId] as PresenceStatus) ?? 'ONLINE');
    return out;
  }
}
