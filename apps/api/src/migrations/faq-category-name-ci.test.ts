// Migration20261122090000_faq_category_name_ci on a database that already
// holds category names differing only by case or surrounding spaces (allowed
// before it): the migration merges them instead of failing. Embedded PGlite by
// default, a scratch PostgreSQL database when DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { migratedTo } from '../../test/migration-kit.js';

const BEFORE = 'Migration20261121100000_message_rollups';

describe('Migration20261122090000_faq_category_name_ci', () => {
  const db = migratedTo(BEFORE);
  const { sql } = db;

  it('trims names, merges case-insensitive duplicates into the oldest and then enforces uniqueness ignoring case', async () => {
    const [w1, w2] = [randomUUID(), randomUUID()];
    for (const [id, name] of [
      [w1, 'One'],
      [w2, 'Two'],
    ]) {
      await sql(`insert into workspace (id, name, widget_key, created_at) values (?, ?, ?, now())`, [id, name, randomUUID()]);
    }
    const cat = async (workspace: string, name: string, minutesAgo: number) => {
      const id = randomUUID();
      await sql(`insert into faq_category (id, workspace_id, name, created_at) values (?, ?, ?, now() - make_interval(mins => ?))`, [
        id,
        workspace,
        name,
        minutesAgo,
      ]);
      return id;
    };
    const faq = async (workspace: string, categoryId: string | null) => {
      const id = randomUUID();
      await sql(
        `insert into faq (id, workspace_id, category_id, question, answer, tags, created_at, updated_at) values (?, ?, ?, 'Q?', 'A.', '{}', now(), now())`,
        [id, workspace, categoryId],
      );
      return id;
    };
    const billingOld = await cat(w1, 'Billing', 30);
    const billingLower = await cat(w1, 'billing', 20);
    const billingPadded = await cat(w1, ' BILLING ', 10);
    const shipping = await cat(w1, 'Shipping  ', 5);
    const account = await cat(w1, 'account', 5);
    const otherBilling = await cat(w2, 'billing', 40);
    const faqs = {
      a: await faq(w1, billingLower),
      b: await faq(w1, billingPadded),
      c: await faq(w1, billingOld),
      d: await faq(w1, shipping),
      e: await faq(w1, null),
      f: await faq(w2, otherBilling),
    };

    // Only this migration: `down` below then reverts exactly it, whatever comes after.
    await db.orm.migrator.up({ to: 'Migration20261122090000_faq_category_name_ci' });

    const cats = await sql<{ id: string; workspace_id: string; name: string }>(
      `select id, workspace_id, name from faq_category order by workspace_id = ? desc, lower(name)`,
      [w1],
    );
    expect(cats).toEqual([
      { id: account, workspace_id: w1, name: 'account' },
      { id: billingOld, workspace_id: w1, name: 'Billing' },
      { id: shipping, workspace_id: w1, name: 'Shipping' },
      { id: otherBilling, workspace_id: w2, name: 'billing' },
    ]);
    const faqCategory = new Map((await sql<{ id: string; category_id: string | null }>(`select id, category_id from faq`)).map((r) => [r.id, r.category_id]));
    expect(Object.fromEntries(Object.entries(faqs).map(([k, id]) => [k, faqCategory.get(id)]))).toEqual({
      a: billingOld,
      b: billingOld,
      c: billingOld,
      d: shipping,
      e: null,
      f: otherBilling,
    });

    await expect(cat(w1, 'ACCOUNT', 0)).rejects.toThrow(/faq_category_workspace_id_lower_name_unique/);
    await expect(cat(w2, 'Shipping', 0)).resolves.toBeTruthy();

    // Down restores the exact-match constraint (the merged rows stay merged).
    await db.orm.migrator.down();
    await expect(cat(w1, 'ACCOUNT', 0)).resolves.toBeTruthy();
    await expect(cat(w1, 'account', 0)).rejects.toThrow(/faq_category_workspace_id_name_unique/);
  });
});
