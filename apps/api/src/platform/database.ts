// MikroORM on one of two drivers with the same entities and migrations:
// embedded PostgreSQL (PGlite, with pgvector) by default, or a PostgreSQL
// server when DATABASE_URL is set.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { MikroORM, type EntityManager, type Logger as OrmLogger, type LoggerNamespace } from '@mikro-orm/core';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { PgliteDriver, type PgliteConnection } from '@mikro-orm/pglite';
import pg from 'pg';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { migrations } from '../migrations/index.js';
import type { EntityClass } from '@mikro-orm/core';
import type { Logger } from './logger.js';

export type Em = SqlEntityManager;
export type Orm = MikroORM;

export interface DatabaseOptions {
  databaseUrl?: string;
  /** PGlite data directory, or `memory://` */
  dataDir: string;
  logger?: Logger;
  /** Called with every SQL statement the ORM sends (used to count queries). */
  onQuery?: (sql: string) => void;
  /** Pool size for the server driver. */
  poolMax?: number;
  /**
   * In-memory PGlite only: start from this dump of a data directory
   * (`dumpEmbeddedDatabase`) instead of an empty one. Migrations still run
   * and find nothing, or only what is newer than the dump, to apply. The test
   * kit starts every server from one migrated dump: migrating PGlite from
   * scratch costs seconds per server.
   */
  loadDataDir?: Blob;
}

function queryLogger(onQuery: (sql: string) => void, logger?: Logger): OrmLogger {
  return {
    log(namespace: LoggerNamespace, message: string) {
      if (namespace === 'query') onQuery(message);
      else logger?.debug({ namespace }, message);
    },
    error: (namespace, message) => logger?.error({ namespace }, message),
    warn: (namespace, message) => logger?.warn({ namespace }, message),
    logQuery: (ctx) => onQuery(ctx.query ?? ''),
    setDebugMode: () => {},
    isEnabled: (namespace) => namespace === 'query',
  };
}

/** Opens the database with the given entities (the application's list is in app/entities.ts: see app/database.ts). */
export async function openDatabase(opts: DatabaseOptions, entities: EntityClass<object>[]): Promise<Orm> {
  const common = {
    entities,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    migrations: { migrationsList: migrations, transactional: true, allOrNothing: true, snapshot: false },
    forceUtcTimezone: true,
    // Relations never cross workspaces, so the tenant filter need not be
    // re-applied through joins (which would also lock the workspace row on
    // every `for update`).
    autoJoinRefsForFilters: false,
    ...(opts.onQuery ? { debug: ['query'] as LoggerNamespace[], loggerFactory: () => queryLogger(opts.onQuery!, opts.logger) } : {}),
  };
  if (opts.databaseUrl) {
    return MikroORM.init({
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: opts.databaseUrl,
      pool: { min: 0, max: opts.poolMax ?? 10 },
    });
  }
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const memory = opts.dataDir.startsWith('memory://');
  let dataDir = opts.dataDir;
  if (!memory) {
    dataDir = resolve(opts.dataDir, 'pglite');
    mkdirSync(dataDir, { recursive: true });
  }
  return MikroORM.init({
    ...common,
    driver: PgliteDriver,
    // On disk, PGlite hosts a cluster at dataDir and dbName names a database in it.
    dbName: memory ? 'memory://' : 'switchboard',
    driverOptions: memory
      ? { extensions: { vector }, ...(opts.loadDataDir ? { loadDataDir: blobForPglite(opts.loadDataDir) } : {}) }
      : { dataDir, extensions: { vector } },
  } as never);
}

/**
 * What PGlite reads of a `loadDataDir` Blob (its bytes and type), as a plain
 * object: MikroORM copies its options deeply, and a copied Blob loses the
 * native handle its methods need ("Illegal invocation").
 */
const blobForPglite = (blob: Blob) => ({ type: blob.type, arrayBuffer: () => blob.arrayBuffer() });

/** Any fixed 64-bit number: the advisory lock every process takes around migrations. */
const MIGRATION_LOCK = 7_346_221_905_113;

/**
 * Applies pending migrations; safe to call on every start, from any number of
 * processes at once (API nodes and workers started together on an empty
 * database): on PostgreSQL they take turns under a session advisory lock held
 * on a connection of its own, and whoever comes second finds nothing to do.
 */
export async function migrate(orm: Orm): Promise<void> {
  if (isPglite(orm)) {
    await orm.migrator.up();
    return;
  }
  const lock = new pg.Client({ connectionString: orm.config.get('clientUrl') });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await orm.migrator.up();
  } finally {
    // Ending the session releases the lock, also when a migration failed.
    await lock.end().catch(() => undefined);
  }
}

export const isPglite = (orm: Orm) => orm.config.get('driver') === PgliteDriver;

/** An embedded database's whole data directory, uncompressed (for `loadDataDir`). */
export async function dumpEmbeddedDatabase(orm: Orm): Promise<Blob> {
  if (!isPglite(orm)) throw new Error('only an embedded (PGlite) database can be dumped');
  const pglite = await (orm.em.getConnection() as unknown as PgliteConnection).getNativeClient();
  return pglite.dumpDataDir('none');
}

export function rootEm(orm: Orm): Em {
  return orm.em as unknown as Em;
}

/** A fork scoped to one workspace (or unscoped for system work when id is null). */
export function forkFor(orm: Orm, workspaceId: string | null): Em {
  const em = orm.em.fork() as unknown as Em;
  if (workspaceId) em.setFilterParams('workspace', { id: workspaceId });
  return em;
}

export type { EntityManager };
