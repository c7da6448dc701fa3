// HTTP (Apollo Server on express) and graphql-ws on one port and path,
// health endpoints, and graceful shutdown.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type Request } from 'express';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createRedis } from '../platform/redis.js';
import { WebSocketServer } from 'ws';
import { TokenService } from '../modules/auth/tokens.js';
import type { Actor } from '../platform/actor.js';
import type { Config } from '../platform/config.js';
import { createContext, createLazyContext, type AppDeps, type Context } from '../platform/context.js';
import { migrate, type Orm } from '../platform/database.js';
import { createOrm } from './database.js';
import { alignEmbeddingSpace } from '../modules/knowledge/embedding-space.js';
import { AppError } from '../platform/errors.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { createAppPubSub } from '../platform/pubsub.js';
import { topicHub } from '../platform/topic-hub.js';
import { createSchema } from './schema.js';
import { scheduleInProcess, scheduleOnBull } from './schedules.js';
import { bindTransport, sharedSubscribe } from '../platform/shared-execution.js';
import { createOperationPipeline } from '../platform/graphql/pipeline.js';
import { SocketSessions, type LiveSocket } from '../platform/graphql/sockets.js';
import { concerns, PrincipalChecker, principalKey } from '../modules/auth/principals.js';
import type { PrincipalRevokedPayload } from '../platform/topics.js';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { streamExport } from '../modules/analytics/export.js';
import { RateLimits } from '../platform/rate-limit.js';
import { serveWebApp } from '../platform/static.js';
import { authenticateApiKey, looksLikeApiKey } from '../modules/api-keys/api-key.service.js';
import { AiProviders } from '../platform/ai.js';
import { BullJobRunner, InProcessJobRunner, startWorkers } from '../platform/jobs.js';
import { OutboxDispatcher } from '../platform/outbox.js';
import { jobs } from './job-registry.js';
import { createLoaders } from './loaders.js';
import { RealtimeState } from '../modules/realtime/realtime.state.js';
import { routeWaitingJob } from '../modules/conversations/route-waiting.job.js';
import { SystemMonitor } from '../modules/system/system-status.js';
import { assistantTimelineSubscriber } from '../modules/assistant/ai.triggers.js';
import { configureMetrics, scrape, watchSockets } from '../platform/metrics.js';
import { AlertMonitor } from '../modules/alerts/alert.monitor.js';
import { closeFanOutTrigger } from '../modules/webhooks/index.js';
import { reportPool, reportQueues } from '../platform/metrics-sources.js';
import { observeSocketOperations, operationObserverPlugin } from '../platform/observe-operations.js';
import { httpTracing } from '../platform/tracing.js';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import { downloadAttachment, downloadRoute, linkAttachments, MAX_ATTACHMENTS_PER_MESSAGE, type AttachmentScanner } from '../modules/attachments/index.js';
import { startShutdown } from '../platform/shutdown.js';

type WsExtra = {
  actor?: Actor;
  connId?: string;
  /** This socket's credential bookkeeping and running operation ids. */
  session?: LiveSocket;
  ip?: string;
};

export interface AppServer {
  deps: AppDeps;
  httpServer: Server;
  /** Starts listening; resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, finishes in-flight requests, closes sockets, DB and Redis. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  logger?: Logger;
  onQuery?: (sql: string) => void;
  /** Reuse an ORM (tests that share a database between two nodes). */
  orm?: Orm;
  /** Benchmarks only: false leaves out the query guards (depth, aliases, cost…) to measure what they cost. */
  guards?: boolean;
  /** The virus-scan hook for attachments (default: accept everything). */
  attachmentScanner?: AttachmentScanner;
  /**
   * Benchmarks only: false starts no recurring maintenance in this process (the
   * embedded schedules and the alert evaluation), so a measured node does
   * request work only, as an API node beside separate workers does.
   */
  maintenance?: boolean;
  /** In-memory embedded database only: start from this dump (see DatabaseOptions.loadDataDir; the test kit's). */
  loadDataDir?: Blob;
}

export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1]!.trim() : null;
}

export async function createAppServer(opts: ServerOptions): Promise<AppServer> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  configureMetrics(config.metricsEnabled);
  const ownsOrm = !opts.orm;
  const orm =
    opts.orm ?? (await createOrm({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, onQuery: opts.onQuery, loadDataDir: opts.loadDataDir }));
  if (ownsOrm) await migrate(orm);
  const redis = config.redisUrl ? createRedis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
  // Serve once Redis is ready, so the first requests are counted where the rest will be; a Redis
  // that is down at start-up does not stop the API (limits count in memory meanwhile).
  if (redis && redis.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 5000);
      function done() {
        clearTimeout(timer);
        redis!.off('ready', done);
        resolve();
      }
      redis.once('ready', done);
    });
  }
  const pubSubHandle = createAppPubSub(config.redisUrl, (err) => logger.warn({ err }, 'redis pub/sub command failed'), config.queuePrefix);
  topicHub(pubSubHandle.pubSub, (err) => logger.error({ err }, 'live event listener failed'));
  const tokens = new TokenService(config.jwtSecret, config.accessTokenTtlSeconds, config.customerTokenTtlDays * 86400);
  const realtime = new RealtimeState(pubSubHandle.pubSub, logger, redis, config.queuePrefix);
  const ai = new AiProviders(config);
  const jobDeps = { orm, logger, pubSub: pubSubHandle.pubSub, config, ai, presence: realtime.presence };
  const jobRunner = redis ? new BullJobRunner(redis, config.queuePrefix, config.jobs.retryBaseMs) : new InProcessJobRunner(jobDeps, jobs);
  const workers = redis && config.runWorkers ? startWorkers(jobDeps, jobRunner, jobs, redis) : null;
  if (ownsOrm) await alignEmbeddingSpace({ orm, ai, jobs: jobRunner, logger });
  const outbox = new OutboxDispatcher(orm, jobRunner, jobs, logger);
  outbox.start();
  // Recurring maintenance: timers in the embedded mode; BullMQ schedulers when this node runs the workers.
  const stopSchedules: () => Promise<void> | void =
    opts.maintenance === false
      ? () => {}
      : !redis
        ? scheduleInProcess(jobRunner)
        : config.runWorkers
          ? await scheduleOnBull(redis, config.queuePrefix)
          : () => {};
  // The assistant hears of customer messages through the conversations module's domain event (in the message's transaction).
  const timelineSubscriber = assistantTimelineSubscriber({ ...jobDeps, jobs: jobRunner, outbox });
  const base = {
    ...jobDeps,
    subscribed: pubSubHandle.subscribed,
    tokens,
    redis,
    realtime,
    jobs: jobRunner,
    jobDefinitions: jobs,
    createLoaders,
    outbox,
    timelineSubscriber,
    messageAttachments: { link: linkAttachments },
  };
  const deps: AppDeps = { ...base, system: new SystemMonitor(base), attachmentScanner: opts.attachmentScanner };
  const rateLimits = new RateLimits(config, redis, (err) => logger.warn({ err }, 'rate limit store failed; request let through'));
  const principals = new PrincipalChecker(orm, config.authCacheSeconds * 1000);
  /** A bearer token is a JWT (staff or customer) or a partner API key (`sk_…`). */
  const resolveActor = (token: string): Promise<Actor> => (looksLikeApiKey(token) ? authenticateApiKey(orm, token) : tokens.verify(token));
  // An agent coming online may take conversations waiting in their team inboxes.
  realtime.onAvailable = (workspaceId) =>
    void jobRunner
      .enqueue(routeWaitingJob, { workspaceId })
      .catch((err) => logger.warn({ err, workspaceId }, 'could not enqueue the routing of waiting conversations'));
  realtime.start();
  const alerts = new AlertMonitor({ orm, pubSub: pubSubHandle.pubSub, config, logger, redis });
  if (opts.maintenance !== false) alerts.start();
  const schema = await createSchema(deps.pubSub);
  const production = config.nodeEnv === 'production';
  const persistedQueries = new InMemoryLRUCache<string>();
  const pipeline = createOperationPipeline({
    config,
    logger,
    rateLimits,
    checkPrincipal: (actor) => principals.check(actor),
    limits: opts.guards !== false,
    persistedQueries,
  });
  const ws = pipeline.wsHooks(schema);
  const sessions = new SocketSessions({
    check: (actors) => principals.checkMany(actors),
    keyOf: principalKey,
    intervalMs: config.authRecheckSeconds * 1000,
    logger,
  });
  sessions.start();
  // A revocation: forget cached verdicts and re-check the sockets it concerns, now.
  const revoke = async (event: PrincipalRevokedPayload) => {
    try {
      principals.forget(event);
      await sessions.recheck((actor) => concerns(actor, event));
    } catch (err) {
      logger.warn({ err }, 'socket re-check failed');
    }
  };
  // Announced on this node: acted on at once, not only when the event comes back
  // through Redis (slow, or away: then other nodes' periodic re-check ends theirs).
  deps.onRevocation = (event) => void revoke(event);
  // Announced on any node, this one included (a second re-check finds nothing left to end).
  // Not one after another: a slow re-check must not hold back the next revocation.
  const revocations = deps.pubSub.subscribe('principalRevoked');
  void (async () => {
    for await (const event of revocations) void revoke(event);
  })();

  let stopping: Promise<void> | undefined;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = createHttpServer(app);
  // Node closes idle keep-alive connections after 5 s by default. A client
  // that reuses one just as that timer fires (a proxy with a 60 s idle
  // timeout, or any client while this process is busy) gets ECONNRESET on a
  // request the server never read. Outlive the proxies instead; the headers
  // timeout must stay above it.
  httpServer.keepAliveTimeout = config.httpKeepAliveSeconds * 1000;
  httpServer.headersTimeout = config.httpKeepAliveSeconds * 1000 + 1000;
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  // Live events published while this node's Redis subscription was down are
  // lost to its sockets: close them with 1012 (service restart) so clients
  // reconnect and resume by seq from PostgreSQL.
  pubSubHandle.onRecovered(() => {
    logger.warn({ sockets: wsServer.clients.size }, 'pub/sub reconnected; asking sockets to resume');
    for (const socket of wsServer.clients) socket.close(1012, 'Event stream interrupted; resume');
  });

  const wsCleanup = useServer<Record<string, unknown>, WsExtra>(
    observeSocketOperations({
      schema,
      onConnect: async (ctx) => {
        // The upgrade request is needed only for its address. graphql-ws keeps
        // `extra.request` for the socket's lifetime: dropped, it frees the
        // request with its headers (~1.5 KB of heap per open socket).
        ctx.extra.ip = ctx.extra.request.socket.remoteAddress ?? undefined;
        Reflect.deleteProperty(ctx.extra, 'request');
        const params = ctx.connectionParams ?? {};
        const token = bearerToken(params.authorization ?? params.Authorization) ?? (typeof params.token === 'string' ? params.token : null);
        let actor: Actor;
        try {
          if (!token) throw new Error('missing token');
          actor = await resolveActor(token);
          const verdict = await principals.check(actor);
          if (!verdict.ok) throw new Error(verdict.message);
        } catch (err) {
          if (!(err instanceof GraphQLError) && !(err instanceof Error && err.constructor === Error)) logger.warn({ err }, 'socket authentication failed');
          // 4401 (graphql-ws's Unauthorized) before any subscription starts.
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        ctx.extra.actor = actor;
        ctx.extra.connId = randomUUID();
        ctx.extra.session = sessions.add(actor, ctx.extra.socket);
        realtime.sockets += 1;
        // Presence lives in Redis: an outage must not refuse the socket (it is re-announced on the next heartbeat).
        if (actor.kind === 'user')
          await realtime.staffConnected(ctx.extra.connId, actor.userId, actor.workspaceId).catch((err) => logger.warn({ err }, 'presence connect failed'));
        return true;
      },
      // Every operation on the socket, query, mutation or subscription, goes through the same pipeline as HTTP.
      onSubscribe: async (ctx, id, payload) => {
        const actor = ctx.extra.actor ?? { kind: 'anonymous' };
        const args = await ws.onSubscribe(actor, ctx.extra.ip, payload, (requestId) =>
          bindTransport(createLazyContext(deps, actor, requestId), ctx.extra.socket, id, (result) => pipeline.formatResult(result, requestId)),
        );
        if (!Array.isArray(args)) {
          ctx.extra.session?.operations.add(id);
          realtime.subscriptions += 1;
        }
        return args;
      },
      onComplete: (ctx, id) => {
        if (ctx.extra.session?.operations.delete(id)) realtime.subscriptions -= 1;
      },
      onNext: (_ctx, _id, _payload, args, result) => ws.onNext(args, result),
      onError: (_ctx, _id, _payload, errors) => ws.onError(errors),
      onClose: async (ctx) => {
        if (!ctx.extra.connId) return;
        realtime.sockets -= 1;
        const session = ctx.extra.session;
        if (session) {
          realtime.subscriptions -= session.operations.size;
          session.operations.clear();
          sessions.remove(session);
        }
        await realtime.staffDisconnected(ctx.extra.connId).catch((err) => logger.warn({ err }, 'presence disconnect failed'));
      },
      // Writes shared `next` frames itself for push sources (formatted by the pipeline through bindTransport).
      subscribe: sharedSubscribe,
    }),
    wsServer,
    10_000,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    // Introspection is refused by the pipeline's validation rules (both transports) when it is off.
    introspection: true,
    includeStacktraceInErrorResponses: !production,
    formatError: pipeline.apollo.formatError,
    validationRules: pipeline.apollo.validationRules,
    parseOptions: pipeline.apollo.parseOptions,
    validationOptions: pipeline.apollo.validationOptions,
    persistedQueries: { cache: persistedQueries },
    // Our own shutdown (stop()) runs on SIGTERM; Apollo's handler would stop it a second time.
    stopOnTerminationSignals: false,
    plugins: [
      // In-flight requests get this long to finish before their connections are cut.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: Math.floor(config.shutdownTimeoutMs / 2) }),
      ApolloServerPluginCacheControlDisabled(),
      pipeline.apollo.plugin,
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      operationObserverPlugin<Context>(),
    ],
  });
  await apollo.start();

  const unwatchSockets = watchSockets(() => realtime);
  const stopQueueReport = redis ? reportQueues(redis, config.queuePrefix) : async () => {};
  const unwatchPool = reportPool(orm);
  // Prometheus exposition; the ingress publishes /graphql and /exports/ only.
  app.get('/metrics', async (_req, res, next) => {
    try {
      const scraped = await scrape();
      if (!scraped) return void res.status(404).end();
      res.setHeader('content-type', scraped.contentType).send(scraped.body);
    } catch (err) {
      next(err);
    }
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready when PostgreSQL answers: everything that needs only the database
  // keeps working without Redis (rate limits fall back to memory, jobs wait
  // in the outbox, pub/sub and presence reconnect), so Redis being down is
  // `degraded` with 200, not a reason to take the node out of rotation.
  // Shutting down or no database: 503.
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    try {
      await withDeadline(orm.em.getConnection().execute('select 1'), 2_000);
      checks.database = 'ok';
    } catch (err) {
      checks.database = `error: ${(err as Error).message}`;
    }
    if (redis) {
      try {
        checks.redis = (await withDeadline(redis.ping(), 1_000)) === 'PONG' ? 'ok' : 'error';
      } catch (err) {
        checks.redis = `error: ${(err as Error).message}`;
      }
    }
    const status = stopping ? 'stopping' : checks.database !== 'ok' ? 'unavailable' : checks.redis && checks.redis !== 'ok' ? 'degraded' : 'ok';
    res.status(status === 'ok' || status === 'degraded' ? 200 : 503).json({ status, checks });
  });

  app.get('/exports/conversations', async (req, res, next) => {
    try {
      await streamExport(orm, config.jwtSecret, String(req.query.token ?? ''), res);
    } catch (err) {
      if (res.headersSent) res.destroy(err as Error);
      else if (err instanceof AppError) res.status(401).json({ errors: [{ message: err.message, extensions: { code: err.extensions.code } }] });
      else next(err);
    }
  });

  // Signed attachment downloads (Attachment.url): no Authorization header, the signature is the permission.
  const download = downloadAttachment(deps);
  app.get(downloadRoute, (req, res, next) => {
    download(req, res).catch((err) => (res.headersSent ? res.destroy(err as Error) : next(err)));
  });

  app.use(
    '/graphql',
    (req, res, next) => {
      const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 64)) || randomUUID();
      res.setHeader('x-request-id', requestId);
      res.locals.requestId = requestId;
      next();
    },
    // Any origin, without cookies (credentials are bearer tokens and API
    // keys); preflights are answered 204 here and go no further.
    cors({
      origin: '*',
      // The CORS-safelisted methods, which were all a preflight allowed before the header was sent.
      methods: 'GET, HEAD, POST',
      allowedHeaders: 'authorization, content-type, x-api-key, x-request-id, apollo-require-preflight',
      exposedHeaders: 'x-request-id',
    }),
    // GraphQL multipart requests (file uploads). A form on any site can post
    // multipart/form-data without a CORS preflight, so such a request must
    // carry a header a form cannot set (the same rule as Apollo's CSRF
    // prevention, which checks it again); refused before a byte is parsed.
    (req, res, next) => {
      if (!req.is('multipart/form-data')) return next();
      if (!CSRF_HEADERS.some((h) => typeof req.headers[h] === 'string' && req.headers[h].length > 0)) {
        res.status(400).json({
          errors: [
            {
              message: `Multipart requests must send one of these headers (CSRF protection): ${CSRF_HEADERS.join(', ')}`,
              extensions: { code: 'BAD_USER_INPUT', reason: 'CSRF' },
            },
          ],
        });
        return;
      }
      next();
    },
    graphqlUploadExpress({ maxFileSize: config.attachments.maxBytes, maxFiles: MAX_ATTACHMENTS_PER_MESSAGE, maxFieldSize: bodyLimitBytes(config.bodyLimit) }),
    express.json({ limit: config.bodyLimit }),
    // After the body parser, whose stream callbacks would leave the request's trace context behind.
    httpTracing(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const apiKeyHeader = req.headers['x-api-key'];
        const token = bearerToken(req.headers.authorization) ?? (typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : null);
        const actor: Actor = token ? await resolveActor(token) : { kind: 'anonymous' };
        const ip = clientIp(req);
        await pipeline.admit(actor, ip, res);
        pipeline.assertDocumentSize((req.body as { query?: unknown } | undefined)?.query);
        return createContext(deps, actor, res.locals.requestId as string, ip);
      },
    }),
  );
  serveWebApp(app, config);
  // Errors from body parsing (too large, malformed JSON) as GraphQL-shaped responses.
  app.use((err: { status?: number; type?: string; message: string }, _req: Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status ?? 500;
    const tooLarge = err.type === 'entity.too.large' || status === 413;
    res.status(status).json({
      errors: [
        {
          message:
            err.type === 'entity.too.large' ? `Request body exceeds the ${config.bodyLimit} limit` : status < 500 ? err.message : 'Internal server error',
          extensions: { code: status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL', ...(tooLarge ? { reason: 'PAYLOAD_TOO_LARGE' } : {}) },
        },
      ],
    });
  });

  return {
    deps,
    httpServer,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const addr = httpServer.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? 'localhost' : host}:${addr.port}`);
        });
      });
    },
    stop() {
      stopping ??= (async () => {
        const { step, workDeadline } = startShutdown(logger, config.shutdownTimeoutMs);
        // HTTP stops accepting and drains; sockets close with 1001 (clients
        // resume by seq elsewhere). Meanwhile active jobs get until the work deadline.
        await Promise.all([
          step('drain HTTP and sockets', () => apollo.stop()),
          step('finish active jobs', async () => {
            await stopSchedules();
            await workers?.close(workDeadline);
          }),
        ]);
        await step('stop socket sessions', async () => {
          sessions.stop();
          await revocations.return?.();
        });
        await step('stop realtime', () => realtime.stop());
        await step('stop alerts', () => alerts.stop());
        await step('stop outbox', () => outbox.stop());
        await step('queue pending webhook fan-out', () => closeFanOutTrigger(jobRunner));
        await step('close job runner', () => jobRunner.close(workDeadline));
        await step('close system status', () => deps.system.close());
        await step('stop reporters', async () => {
          unwatchSockets();
          unwatchPool();
          await stopQueueReport();
        });
        await step('close HTTP server', () => (httpServer.listening ? new Promise<void>((r) => httpServer.close(() => r())) : undefined));
        await step('close pub/sub', () => pubSubHandle.close());
        await step('close Redis', () => redis?.quit().catch(() => redis.disconnect()));
        if (ownsOrm) await step('close database', () => orm.close(true));
      })();
      return stopping;
    },
  };
}

/** Apollo's CSRF-prevention headers: a cross-site form cannot send them without a preflight. */
const CSRF_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'];

/** `1mb`, `512kb`, `1048576` → bytes (the multipart operations field gets the JSON body's limit). */
function bodyLimitBytes(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(limit.trim());
  if (!m) return 1024 * 1024;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

function clientIp(req: Request): string | undefined {
  return req.ip ?? req.socket.remoteAddress ?? undefined;
}
