// Every Redis connection the product opens comes from here, so one REDIS_URL
// names either a single server or a Sentinel-monitored master:
//
//   redis://[[user]:password@]host:port[/db]          one server (rediss:// for TLS)
//   redis+sentinel://[[user]:password@]host:port[,host:port…]/<master>[/db][?sentinelPassword=…&sentinelUsername=…]
//   rediss+sentinel://…                               the same, TLS to the master and replicas
//
// The credentials before the @ are the master's (AUTH); the sentinels' own
// credentials, when they have any, are query parameters. ioredis asks the
// sentinels for the current master, reconnects to the new one after a
// failover, and with `failoverDetector` also notices a failover whose old
// master is still alive (SENTINEL FAILOVER), where connections would
// otherwise stay on a demoted replica.
import { Redis, type RedisOptions } from 'ioredis';

const SENTINEL_SCHEME = /^rediss?\+sentinel:\/\//i;

export function isSentinelUrl(url: string): boolean {
  return SENTINEL_SCHEME.test(url);
}

/** ioredis options for a `redis+sentinel://` URL; throws on a malformed one. */
export function sentinelOptions(url: string): RedisOptions {
  const match = /^(rediss?)\+sentinel:\/\/(?:([^@/]*)@)?([^/?#]+)\/([^/?#]+)(?:\/(\d+))?\/?(?:\?([^#]*))?$/i.exec(url);
  if (!match) throw new Error('expected redis+sentinel://[[user]:password@]host:port[,host:port]/<master>[/db]');
  const [, scheme, auth, hostList, master, db, query] = match;
  const sentinels = hostList!.split(',').map((entry) => {
    const hostPort = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.trim());
    if (!hostPort) throw new Error(`invalid sentinel address "${entry}"`);
    const port = hostPort[2] ? Number(hostPort[2]) : 26379;
    if (!(port > 0 && port < 65536)) throw new Error(`invalid sentinel port in "${entry}"`);
    return { host: hostPort[1]!.replace(/^\[|\]$/g, ''), port };
  });
  const options: RedisOptions = { sentinels, name: decodeURIComponent(master!), failoverDetector: true };
  if (auth) {
    const colon = auth.indexOf(':');
    const username = colon >= 0 ? auth.slice(0, colon) : '';
    const password = colon >= 0 ? auth.slice(colon + 1) : auth;
    if (username) options.username = decodeURIComponent(username);
    if (password) options.password = decodeURIComponent(password);
  }
  if (db) options.db = Number(db);
  const params = new URLSearchParams(query ?? '');
  const sentinelPassword = params.get('sentinelPassword');
  const sentinelUsername = params.get('sentinelUsername');
  if (sentinelPassword) options.sentinelPassword = sentinelPassword;
  if (sentinelUsername) options.sentinelUsername = sentinelUsername;
  if (scheme!.toLowerCase() === 'rediss') {
    options.tls = {};
    options.enableTLSForSentinelMode = true;
  }
  return options;
}

/** Explains why REDIS_URL is unusable, or returns null when it is fine. */
export function redisUrlProblem(url: string): string | null {
  if (isSentinelUrl(url)) {
    try {
      sentinelOptions(url);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }
  return /^rediss?:\/\/[^/]/i.test(url) ? null : 'must be a redis://, rediss:// or redis+sentinel:// URL';
}

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  if (isSentinelUrl(url)) return new Redis({ ...sentinelOptions(url), ...options });
  return new Redis(url, options);
}
