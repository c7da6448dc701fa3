// Request rate limits per API key, per user and per IP (anonymous callers),
// with rate-limiter-flexible: in Redis when configured (shared by every API
// node), in memory otherwise. Standard RateLimit-* headers on every answer.
// While Redis is unreachable each node counts in memory (the library's
// insurance limiter, used at once when the connection is not ready): limits
// stay in force per node instead of every request failing.
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Actor } from './actor.js';
import type { Config } from './config.js';
import { rateLimited } from './errors.js';

export class RateLimits {
  private readonly principal: RateLimiterAbstract;
  private readonly anonymous: RateLimiterAbstract;

  constructor(
    private readonly config: Config,
    redis?: Redis,
    private readonly onStoreError: (err: unknown) => void = () => {},
  ) {
    const make = (keyPrefix: string, points: number) => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: config.rateLimitWindowSeconds });
      if (!redis) return memory;
      return new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.queuePrefix}:rl:${keyPrefix}`,
        points,
        duration: config.rateLimitWindowSeconds,
        insuranceLimiter: memory,
        rejectIfRedisNotReady: true,
      });
    };
    this.principal = make('principal', config.rateLimitPerMinute);
    this.anonymous = make('ip', config.rateLimitAnonymousPerMinute);
  }

  /**
   * Counts one request (or one operation on a socket); throws RATE_LIMITED
   * (with retryAfter) when over the limit. Never fails for its own store: a
   * limiter that cannot count lets the request through and says so in the log.
   */
  async consume(actor: Actor, ip: string | undefined, res?: Response): Promise<void> {
    const [limiter, key, limit] =
      actor.kind === 'apiKey'
        ? [this.principal, `key:${actor.keyId}`, this.config.rateLimitPerMinute]
        : actor.kind === 'user'
          ? [this.principal, `user:${actor.userId}`, this.config.rateLimitPerMinute]
          : actor.kind === 'customer'
            ? [this.principal, `contact:${actor.contactId}`, this.config.rateLimitPerMinute]
            : [this.anonymous, `ip:${ip ?? 'unknown'}`, this.config.rateLimitAnonymousPerMinute];
    const headers = (r: RateLimiterRes) => {
      res?.setHeader('RateLimit-Limit', String(limit));
      res?.setHeader('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
      res?.setHeader('RateLimit-Reset', String(Math.ceil(r.msBeforeNext / 1000)));
    };
    try {
      headers(await limiter.consume(key));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        this.onStoreError(err);
        return;
      }
      headers(err);
      const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      res?.setHeader('Retry-After', String(retryAfter));
      throw rateLimited(retryAfter);
    }
  }
}
