import { Migration } from '@mikro-orm/migrations';

// Hourly message rollups kept by the `analytics.rollup` maintenance job: per
// workspace, hour, author type and model configuration, how many messages and
// the AI token and latency sums. Every hour before `rolled_up_to` is complete.
export class Migration20261121100000_message_rollups extends Migration {
  override name = 'Migration20261121100000_message_rollups';

  override up(): void {
    this.addSql(`create table "message_rollup_hourly" (
      "workspace_id" uuid not null references "workspace" ("id") on delete cascade,
      "hour" timestamptz not null,
      "author_type" text not null,
      "model_config_id" uuid null,
      "messages" int not null,
      "prompt_tokens" bigint not null,
      "completion_tokens" bigint not null,
      "latency_ms_sum" bigint not null,
      "latency_n" int not null,
      constraint "message_rollup_hourly_key" unique nulls not distinct ("workspace_id", "hour", "author_type", "model_config_id"));`);
    this.addSql(`create table "analytics_rollup_state" ("name" varchar(40) not null primary key, "rolled_up_to" timestamptz not null);`);
    this.addSql(`create index "message_created_at_index" on "message" ("created_at");`);
  }

  override down(): void {
    this.addSql(`drop index if exists "message_created_at_index";`);
    this.addSql(`drop table if exists "analytics_rollup_state";`);
    this.addSql(`drop table if exists "message_rollup_hourly";`);
  }
}
