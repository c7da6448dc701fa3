// Migration20261210100000_message_dimension_rollups on a database whose
// messages the analytics.rollup job has already rolled up (in part): the
// migration backfills the dimension rollups for exactly those hours, and from
// then on its trigger moves a conversation's rolled-up counts when it changes
// assignee. Embedded PGlite by default, a scratch PostgreSQL database when
// DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { migratedTo } from '../../test/migration-kit.js';

const BEFORE = 'Migration20261209100000_attachments';
const THIS = 'Migration20261210100000_message_dimension_rollups';

describe(THIS, () => {
  const db = migratedTo(BEFORE);
  const { sql } = db;

  it('backfills the hours already rolled up, and moves counts when a conversation is reassigned', async () => {
    const [w, contact, ann, ben] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await sql(`insert into workspace (id, name, widget_key, created_at) values (?, 'W', ?, now())`, [w, randomUUID()]);
    await sql(`insert into contact (id, workspace_id, created_at) values (?, ?, now())`, [contact, w]);
    for (const [id, name] of [
      [ann, 'Ann'],
      [ben, 'Ben'],
    ]) {
      await sql(`insert into "user" (id, workspace_id, email, name, role, created_at) values (?, ?, ?, ?, 'AGENT', now())`, [
        id,
        w,
        `${name}@example.com`,
        name,
      ]);
    }
    const conversation = async (assignee: string | null, channel: string, times: [string, string][]) => {
      const id = randomUUID();
      await sql(
        `insert into conversation (id, workspace_id, contact_id, assignee_id, status, mode, channel, priority, last_seq, last_message_at, created_at, updated_at)
         values (?, ?, ?, ?, 'OPEN', 'HUMAN', ?, 'NORMAL', ?, ?, ?, now())`,
        [id, w, contact, assignee, channel, times.length, times.at(-1)![1], times[0]![1]],
      );
      for (const [i, [author, at]] of times.entries()) {
        await sql(`insert into message (id, workspace_id, conversation_id, seq, author_type, body, created_at) values (?, ?, ?, ?, ?, 'x', ?)`, [
          randomUUID(),
          w,
          id,
          i + 1,
          author,
          at,
        ]);
      }
      return id;
    };
    // Ann's by email across 10:00; Ben's on the widget, its last message after the rollups' watermark (11:00).
    const c1 = await conversation(ann, 'EMAIL', [
      ['CUSTOMER', '2026-03-01T09:50:00Z'],
      ['AGENT', '2026-03-01T10:10:00Z'],
    ]);
    await conversation(ben, 'WEB_WIDGET', [
      ['CUSTOMER', '2026-03-01T10:30:00Z'],
      ['AGENT', '2026-03-01T11:30:00Z'],
    ]);
    await sql(`insert into analytics_rollup_state (name, rolled_up_to) values ('message_hourly', '2026-03-01T11:00:00Z')`);

    await db.orm.migrator.up({ to: THIS });

    const rows = () =>
      sql(
        `select to_char(hour at time zone 'UTC', 'HH24') as hour, assignee_id, channel, author_type, messages from message_dimension_rollup_hourly
            where workspace_id = ? and messages <> 0 order by 1, 4`,
        [w],
      );
    expect(await rows()).toEqual([
      { hour: '09', assignee_id: ann, channel: 'EMAIL', author_type: 'CUSTOMER', messages: 1 },
      { hour: '10', assignee_id: ann, channel: 'EMAIL', author_type: 'AGENT', messages: 1 },
      { hour: '10', assignee_id: ben, channel: 'WEB_WIDGET', author_type: 'CUSTOMER', messages: 1 },
    ]);

    // Reassigned: both of its rolled-up hours follow it to Ben.
    await sql(`update conversation set assignee_id = ? where id = ?`, [ben, c1]);
    expect(await rows()).toEqual([
      { hour: '09', assignee_id: ben, channel: 'EMAIL', author_type: 'CUSTOMER', messages: 1 },
      { hour: '10', assignee_id: ben, channel: 'EMAIL', author_type: 'AGENT', messages: 1 },
      { hour: '10', assignee_id: ben, channel: 'WEB_WIDGET', author_type: 'CUSTOMER', messages: 1 },
    ]);

    await db.orm.migrator.down({ to: BEFORE });
    expect(await sql(`select to_regclass('message_dimension_rollup_hourly') as t`)).toEqual([{ t: null }]);
  });
});
