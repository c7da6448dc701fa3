// BullMQ worker entry point (`npm run worker`): runs every registered job and
// schedules the recurring maintenance jobs.
import 'reflect-metadata';
import { createRedis } from './platform/redis.js';
import { AiProviders } from './platform/ai.js';
import { loadConfigOrExit } from './platform/config.js';
import { migrate } from './platform/database.js';
import { createOrm } from './app/database.js';
import { BullJobRunner, startWorkers } from './platform/jobs.js';
import { IDLE_POLL_MS, OutboxDispatcher } from './platform/outbox.js';
import { jobs } from './app/job-registry.js';
import { createLogger } from './platform/logger.js';
import { createAppPubSub } from './platform/pubsub.js';
import { QUEUES } from './platform/queue.js';
import { scheduleOnBull } from './app/schedules.js';
import { startShutdown } from './platform/shutdown.js';
import { startTracing, stopTracing } from './platform/tracing.js';
import { startMetricsServer } from './platform/metrics-server.js';
import { configureMetrics } from './platform/metrics.js';
import { reportPool, reportQueues } from './platform/metrics-sources.js';
import { AlertMonitor } from './modules/alerts/alert.monitor.js';
import { closeFanOutTrigger } from './modules/webhooks/index.js';
import { alignEmbeddingSpace } from './modules/knowledge/embedding-space.js';
import { RedisPresenceStore } from './modules/presence/presence.store.js';

const config = loadConfigOrExit();
await startTracing(config, 'worker');
if (!config.redisUrl) {
  console.error('Invalid environment variable REDIS_URL: the worker needs Redis (without it the API runs jobs in-process)');
  process.exit(1);
}

const logger = createLogger(config.logLevel).child({ role: 'worker' });
configureMetrics(config.metricsEnabled);
const orm = await createOrm({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
await migrate(orm);
const connection = createRedis(config.redisUrl, { maxRetriesPerRequest: null });
connection.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
const pubSub = createAppPubSub(config.redisUrl, (err) => logger.warn({ err }, 'redis pub/sub command failed'), config.queuePrefix);
const deps = { orm, logger, pubSub: pubSub.pubSub, config, ai: new AiProviders(config), presence: new RedisPresenceStore(connection, config.queuePrefix) };
const runner = new BullJobRunner(connection, config.queuePrefix, config.jobs.retryBaseMs);
await alignEmbeddingSpace({ ...deps, jobs: runner });
const workers = startWorkers(deps, runner, jobs, connection);
// Jobs that API nodes could not hand to Redis are drained here too.
const outbox = new OutboxDispatcher(orm, runner, jobs, logger);
outbox.start(IDLE_POLL_MS);

const closeSchedules = await scheduleOnBull(connection, config.queuePrefix);
const stopQueueReport = reportQueues(connection, config.queuePrefix);
const alerts = new AlertMonitor({ orm, pubSub: pubSub.pubSub, config, logger, redis: connection });
alerts.start();
const unwatchPool = reportPool(orm);
const metrics = await startMetricsServer(config.metricsPort, config.host);
logger.info({ queues: Object.values(QUEUES), jobs: [...jobs.keys()], metrics: `http://${config.host}:${metrics.port}/metrics` }, 'worker ready');

// SIGTERM: take no new jobs, let active ones finish until the deadline (the
// rest stall and resume on another worker), close everything, exit 0.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    const { step, workDeadline } = startShutdown(logger, config.shutdownTimeoutMs);
    const hardStop = setTimeout(() => {
      logger.error('shutdown did not finish in time');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
    await step('stop schedules', () => closeSchedules());
    await step('finish active jobs', () => workers.close(workDeadline));
    await step('stop outbox', () => outbox.stop());
    await step('stop alerts', () => alerts.stop());
    await step('stop reporters', async () => {
      await stopQueueReport();
      unwatchPool();
    });
    await step('close metrics server', () => metrics.close());
    await step('queue pending webhook fan-out', () => closeFanOutTrigger(runner));
    await step('close job runner', () => runner.close());
    await step('close pub/sub', () => pubSub.close());
    await step('close Redis', () => connection.quit().catch(() => connection.disconnect()));
    await step('close database', () => orm.close(true));
    await step('flush traces', () => stopTracing());
    clearTimeout(hardStop);
    logger.info('worker stopped');
    process.exit(0);
  });
}
