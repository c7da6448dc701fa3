import { Migration } from '@mikro-orm/migrations';

// Transactional outbox: jobs recorded with the change that calls for them,
// drained to the queue after commit.
export class Migration20261204100000_job_outbox extends Migration {
  override name = 'Migration20261204100000_job_outbox';

  override up(): void {
    this.addSql(
      `create table "job_outbox" ("id" uuid not null, "job" varchar(60) not null, "data" jsonb not null, "job_id" varchar(200) null, "delay_ms" int null, "created_at" timestamptz not null, "next_attempt_at" timestamptz not null, "attempts" int not null default 0, "last_error" text null, constraint "job_outbox_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "job_outbox_next_attempt_at_index" on "job_outbox" ("next_attempt_at");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "job_outbox";`);
  }
}
