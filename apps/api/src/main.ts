import 'reflect-metadata';
import { loadConfigOrExit } from './platform/config.js';
import { createLogger } from './platform/logger.js';
import { createAppServer } from './app/server.js';
import { webDistDir } from './platform/static.js';
import { startTracing, stopTracing } from './platform/tracing.js';
import { seedDemo } from './app/demo-seed.js';

const config = loadConfigOrExit();
await startTracing(config, 'api');

const logger = createLogger(config.logLevel);
const server = await createAppServer({ config, logger });
const url = await server.listen();
const servedWeb = webDistDir(config);
logger.info(
  {
    url: `${url}/graphql`,
    database: config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir})`,
    redis: Boolean(config.redisUrl),
    web: servedWeb ?? null,
  },
  'Switchboard API ready',
);
if (config.nodeEnv === 'production' && !config.databaseUrl) {
  // PGlite is one connection in this process: fine to try things, not to serve a team.
  console.warn(
    [
      '',
      '  WARNING: production is running on the embedded PGlite database (no DATABASE_URL).',
      '  It serialises every query on one connection and lives in one directory of this machine.',
      '  Set DATABASE_URL=postgres://… for a real deployment.',
      '',
    ].join('\n'),
  );
  logger.warn({ dataDir: config.dataDir }, 'production on embedded PGlite');
}

const webUrl = config.webUrl ?? (servedWeb ? url : undefined);
const links = (widgetKey?: string) =>
  webUrl
    ? [
        `  Web app            ${webUrl}/`,
        ...(widgetKey ? [`  Widget demo        ${webUrl}/embed-demo.html?widgetKey=${widgetKey}&open=1`] : []),
        `  Agent console      ${webUrl}/agent`,
        `  Admin              ${webUrl}/admin`,
      ]
    : [];

if (config.seedDemo && config.nodeEnv !== 'production') {
  const demo = await seedDemo(server.deps.orm, config, server.deps.jobs);
  const lines = [
    '',
    `  Switchboard API    ${url}/graphql  (HTTP + WebSocket)`,
    ...links(demo.widgetKey),
    `  Demo workspace     ${demo.workspaceName}${demo.created ? ' (just seeded)' : ''}`,
    `  Admin log-in       ${demo.adminEmail}${demo.adminPassword ? ` / ${demo.adminPassword}` : ''}`,
    `  Agent log-in       ${demo.agentEmail}${demo.adminPassword ? ` / ${demo.adminPassword}` : ''}`,
    `  Widget key         ${demo.widgetKey}`,
    '',
  ];
  console.log(lines.join('\n'));
} else {
  console.log(['', `  Switchboard API    ${url}/graphql  (HTTP + WebSocket)`, ...links(), ''].join('\n'));
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
      await stopTracing();
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    clearTimeout(hardStop);
    logger.info('stopped');
    process.exit(0);
  });
}
