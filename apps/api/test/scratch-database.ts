// A throw-away database on a PostgreSQL server, for tests and benchmarks.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function run(adminUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * `SCRATCH_DATABASE_PREFIX` (optional) goes before the caller's prefix, so
 * that people sharing one PostgreSQL server can tell their scratch databases
 * apart (and clean up only their own).
 */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${process.env.SCRATCH_DATABASE_PREFIX ?? ''}${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await run(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => run(adminUrl, `drop database if exists "${name}" with (force)`) };
}
