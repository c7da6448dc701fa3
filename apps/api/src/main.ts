import 'reflect-metadata';
import { loadConfigOrExit } from './platform/config.js';
import { createLogger } from './platform/logger.js';
import { createAppServer } from './platform/server.js';
import { startTracing, stopTracing } from './platform/tracing.js';
import { seedDemo } from './modules/workspaces/demo-seed.js';

const config = loadConfigOrExit();
await startTracing(config, 'api');

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

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 15_000).unref();
    await server.stop();
    await stopTracing();
    clearTimeout(timer);
    process.exit(0);
  });
}
