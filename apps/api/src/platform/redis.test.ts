import { loadConfig } from './config.js';
import { isSentinelUrl, redisUrlProblem, sentinelOptions } from './redis.js';

describe('REDIS_URL forms', () => {
  it('reads the sentinels, the master name, the database and both sets of credentials', () => {
    const url = 'redis+sentinel://app:s%40cret@10.0.0.1:26379,10.0.0.2,[::1]:26380/mymaster/2?sentinelPassword=sent%2Fpw&sentinelUsername=watch';
    expect(isSentinelUrl(url)).toBe(true);
    expect(sentinelOptions(url)).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      db: 2,
      username: 'app',
      password: 's@cret',
      sentinelPassword: 'sent/pw',
      sentinelUsername: 'watch',
      failoverDetector: true,
    });
  });

  it('takes a password without a user, and TLS from rediss+sentinel', () => {
    const options = sentinelOptions('rediss+sentinel://:pw@sentinel.internal:26379/main');
    expect(options).toMatchObject({ password: 'pw', name: 'main', tls: {}, enableTLSForSentinelMode: true });
    expect(options.username).toBeUndefined();
    expect(options.db).toBeUndefined();
  });

  it('rejects malformed URLs with a reason, at configuration time', () => {
    expect(redisUrlProblem('redis://127.0.0.1:6379')).toBeNull();
    expect(redisUrlProblem('rediss://cache.internal:6380/1')).toBeNull();
    expect(redisUrlProblem('redis+sentinel://127.0.0.1:26379/mymaster')).toBeNull();
    expect(redisUrlProblem('redis+sentinel://127.0.0.1:26379')).toMatch(/<master>/);
    expect(redisUrlProblem('redis+sentinel://127.0.0.1:99999/mymaster')).toMatch(/port/);
    expect(redisUrlProblem('http://127.0.0.1:6379')).toMatch(/redis\+sentinel:\/\//);
    expect(redisUrlProblem('redis://')).not.toBeNull();

    expect(() => loadConfig({ REDIS_URL: 'redis+sentinel://127.0.0.1:26379' })).toThrow(/REDIS_URL/);
    expect(loadConfig({ REDIS_URL: 'redis+sentinel://a:26379,b:26379/mymaster' }).redisUrl).toBe('redis+sentinel://a:26379,b:26379/mymaster');
  });
});
