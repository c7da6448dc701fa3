// A database migrated up to (and including) `before`, for a migration's own
// test: embedded PGlite by default, a scratch PostgreSQL database when
// DATABASE_URL is set; closed and dropped after the file's tests.
import { afterAll, beforeAll } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';
import { createOrm } from '../src/app/database.js';
import type { Orm } from '../src/platform/database.js';

export function migratedTo(before: string) {
  let db: ScratchDatabase | null = null;
  let orm: Orm | undefined;
  beforeAll(async () => {
    db = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'sb_test') : null;
    // onQuery routes the ORM's log through a quiet logger (no migrator lines in the test output).
    orm = await createOrm({ databaseUrl: db?.url, dataDir: 'memory://', onQuery: () => {} });
    await orm.migrator.up({ to: before });
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });
  const ready = (): Orm => {
    if (!orm) throw new Error('migratedTo: the database is not ready yet (use it inside tests)');
    return orm;
  };
  return {
    /** The ORM on that database (set once the file's beforeAll ran). */
    get orm(): Orm {
      return ready();
    },
    sql: <T = any>(query: string, params: unknown[] = []): Promise<T[]> =>
      ready()
        .em.getConnection()
        .execute(query, params as never[]),
  };
}
