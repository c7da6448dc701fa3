// Migration20261212100000_conversation_rollups on a database that already has
// conversations: additive (nothing existing changes; the analytics.rollup job
// fills the rollups), and from then on every conversation inserted, deleted
// or changed in a figure the overview reads marks its day dirty, in the same
// transaction, while changes the overview does not read (a new message's
// last_message_at) mark nothing. Embedded PGlite by default, a scratch
// PostgreSQL database when DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { migratedTo } from '../../test/migration-kit.js';
import { forkFor } from '../platform/database.js';

const BEFORE = 'Migration20261211100000_conversation_intent';
const THIS = 'Migration20261212100000_conversation_rollups';

describe(THIS, () => {
  const db = migratedTo(BEFORE);
  const { sql } = db;

  it('marks the day of every conversation changed in what the overview reads, and nothing else', async () => {
    const [w, contact] = [randomUUID(), randomUUID()];
    await sql(`insert into workspace (id, name, widget_key, created_at) values (?, 'W', ?, now())`, [w, randomUUID()]);
    await sql(`insert into contact (id, workspace_id, created_at) values (?, ?, now())`, [contact, w]);
    const conversation = async (createdAt: string) => {
      const id = randomUUID();
      await sql(
        `insert into conversation (id, workspace_id, contact_id, status, mode, channel, priority, last_seq, last_message_at, created_at, updated_at)
         values (?, ?, ?, 'OPEN', 'AI', 'WEB_WIDGET', 'NORMAL', 0, ?, ?, now())`,
        [id, w, contact, createdAt, createdAt],
      );
      return id;
    };
    const c1 = await conversation('2026-03-01T23:30:00Z');

    await db.orm.migrator.up({ to: THIS });
    const marks = () =>
      sql(
        `select to_char(day at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as day, count(*)::int as n from conversation_rollup_dirty where workspace_id = ? group by 1 order by 1`,
        [w],
      );
    expect(await marks()).toEqual([]); // nothing existing changes: the job rolls up what is there
    expect(await sql(`select count(*)::int as n from conversation_rollup_daily`)).toEqual([{ n: 0 }]);

    // Not read by the overview: no mark.
    await sql(`update conversation set last_message_at = now(), last_seq = 3, priority = 'HIGH' where id = ?`, [c1]);
    expect(await marks()).toEqual([]);
    // Resolved, then reassigned to another mode: its day (UTC) is marked each time.
    await sql(`update conversation set status = 'RESOLVED', resolved_at = now() where id = ?`, [c1]);
    await sql(`update conversation set mode = 'HUMAN' where id = ?`, [c1]);
    expect(await marks()).toEqual([{ day: '2026-03-01 00:00', n: 4 }]); // the old and the new values' day, per change
    // A new conversation marks its day; one moved to another day marks both; a deleted one its own.
    const c2 = await conversation('2026-03-02T00:10:00Z');
    await sql(`update conversation set created_at = '2026-03-03T12:00:00Z' where id = ?`, [c2]);
    await sql(`delete from conversation where id = ?`, [c1]);
    expect(await marks()).toEqual([
      { day: '2026-03-01 00:00', n: 5 },
      { day: '2026-03-02 00:00', n: 2 },
      { day: '2026-03-03 00:00', n: 1 },
    ]);
    // A change rolled back leaves no mark (inside its transaction, it had one).
    const inside: number[] = [];
    await expect(
      forkFor(db.orm, null).transactional(async (tx) => {
        await tx.execute(`update conversation set csat_score = 5 where id = ?`, [c2]);
        inside.push(((await tx.execute(`select count(*)::int as n from conversation_rollup_dirty where workspace_id = ?`, [w])) as { n: number }[])[0]!.n);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(inside).toEqual([10]); // its old and new values' day
    expect((await marks()).reduce((n, m: { n: number }) => n + m.n, 0)).toBe(8);

    await db.orm.migrator.down({ to: BEFORE });
    expect(await sql(`select to_regclass('conversation_rollup_daily') as a, to_regclass('conversation_rollup_dirty') as b`)).toEqual([{ a: null, b: null }]);
    await sql(`update conversation set csat_score = 4 where id = ?`, [c2]); // no trigger left behind
  });
});
