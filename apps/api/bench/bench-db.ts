// Shared by the benchmarks on the large dataset: their own database (created
// on first use, dropped and made again with `reseed`), and a GraphQL client.
import pg from 'pg';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { migrate } from '../src/platform/database.js';
import { createOrm } from '../src/app/database.js';
import { defaultLargeOptions, findLargeWorkspace, seedLargeDataset } from '../scripts/large-dataset.js';

export async function ensureBenchDatabase(url: string, reseed: boolean) {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    if (reseed) await client.query(`drop database if exists "${name}" with (force)`);
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/** POSTs a GraphQL operation; throws on errors. */
export function graphqlPoster(url: string) {
  return async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
}

/**
 * The large dataset (scripts/large-dataset.ts) in its own database at `url`:
 * created, migrated and seeded on first use, kept for later runs.
 */
export async function openLargeDataset(url: string, reseed: boolean) {
  await ensureBenchDatabase(url, reseed);
  const logger = createLogger('warn');
  const config = loadConfig({ ...process.env, DATABASE_URL: url, REDIS_URL: '', SEED_DEMO: 'false', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' });
  const orm = await createOrm({ databaseUrl: url, dataDir: config.dataDir, logger });
  await migrate(orm);
  let ws = await findLargeWorkspace(orm);
  if (!ws) {
    console.log(
      `Seeding ${defaultLargeOptions.conversations} conversations × ${defaultLargeOptions.messagesPerConversation} messages into ${url} (once; kept for later runs)…`,
    );
    const t0 = Date.now();
    await seedLargeDataset(orm, config, { ...defaultLargeOptions, onProgress: (d, n) => d % 50_000 === 0 && console.log(`  ${d}/${n}`) });
    console.log(`  seeded in ${Math.round((Date.now() - t0) / 100) / 10} s`);
    ws = (await findLargeWorkspace(orm))!;
  }
  return { logger, config, orm, ws };
}
