import { Redis } from 'ioredis';
import { loadConfig } from './config.js';
import { RateLimits } from './rate-limit.js';
import { UserRole } from '../modules/auth/user.entity.js';

describe('rate limits without their Redis', () => {
  it('keep counting in memory while Redis is unreachable instead of failing requests', async () => {
    // A real client whose server is not there (nothing listens on port 1).
    const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 1000 });
    redis.on('error', () => {});
    try {
      const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_WINDOW_SECONDS: '60' });
      const storeErrors: unknown[] = [];
      const limits = new RateLimits(config, redis, (err) => storeErrors.push(err));
      const actor = { kind: 'user', userId: 'u1', workspaceId: 'w1', role: UserRole.AGENT } as const;
      const outcomes = [];
      for (let i = 0; i < 7; i++)
        outcomes.push(
          await limits.consume(actor, undefined).then(
            () => 'ok',
            (err) => err.extensions.code,
          ),
        );
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(storeErrors).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
