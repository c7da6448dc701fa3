// The one place that reads process.env: parsed and validated once at start-up.
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { redisUrlProblem } from './redis.js';

/** Redis keys, channels and queues of a deployment start with this, unless QUEUE_PREFIX says otherwise. */
export const DEFAULT_QUEUE_PREFIX = 'sb';

const DEV_JWT_SECRET = 'switchboard-development-only-secret-change-me';

/** Secrets published in this repository or its docs: anyone could forge tokens with them. */
const PUBLIC_SECRETS = new Set([DEV_JWT_SECRET, 'change-me-in-production-please-32chars', 'test-secret-that-is-long-enough-for-hs256-signing']);
const MIN_SECRET_BITS = 128;

/**
 * Estimated strength of a secret: its length times the Shannon entropy of its
 * characters. `openssl rand -hex 32` scores about 240 bits, `base64 32` about
 * 220; a repeated or dictionary-like phrase of 32 characters well under 128.
 */
export function secretStrengthBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / secret.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * secret.length;
}

const variables = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().default('.data'),
  REDIS_URL: z
    .string()
    .superRefine((url, ctx) => {
      const problem = redisUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(30),
  CUSTOMER_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(30),
  AI_PROVIDER: z.enum(['local', 'openai']).optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url('must be a URL').optional(),
  OPENAI_CHAT_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  AI_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  LOCAL_EMBEDDING: z.enum(['semantic', 'hashed']).default('semantic'),
  RUN_WORKERS: z.enum(['true', 'false']).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  TRUSTED_DOCUMENTS: z.enum(['true', 'false']).default('false'),
  AI_AUTO_REPLY: z.enum(['true', 'false']).default('true'),
  ANALYTICS_ROLLUPS: z.enum(['true', 'false']).default('true'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[\w-]+$/, 'letters, digits, - and _ only')
    .default(DEFAULT_QUEUE_PREFIX),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  DEMO_ADMIN_EMAIL: z.string().email('must be an email address').default('admin@demo.switchboard.dev'),
  DEMO_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  BODY_LIMIT: z.string().default('1mb'),
  // OpenTelemetry's own variables: these decide whether tracing is on; the SDK reads the rest (OTEL_*).
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('must be a URL').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url('must be a URL').optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  METRICS_ENABLED: z.enum(['true', 'false']).default('true'),
  ALERT_EVALUATION_SECONDS: z.coerce.number().positive().default(30),
  ALERT_QUEUE_BACKLOG: z.coerce.number().int().min(0).default(1000),
  ALERT_QUEUE_BACKLOG_MINUTES: z.coerce.number().min(0).default(5),
  ALERT_FAILED_JOBS: z.coerce.number().int().positive().default(5),
  ALERT_EVENT_LOOP_LAG_MS: z.coerce.number().positive().default(500),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d+|[\w.:/,\s-]+)$/, 'must be true, false, a hop count, or addresses/subnets (comma-separated)')
    .default('false'),
  AUTH_RECHECK_SECONDS: z.coerce.number().positive().max(3600).default(5),
  AUTH_CACHE_SECONDS: z.coerce.number().positive().max(3600).default(5),
  JOB_RETRY_BASE_MS: z.coerce.number().int().positive().default(1000),
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(10_000),
  RECONCILE_AFTER_SECONDS: z.coerce.number().int().positive().default(60),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  HTTP_KEEP_ALIVE_SECONDS: z.coerce.number().int().min(1).max(3600).default(65),
  WEBHOOK_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .regex(/^[\da-fA-F.:/,\s]*$/, 'must be IP addresses or CIDR ranges, comma-separated')
    .default(''),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(60_000),
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().positive().default(5),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().positive().max(256).default(16),
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(3, 'must be at least 3 (deliveries are retried for up to 46 hours)').default(30),
  ATTACHMENTS_DIR: z.string().optional(),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  ATTACHMENT_URL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .default(3600),
  ATTACHMENTS_S3_BUCKET: z.string().optional(),
  ATTACHMENTS_S3_REGION: z.string().default('us-east-1'),
  ATTACHMENTS_S3_ENDPOINT: z.string().url('must be a URL').optional(),
  ATTACHMENTS_S3_ACCESS_KEY_ID: z.string().optional(),
  ATTACHMENTS_S3_SECRET_ACCESS_KEY: z.string().optional(),
  ATTACHMENTS_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  WEB_URL: z.string().url('must be a URL').optional(),
  WEB_DIST_DIR: z.string().optional(),
});

/** Every variable the API reads; the README's Configuration table and turbo.json list the same names. */
export const ENV_VARIABLES = Object.keys(variables.shape);

const schema = variables.superRefine((env, ctx) => {
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production (generate one with `openssl rand -hex 32`)' });
  } else if (env.NODE_ENV === 'production' && env.JWT_SECRET) {
    if (PUBLIC_SECRETS.has(env.JWT_SECRET) || /change-?me|placeholder|example/i.test(env.JWT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is a published placeholder; generate one with `openssl rand -hex 32`' });
    } else if (secretStrengthBits(env.JWT_SECRET) < MIN_SECRET_BITS) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is too predictable; generate one with `openssl rand -hex 32`' });
    }
  }
  if (env.NODE_ENV === 'production' && env.WEBHOOK_ALLOW_HTTP === 'true') {
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_HTTP'], message: 'must stay false in production (webhook endpoints must use https)' });
  }
  if (env.WEBHOOK_ALLOWED_NETWORKS) {
    for (const entry of env.WEBHOOK_ALLOWED_NETWORKS.split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!parseNetwork(entry)) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOWED_NETWORKS'], message: `"${entry}" is not an IP address or CIDR range` });
    }
  }
  if (Boolean(env.ATTACHMENTS_S3_ACCESS_KEY_ID) !== Boolean(env.ATTACHMENTS_S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({
      code: 'custom',
      path: ['ATTACHMENTS_S3_SECRET_ACCESS_KEY'],
      message: 'and ATTACHMENTS_S3_ACCESS_KEY_ID are set together (or neither, for the SDK’s default credentials)',
    });
  }
  if (env.AI_PROVIDER === 'openai' && !env.OPENAI_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required when AI_PROVIDER=openai' });
  }
});

export type Env = z.input<typeof schema>;

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** The worker's /metrics and /healthz port (API nodes serve /metrics on `port`). */
  metricsPort: number;
  /** METRICS_ENABLED: Prometheus metrics on /metrics (default true). */
  metricsEnabled: boolean;
  databaseUrl?: string;
  /** Embedded PGlite directory; `memory://` keeps it in memory. */
  dataDir: string;
  redisUrl?: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  customerTokenTtlDays: number;
  ai: {
    provider: 'local' | 'openai';
    apiKey?: string;
    baseUrl?: string;
    chatModel: string;
    embeddingModel: string;
    /** The `local` provider's embedding: hashed words + USE-lite sentence embedding, or hashed words only (lighter, less accurate). */
    localEmbedding: 'semantic' | 'hashed';
    timeoutMs: number;
    /** Whether the assistant answers customers by itself (analysis and agent assist run regardless). */
    autoReply: boolean;
  };
  /** Whether this API process also runs the job workers (always, without Redis). */
  runWorkers: boolean;
  /** Requests per minute per user, customer or API key, and per IP for anonymous callers. */
  rateLimitPerMinute: number;
  rateLimitAnonymousPerMinute: number;
  /** The window those limits count over (60 s unless testing). */
  rateLimitWindowSeconds: number;
  /** Only operations from packages/schema may run (production hardening). */
  trustedDocuments: boolean;
  /** The prefix of every Redis key and pub/sub channel this deployment uses (BullMQ, pub/sub, presence, node counts, rate limits, alert turns): deployments (and test runs) sharing a Redis stay apart. */
  queuePrefix: string;
  logLevel: string;
  seedDemo: boolean;
  demoAdminEmail: string;
  demoAdminPassword?: string;
  introspection: boolean;
  bodyLimit: string;
  /** OpenTelemetry traces: on when an OTLP endpoint or a traces exporter is configured. */
  tracing: { enabled: boolean; serviceName?: string };
  /** In-process alert rules (see modules/alerts/alert.rules.ts). */
  alerts: {
    evaluationSeconds: number;
    queueBacklog: number;
    queueBacklogMinutes: number;
    failedJobs: number;
    eventLoopLagMs: number;
  };
  /**
   * Express's `trust proxy`: whose X-Forwarded-For to believe, so per-IP
   * limits see the client rather than the reverse proxy in front of us.
   */
  trustProxy: boolean | number | string;
  /** How often open sockets' credentials are re-checked (revocation events act at once). */
  authRecheckSeconds: number;
  /** How long a node trusts a credential's verdict on HTTP and new socket operations (revocation events clear it at once). */
  authCacheSeconds: number;
  /** Where people open the web app (start-up banner links); unset = the API's own address when it serves the web app. */
  webUrl?: string;
  /** The built web app this process serves next to the API (`npm start`); undefined = apps/web/dist in production when present. */
  webDistDir?: string;
  /**
   * Analytics read the per-conversation reply facts the database keeps on
   * write and the hourly message rollups (plain and by mode, assignee and
   * channel) (default); false recomputes them from messages on every query
   * (slower; kept as the reference the rollups are checked against).
   */
  analyticsRollups: boolean;
  jobs: {
    /** First retry delay; each later one doubles (1 s × 8 attempts spans 127 s of retries). */
    retryBaseMs: number;
    /** BullMQ job lock; a crashed worker's job is picked up again within 1.5 × this. */
    lockMs: number;
    /** Customer messages in AI mode left without an answer, handoff or failure this long are re-driven. */
    reconcileAfterSeconds: number;
  };
  /** How long SIGTERM waits for requests and active jobs before closing anyway. */
  shutdownTimeoutMs: number;
  /**
   * How long an idle HTTP keep-alive connection stays open. Longer than the
   * idle timeout of the proxies and load balancers in front (60 s for most),
   * so the server never closes a connection a client or proxy has just reused.
   */
  httpKeepAliveSeconds: number;
  /** Message attachments (modules/attachments). */
  attachments: {
    /** Local-disk storage directory (used unless `s3` is set). */
    dir: string;
    /** Largest accepted file, in bytes. */
    maxBytes: number;
    /** How long a signed download URL stays valid. */
    urlTtlSeconds: number;
    /** S3-compatible storage, when a bucket is configured. */
    s3?: { bucket: string; region: string; endpoint?: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
  };
  /** Outgoing webhooks (modules/webhooks). */
  webhooks: {
    /** Whether endpoints may use plain http (development only; production requires https). */
    allowHttp: boolean;
    /**
     * Networks endpoints may resolve to although they are loopback, private or
     * link-local (SSRF protection refuses those otherwise). Empty by default.
     */
    allowedNetworks: { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[];
    /** One delivery attempt's deadline: connect, send and read the (capped) response. */
    timeoutMs: number;
    /** First retry delay; later ones double up to 360 × this, with ±20 % jitter (60 s: retries span over 30 h). */
    retryBaseMs: number;
    /** An endpoint that has failed every delivery for this long is disabled (with a notification and an alert). */
    disableAfterDays: number;
    /** Deliveries a worker runs at once (BullMQ). */
    concurrency: number;
    /** Events (and their delivery log) older than this are deleted; a workspace's shorter data retention applies to its own. */
    retentionDays: number;
  };
}

/** `10.0.0.0/8`, `::1`, `127.0.0.1`: an address with an optional prefix length; null when invalid. */
export function parseNetwork(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', bits] = entry.split('/');
  const version = isIP(address);
  if (!version) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export class ConfigError extends Error {}

/** Parses an environment; throws ConfigError with one line per bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `Invalid environment variable ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    metricsPort: e.METRICS_PORT,
    metricsEnabled: e.METRICS_ENABLED === 'true',
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET ?? DEV_JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    customerTokenTtlDays: e.CUSTOMER_TOKEN_TTL_DAYS,
    ai: {
      provider: e.AI_PROVIDER ?? (e.OPENAI_API_KEY ? 'openai' : 'local'),
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      chatModel: e.OPENAI_CHAT_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
      localEmbedding: e.LOCAL_EMBEDDING,
      timeoutMs: e.AI_TIMEOUT_MS,
      autoReply: e.AI_AUTO_REPLY === 'true',
    },
    runWorkers: !e.REDIS_URL || e.RUN_WORKERS === 'true',
    queuePrefix: e.QUEUE_PREFIX,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    rateLimitAnonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    rateLimitWindowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
    trustedDocuments: e.TRUSTED_DOCUMENTS === 'true',
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO === 'true',
    demoAdminEmail: e.DEMO_ADMIN_EMAIL,
    demoAdminPassword: e.DEMO_ADMIN_PASSWORD,
    introspection: e.INTROSPECTION ? e.INTROSPECTION === 'true' : e.NODE_ENV !== 'production',
    bodyLimit: e.BODY_LIMIT,
    tracing: {
      enabled:
        e.OTEL_SDK_DISABLED !== 'true' &&
        e.OTEL_TRACES_EXPORTER !== 'none' &&
        Boolean(e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || e.OTEL_TRACES_EXPORTER),
      serviceName: e.OTEL_SERVICE_NAME,
    },
    alerts: {
      evaluationSeconds: e.ALERT_EVALUATION_SECONDS,
      queueBacklog: e.ALERT_QUEUE_BACKLOG,
      queueBacklogMinutes: e.ALERT_QUEUE_BACKLOG_MINUTES,
      failedJobs: e.ALERT_FAILED_JOBS,
      eventLoopLagMs: e.ALERT_EVENT_LOOP_LAG_MS,
    },
    trustProxy: e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    authRecheckSeconds: e.AUTH_RECHECK_SECONDS,
    authCacheSeconds: e.AUTH_CACHE_SECONDS,
    webUrl: e.WEB_URL?.replace(/\/+$/, ''),
    webDistDir: e.WEB_DIST_DIR,
    analyticsRollups: e.ANALYTICS_ROLLUPS === 'true',
    jobs: { retryBaseMs: e.JOB_RETRY_BASE_MS, lockMs: e.JOB_LOCK_MS, reconcileAfterSeconds: e.RECONCILE_AFTER_SECONDS },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    httpKeepAliveSeconds: e.HTTP_KEEP_ALIVE_SECONDS,
    attachments: {
      // In memory (tests, throwaway runs) there is no data directory to sit in.
      dir: e.ATTACHMENTS_DIR ?? (e.DATA_DIR.startsWith('memory://') ? join(tmpdir(), 'switchboard-attachments') : join(e.DATA_DIR, 'attachments')),
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      urlTtlSeconds: e.ATTACHMENT_URL_TTL_SECONDS,
      s3: e.ATTACHMENTS_S3_BUCKET
        ? {
            bucket: e.ATTACHMENTS_S3_BUCKET,
            region: e.ATTACHMENTS_S3_REGION,
            endpoint: e.ATTACHMENTS_S3_ENDPOINT,
            accessKeyId: e.ATTACHMENTS_S3_ACCESS_KEY_ID,
            secretAccessKey: e.ATTACHMENTS_S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.ATTACHMENTS_S3_FORCE_PATH_STYLE === 'true',
          }
        : undefined,
    },
    webhooks: {
      allowHttp: e.WEBHOOK_ALLOW_HTTP === 'true',
      allowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS.split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => parseNetwork(x)!),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      disableAfterDays: e.WEBHOOK_DISABLE_AFTER_DAYS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      retentionDays: e.WEBHOOK_RETENTION_DAYS,
    },
  };
}

/** For entry points: the config, or one line per bad variable on stderr and exit 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
