// `npm run seed:large -w @switchboard/api`: adds the large analytics dataset
// (100 000 conversations, 1 000 000 messages over 90 days; see
// large-dataset.ts) to the configured database: PostgreSQL with DATABASE_URL
// (the intended target), else the embedded one under DATA_DIR.
//
//   SEED_CONVERSATIONS        conversations (100000)
//   SEED_MESSAGES_PER_CONVERSATION  messages each (10)
//   SEED_DAYS                 spread over this many past days (90)
//   SEED_FORCE=1              add another copy even if the workspace exists
import 'reflect-metadata';
import { loadConfigOrExit } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { migrate } from '../src/platform/database.js';
import { createOrm } from '../src/app/database.js';
import { defaultLargeOptions, findLargeWorkspace, LARGE_ADMIN_EMAIL, LARGE_ADMIN_PASSWORD, seedLargeDataset } from './large-dataset.js';

const config = loadConfigOrExit();
const env = process.env;
const opts = {
  ...defaultLargeOptions,
  conversations: Number(env.SEED_CONVERSATIONS ?? defaultLargeOptions.conversations),
  messagesPerConversation: Number(env.SEED_MESSAGES_PER_CONVERSATION ?? defaultLargeOptions.messagesPerConversation),
  days: Number(env.SEED_DAYS ?? defaultLargeOptions.days),
};
for (const [k, v] of Object.entries(opts)) {
  if (typeof v === 'number' && !(Number.isInteger(v) && v > 0)) {
    console.error(`Invalid option ${k}: ${v} (a positive integer)`);
    process.exit(1);
  }
}

const orm = await createOrm({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: createLogger('warn') });
try {
  await migrate(orm);
  const existing = await findLargeWorkspace(orm);
  if (existing && env.SEED_FORCE !== '1') {
    console.log(`The large dataset is already there: workspace ${existing.id} with ${existing.conversations} conversations (SEED_FORCE=1 adds another).`);
  } else {
    const target = config.databaseUrl ? config.databaseUrl.replace(/\/\/[^@]*@/, '//') : `embedded PGlite in ${config.dataDir}`;
    console.log(`Seeding ${opts.conversations} conversations × ${opts.messagesPerConversation} messages over ${opts.days} days into ${target}`);
    const started = Date.now();
    const { workspaceId } = await seedLargeDataset(orm, config, {
      ...opts,
      onProgress: (done, total) => console.log(`  ${done}/${total} conversations (${((Date.now() - started) / 1000).toFixed(1)} s)`),
    });
    console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: workspace ${workspaceId}; log in as ${LARGE_ADMIN_EMAIL} / ${LARGE_ADMIN_PASSWORD}`);
  }
} finally {
  await orm.close(true);
}
