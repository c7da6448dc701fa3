import 'reflect-metadata';
import { loadConfigOrExit } from './platform/config.js';
import { createLogger } from './platform/logger.js';
import { createAppServer } from './platform/server.js';
import { seedDemo } from './modules/workspaces/demo-seed.js';

const config = loadConfigOrExit();

const logger = createLogger(config.logLevel);
const server = await createAppServer({ config, logger });
const url = await server.listen();
logger.info({ url: `${url}/graphql`, database: config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir})`, redis: Boolean(config.redisUrl) }, 'Switchboard API ready');

if (config.seedDemo && config.nodeEnv !== 'production') {
  const demo = await seedDemo(server.deps.orm, config, server.deps.jobs);
  const lines = [
    '',
    `  Switchboard API    ${url}/graphql  (HTTP + WebSocket)`,
    `  Demo workspace     ${demo.workspaceName}${demo.created ? ' (just seeded)' : ''}`,
    `  Admin log-in       ${demo.adminEmail}${demo.adminPassword ? ` / ${demo.adminPassword}` : ''}`,
    `  Agent log-in       ${demo.agentEmail}${demo.adminPassword ? ` / ${demo.adminPassword}` : ''}`,
    `  Widget key         ${demo.widgetKey}`,
    '',
  ];
  console.log(lines.join('\n'));
}

// SIGTERM (a rolling deploy): stop accepting, drain requests, close sockets
// with 1001, let active jobs finish until SHUTDOWN_TIMEOUT_MS, close
// everything and exit 0. A shutdown that hangs past that exits 1.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const hardStop = setTimeout(() => {
      logger.error('shutdown did not finish in time');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
    try {
      await server.stop();
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    clearTimeout(hardStop);
    logger.info('stopped');
    process.exit(0);
  });
}
