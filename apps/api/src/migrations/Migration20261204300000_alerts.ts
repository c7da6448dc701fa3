import { Migration } from '@mikro-orm/migrations';

// Alerts raised by the in-process rules. At most one open (not resolved)
// alert per rule and scope, enforced by a partial unique index so that nodes
// evaluating at once cannot raise the same alert twice.
export class Migration20261204300000_alerts extends Migration {
  override name = 'Migration20261204300000_alerts';

  override up(): void {
    this.addSql(
      `create table "alert" ("id" uuid not null, "workspace_id" uuid null, "scope_key" varchar(40) not null, "rule" varchar(40) not null, "severity" text not null, "status" text not null default 'FIRING', "summary" varchar(300) not null, "value" double precision not null, "threshold" double precision not null, "details" jsonb null, "raised_at" timestamptz not null, "last_seen_at" timestamptz not null, "acknowledged_at" timestamptz null, "acknowledged_by_id" uuid null, "acknowledge_note" varchar(500) null, "resolved_at" timestamptz null, "resolved_by_id" uuid null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(`create index "alert_raised_at_id_index" on "alert" ("raised_at", "id");`);
    this.addSql(`create index "alert_workspace_id_raised_at_index" on "alert" ("workspace_id", "raised_at");`);
    this.addSql(`create unique index "alert_open_unique" on "alert" ("rule", "scope_key") where "status" <> 'RESOLVED';`);
  }

  override down(): void {
    this.addSql(`drop table if exists "alert" cascade;`);
  }
}
