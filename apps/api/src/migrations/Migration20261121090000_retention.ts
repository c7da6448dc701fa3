import { Migration } from '@mikro-orm/migrations';

// Data retention: a per-workspace setting, and a mark on each conversation
// whose texts the retention job has removed (so each run only sees new ones).
export class Migration20261121090000_retention extends Migration {
  override name = 'Migration20261121090000_retention';

  override up(): void {
    this.addSql(`alter table "workspace" add column "retention_days" int null;`);
    this.addSql(`alter table "conversation" add column "retention_purged_at" timestamptz null;`);
    this.addSql(
      `create index "conversation_retention_index" on "conversation" ("workspace_id", "last_message_at") where "status" = 'RESOLVED' and "retention_purged_at" is null;`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists "conversation_retention_index";`);
    this.addSql(`alter table "conversation" drop column "retention_purged_at";`);
    this.addSql(`alter table "workspace" drop column "retention_days";`);
  }
}
