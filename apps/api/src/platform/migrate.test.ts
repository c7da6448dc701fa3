import { createLogger } from './logger.js';
import { migrate, type Orm } from './database.js';
import { createOrm } from '../app/database.js';
import { migrations } from '../migrations/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../../test/scratch-database.js';

// Several processes (API nodes and workers) starting together on an empty
// PostgreSQL database all run the migrations. PGlite is one process's own
// database, so this is a real-server case.
const realServer = process.env.DATABASE_URL;
if (!realServer) console.info('concurrent-migration test runs in the real-server pass only (set DATABASE_URL)');
const suite = realServer ? describe : describe.skip;

suite('migrations started by several processes at once', () => {
  let db: ScratchDatabase;
  const orms: Orm[] = [];
  beforeAll(async () => {
    db = await createScratchDatabase(realServer!, 'sb_migrate');
  });
  afterAll(async () => {
    await Promise.all(orms.map((o) => o.close(true)));
    await db.drop();
  });

  it('apply every migration exactly once, and every process starts', async () => {
    for (let i = 0; i < 4; i++) orms.push(await createOrm({ databaseUrl: db.url, dataDir: 'memory://', logger: createLogger('silent'), poolMax: 2 }));
    const outcomes = await Promise.allSettled(orms.map((orm) => migrate(orm)));
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
    const applied = await orms[0]!.em.getConnection().execute<{ name: string }[]>('select name from mikro_orm_migrations order by id');
    expect(applied.map((m: { name: string }) => m.name)).toEqual(migrations.map((m: { name: string }) => m.name));
    // Later starts find nothing to do.
    await migrate(orms[1]!);
    expect((await orms[0]!.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from mikro_orm_migrations'))[0]!.n).toBe(migrations.length);
  });
});
