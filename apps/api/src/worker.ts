// BullMQ worker entry point (`npm run worker`): runs every registered job and
// schedules the recurring maintenance jobs.
import 'reflect-metadata';
import { Redis } from 'ioredis';
import { AiProviders } from './platform/ai.js';
import { loadConfigOrExit } from './platform/config.js';
import { createOrm, migrate } from './platform/database.js';
import { BullJobRunner, startWorkers } from './platform/jobs.js';
import { jobs } from './platform/job-registry.js';
import { createLogger } from './platform/logger.js';
import { createAppPubSub } from './platform/pubsub.js';
import { QUEUES } from './platform/queue.js';
import { scheduleOnBull } from './platform/schedules.js';
import { startTracing, stopTracing } from './platform/tracing.js';
import { startMetricsServer } from './platform/metrics-server.js';
import { reportPool, reportQueues } from './platform/metrics-sources.js';
import { AlertMonitor } from './modules/alerts/alert.monitor.js';

const config = loadConfigOrExit();
await startTracing(config, 'worker');
if (!config.redisUrl) {
  console.error('Invalid environment variable REDIS_URL: the worker needs Redis (without it the API runs jobs in-process)');
  process.exit(1);
}

const logger = createLogger(config.logLevel).child({ role: 'worker' });
const orm = await createOrm({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
await migrate(orm);
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const pubSub = createAppPubSub(config.redisUrl, (err) => logger.warn({ err }, 'redis pub/sub command failed'));
const deps = { orm, logger, pubSub: pubSub.pubSub, config, ai: new AiProviders(config) };
const runner = new BullJobRunner(connection, config.queuePrefix);
const workers = startWorkers(deps, runner, jobs, connection);

const closeSchedules = await scheduleOnBull(connection, config.queuePrefix);
const stopQueueReport = reportQueues(connection, config.queuePrefix);
const alerts = new AlertMonitor({ orm, pubSub: pubSub.pubSub, config, logger, redis: connection });
alerts.start();
const unwatchPool = reportPool(orm);
const metrics = await startMetricsServer(config.metricsPort, config.host);
logger.info({ queues: Object.values(QUEUES), jobs: [...jobs.keys()], metrics: `http://${config.host}:${metrics.port}/metrics` }, 'worker ready');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    logger.info({ signal }, 'worker shutting down');
    await workers.close();
    await metrics.close();
    await alerts.stop();
    await stopQueueReport();
    unwatchPool();
    await runner.close();
    await closeSchedules();
    await pubSub.close();
    await connection.quit();
    await orm.close(true);
    await stopTracing();
    process.exit(0);
  });
}
