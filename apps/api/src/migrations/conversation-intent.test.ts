// Migration20261211100000_conversation_intent on a database with analysed
// messages: the migration backfills each conversation's intent (its first
// analysed customer message's), and from then on its trigger follows analyses
// appearing, changing and going, and messages being deleted. Embedded PGlite
// by default, a scratch PostgreSQL database when DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { migratedTo } from '../../test/migration-kit.js';

const BEFORE = 'Migration20261210100000_message_dimension_rollups';
const THIS = 'Migration20261211100000_conversation_intent';

describe(THIS, () => {
  const db = migratedTo(BEFORE);
  const { sql } = db;
  const analysis = (intent?: string) => JSON.stringify({ ...(intent ? { intent } : {}), sentiment: 0, language: 'en' });

  it('backfills the intent of every conversation, then keeps it as messages are analysed, re-analysed, erased and deleted', async () => {
    const [w, contact] = [randomUUID(), randomUUID()];
    await sql(`insert into workspace (id, name, widget_key, created_at) values (?, 'W', ?, now())`, [w, randomUUID()]);
    await sql(`insert into contact (id, workspace_id, created_at) values (?, ?, now())`, [contact, w]);
    const messageIds: Record<string, string[]> = {};
    /** A conversation with one message per entry: [author, analysis or null]. */
    const conversation = async (name: string, messages: [string, string | null][]) => {
      const id = randomUUID();
      await sql(
        `insert into conversation (id, workspace_id, contact_id, status, mode, channel, priority, last_seq, last_message_at, created_at, updated_at)
         values (?, ?, ?, 'OPEN', 'AI', 'WEB_WIDGET', 'NORMAL', ?, now(), now(), now())`,
        [id, w, contact, messages.length],
      );
      messageIds[name] = [];
      for (const [i, [author, a]] of messages.entries()) {
        const mid = randomUUID();
        messageIds[name].push(mid);
        await sql(
          `insert into message (id, workspace_id, conversation_id, seq, author_type, body, analysis, created_at) values (?, ?, ?, ?, ?, 'x', ?, now())`,
          [mid, w, id, i + 1, author, a],
        );
      }
      return id;
    };
    // A: refund first, then shipping; B: its first customer message not analysed yet; C: analysed without an intent; D: none.
    const a = await conversation('a', [
      ['CUSTOMER', analysis('refund')],
      ['AI', null],
      ['CUSTOMER', analysis('shipping')],
    ]);
    const b = await conversation('b', [
      ['CUSTOMER', null],
      ['AGENT', null],
      ['CUSTOMER', analysis('billing')],
    ]);
    const c = await conversation('c', [['CUSTOMER', analysis()]]);
    const d = await conversation('d', [['CUSTOMER', null]]);

    await db.orm.migrator.up({ to: THIS });

    const intents = async () =>
      Object.fromEntries(
        (
          await sql<{ id: string; intent_seq: number | null; intent: string | null }>(
            `select id, intent_seq, intent from conversation where workspace_id = ?`,
            [w],
          )
        ).map((r) => [r.id, [r.intent_seq, r.intent]]),
      );
    /** The same, recomputed from the messages as the overview's recompute does. */
    const recomputed = async () =>
      Object.fromEntries(
        (
          await sql<{ id: string; s: number | null; i: string | null }>(
            `select c.id, f.seq as s, f.intent as i from conversation c left join lateral (select m.seq, m.analysis->>'intent' as intent from message m
               where m.conversation_id = c.id and m.author_type = 'CUSTOMER' and m.analysis is not null order by m.seq limit 1) f on true
              where c.workspace_id = ?`,
            [w],
          )
        ).map((r) => [r.id, [r.s, r.i]]),
      );
    expect(await intents()).toEqual({ [a]: [1, 'refund'], [b]: [3, 'billing'], [c]: [1, null], [d]: [null, null] });

    // B's first customer message analysed late: it takes over.
    await sql(`update message set analysis = ? where id = ?`, [analysis('cancel'), messageIds.b![0]]);
    // A's first message re-analysed; its later one changing changes nothing.
    await sql(`update message set analysis = ? where id = ?`, [analysis('complaint'), messageIds.a![0]]);
    await sql(`update message set analysis = ? where id = ?`, [analysis('other'), messageIds.a![2]]);
    // D's message analysed as it is inserted; C's analysis erased.
    await sql(
      `insert into message (id, workspace_id, conversation_id, seq, author_type, body, analysis, created_at) values (?, ?, ?, 2, 'CUSTOMER', 'x', ?, now())`,
      [randomUUID(), w, d, analysis('refund')],
    );
    await sql(`update message set analysis = null where id = ?`, [messageIds.c![0]]);
    expect(await intents()).toEqual({ [a]: [1, 'complaint'], [b]: [1, 'cancel'], [c]: [null, null], [d]: [2, 'refund'] });

    // Erasure (analysis removed from A's customer messages one by one) and deletion (B's first message).
    await sql(`update message set analysis = null where id = ?`, [messageIds.a![0]]);
    expect((await intents())[a]).toEqual([3, 'other']);
    await sql(`update message set analysis = null where conversation_id = ? and author_type = 'CUSTOMER'`, [a]);
    await sql(`delete from message where id = ?`, [messageIds.b![0]]);
    expect(await intents()).toEqual({ [a]: [null, null], [b]: [3, 'billing'], [c]: [null, null], [d]: [2, 'refund'] });
    expect(await intents()).toEqual(await recomputed());

    // A conversation deleted with its analysed messages leaves nothing behind to trip over.
    await sql(`delete from conversation where id = ?`, [d]);
    expect(await intents()).toEqual(await recomputed());

    await db.orm.migrator.down({ to: BEFORE });
    const columns = await sql(`select column_name from information_schema.columns where table_name = 'conversation' and column_name like 'intent%'`);
    expect(columns).toEqual([]);
  });
});
