import { Migration } from '@mikro-orm/migrations';

// Teams with members and an assignment policy; conversations belong to a team's inbox.
export class Migration20261208100000_teams extends Migration {
  override name = 'Migration20261208100000_teams';

  override up(): void {
    this.addSql(`create table "team" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on update cascade on delete cascade,
      "name" varchar(60) not null,
      "assignment_policy" text check ("assignment_policy" in ('MANUAL', 'ROUND_ROBIN', 'LEAST_OPEN')) not null default 'MANUAL',
      "capacity" int null,
      "is_default" boolean not null default false,
      "last_assigned_id" uuid null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create unique index "team_workspace_id_lower_name_unique" on "team" ("workspace_id", lower("name"));`);
    this.addSql(`create unique index "team_workspace_id_default_unique" on "team" ("workspace_id") where "is_default";`);
    this.addSql(`create table "team_member" (
      "team_id" uuid not null references "team" ("id") on update cascade on delete cascade,
      "user_id" uuid not null references "user" ("id") on update cascade on delete cascade,
      "workspace_id" uuid not null references "workspace" ("id") on update cascade on delete cascade,
      "created_at" timestamptz not null,
      primary key ("team_id", "user_id")
    );`);
    this.addSql(`create index "team_member_user_id_index" on "team_member" ("user_id");`);
    this.addSql(`alter table "conversation" add column "team_id" uuid null references "team" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "conversation_workspace_id_team_id_index" on "conversation" ("workspace_id", "team_id");`);
  }

  override down(): void {
    this.addSql(`drop index if exists "conversation_workspace_id_team_id_index";`);
    this.addSql(`alter table "conversation" drop column if exists "team_id";`);
    this.addSql(`drop table if exists "team_member";`);
    this.addSql(`drop table if exists "team";`);
  }
}
