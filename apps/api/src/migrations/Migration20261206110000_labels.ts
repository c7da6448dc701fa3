import { Migration } from '@mikro-orm/migrations';

// Workspace labels (names unique ignoring case) and the labels on conversations.
export class Migration20261206110000_labels extends Migration {
  override name = 'Migration20261206110000_labels';

  override up(): void {
    this.addSql(`create table "label" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on update cascade on delete cascade,
      "name" varchar(40) not null,
      "color" varchar(7) not null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create unique index "label_workspace_id_lower_name_unique" on "label" ("workspace_id", lower("name"));`);
    this.addSql(`create table "conversation_label" (
      "conversation_id" uuid not null references "conversation" ("id") on update cascade on delete cascade,
      "label_id" uuid not null references "label" ("id") on update cascade on delete cascade,
      "workspace_id" uuid not null references "workspace" ("id") on update cascade on delete cascade,
      "created_at" timestamptz not null,
      primary key ("conversation_id", "label_id")
    );`);
    this.addSql(`create index "conversation_label_label_id_conversation_id_index" on "conversation_label" ("label_id", "conversation_id");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "conversation_label";`);
    this.addSql(`drop table if exists "label";`);
  }
}
