import { Migration } from '@mikro-orm/migrations';

// Canned replies: shared by a workspace (owner null) or personal to an agent; one shortcut per owner.
export class Migration20261206100000_canned_replies extends Migration {
  override name = 'Migration20261206100000_canned_replies';

  override up(): void {
    this.addSql(`create table "canned_reply" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on update cascade on delete cascade,
      "owner_id" uuid null references "user" ("id") on update cascade on delete cascade,
      "shortcut" varchar(40) not null,
      "title" varchar(120) null,
      "body" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    );`);
    this.addSql(
      `create unique index "canned_reply_workspace_owner_shortcut_unique" on "canned_reply" ("workspace_id", "owner_id", "shortcut") nulls not distinct;`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "canned_reply";`);
  }
}
