// The migrated embedded database every embedded test server starts from.
// Migrating PGlite from nothing takes seconds (tens of seconds on a busy
// machine) per server, so it is done once: the data directory of a freshly
// migrated in-memory database is dumped to the temp directory, keyed on the
// migrations' contents and the PGlite version, and each server loads it
// (createAppServer `loadDataDir`). The server still runs its migrations on
// start, which then find nothing to apply, so a stale dump cannot hide one.
import { Blob } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOrm } from '../src/app/database.js';
import { dumpEmbeddedDatabase, migrate } from '../src/platform/database.js';

const migrationsDir = fileURLToPath(new URL('../src/migrations/', import.meta.url));

function dumpKey(): string {
  const hash = createHash('sha256');
  // The installed PGlite's package.json (its exports do not expose it): up from its entry point.
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== '@electric-sql/pglite')
    dir = dirname(dir);
  hash.update(readFileSync(join(dir, 'package.json')));
  for (const name of readdirSync(migrationsDir)
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
    .sort()) {
    hash.update(`${name}\n`).update(readFileSync(join(migrationsDir, name)));
  }
  return hash.digest('hex').slice(0, 20);
}

let cached: Promise<Blob> | undefined;

/** The dump, made (and written for other test processes) on first use. */
export function migratedEmbeddedDump(): Promise<Blob> {
  cached ??= (async () => {
    const file = join(tmpdir(), `switchboard-test-pglite-${dumpKey()}.tar`);
    // node:buffer's Blob, which PGlite can read inside a test runner's module sandbox too.
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const orm = await createOrm({ dataDir: 'memory://' });
    try {
      await migrate(orm);
      const bytes = Buffer.from(await (await dumpEmbeddedDatabase(orm)).arrayBuffer());
      // Written whole under a unique name, then renamed: concurrent test processes never read half a file.
      const partial = `${file}.${process.pid}-${randomUUID().slice(0, 8)}`;
      writeFileSync(partial, bytes);
      renameSync(partial, file);
      return new Blob([bytes]);
    } finally {
      await orm.close(true);
    }
  })();
  return cached;
}
