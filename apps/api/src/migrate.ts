// Applies pending database migrations and exits (`npm run migrate`, and the
// Kubernetes migrations Job that runs before API nodes roll). API nodes and
// workers also migrate on start, so this is optional where one process runs.
import 'reflect-metadata';
import { loadConfigOrExit } from './platform/config.js';
import { migrate } from './platform/database.js';
import { createOrm } from './app/database.js';
import { createLogger } from './platform/logger.js';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel).child({ role: 'migrate' });
const orm = await createOrm({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
try {
  const pending = (await orm.migrator.getPending()).map((m) => m.name);
  await migrate(orm);
  logger.info({ applied: pending }, pending.length ? 'migrations applied' : 'database schema up to date');
} finally {
  await orm.close(true);
}
