import { Migration } from '@mikro-orm/migrations';

// FAQ category names become unique per workspace ignoring case and surrounding
// whitespace ("Billing" and "billing " are one category), enforced by a unique
// index on ("workspace_id", lower("name")) instead of the exact-match constraint.
//
// Existing rows that would violate it are merged, not rejected: names are
// trimmed, then within each workspace the categories whose names are equal
// ignoring case keep the oldest one (created_at, then id), with its spelling;
// the FAQs of the others move to it and the others are deleted. Nothing else
// references a category. `down` restores the exact-match constraint but not
// the merged rows.
export class Migration20261122090000_faq_category_name_ci extends Migration {
  override name = 'Migration20261122090000_faq_category_name_ci';

  override up(): void {
    // Dropped first: trimming may itself make two names equal.
    this.addSql(`alter table "faq_category" drop constraint if exists "faq_category_workspace_id_name_unique";`);
    this.addSql(
      `update "faq_category" set "name" = btrim("name", E' \\t\\r\\n') where "name" <> btrim("name", E' \\t\\r\\n') and btrim("name", E' \\t\\r\\n') <> '';`,
    );
    // Every category that is not the oldest of its (workspace, lower(name)) group, with the one it merges into.
    const merged = `select "id", "keep_id" from (
        select "id", first_value("id") over (partition by "workspace_id", lower("name") order by "created_at", "id") as "keep_id"
          from "faq_category") d
       where "id" <> "keep_id"`;
    this.addSql(`update "faq" f set "category_id" = m."keep_id" from (${merged}) m where f."category_id" = m."id";`);
    this.addSql(`delete from "faq_category" c using (${merged}) m where c."id" = m."id";`);
    this.addSql(`create unique index "faq_category_workspace_id_lower_name_unique" on "faq_category" ("workspace_id", lower("name"));`);
  }

  override down(): void {
    this.addSql(`drop index if exists "faq_category_workspace_id_lower_name_unique";`);
    this.addSql(`alter table "faq_category" add constraint "faq_category_workspace_id_name_unique" unique ("workspace_id", "name");`);
  }
}
