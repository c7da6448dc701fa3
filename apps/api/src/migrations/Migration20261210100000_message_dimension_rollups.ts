import { Migration } from '@mikro-orm/migrations';

// Hourly message counts by the dimensions the analytics overview filters on
// (issue 17): per workspace, hour, author type and the conversation's mode,
// assignee and channel. The overview's filters mean the conversation's
// *current* mode, assignee and channel (as the recompute joins them), so a
// conversation that changes any of them takes its rolled-up messages along:
// the `conversation_dimension_rollups` trigger moves its counts, hour by hour,
// from the old dimension values to the new ones, in the same transaction as
// the change. It holds the rollup state row FOR SHARE while it does, so it
// cannot interleave with an `analytics.rollup` run (which holds it FOR UPDATE):
// either the run sees the change, or the move covers the hours the run added.
// Rows a move leaves at zero are deleted by the job's next run.
// Backfilled for every hour the job has already rolled up.
export class Migration20261210100000_message_dimension_rollups extends Migration {
  override name = 'Migration20261210100000_message_dimension_rollups';

  override up(): void {
    this.addSql(`create table "message_dimension_rollup_hourly" (
      "workspace_id" uuid not null references "workspace" ("id") on delete cascade,
      "hour" timestamptz not null,
      "mode" text not null,
      "assignee_id" uuid null,
      "channel" text not null,
      "author_type" text not null,
      "messages" int not null,
      constraint "message_dimension_rollup_hourly_key" unique nulls not distinct ("workspace_id", "hour", "mode", "assignee_id", "channel", "author_type") include ("messages"));`);
    // The assignee filter reads one agent's rows; mode and channel read most of the range anyway (the key, covering, serves them).
    this.addSql(
      `create index "message_dimension_rollup_hourly_assignee_index" on "message_dimension_rollup_hourly" ("workspace_id", "assignee_id", "hour") include ("author_type", "messages");`,
    );
    // The job's deletes: the hours it rolls up (again), and rows a move left empty (no move runs alongside the job).
    this.addSql(`create index "message_dimension_rollup_hourly_hour_index" on "message_dimension_rollup_hourly" ("hour");`);
    this.addSql(`create index "message_dimension_rollup_hourly_empty_index" on "message_dimension_rollup_hourly" ("hour") where "messages" = 0;`);
    // A run of the job in flight waits for this; the backfill covers what runs have rolled up so far.
    this.addSql(`select 1 from "analytics_rollup_state" where "name" = 'message_hourly' for update;`);
    this.addSql(`insert into "message_dimension_rollup_hourly" ("workspace_id", "hour", "mode", "assignee_id", "channel", "author_type", "messages")
      select m."workspace_id", date_trunc('hour', m."created_at", 'UTC'), c."mode", c."assignee_id", c."channel", m."author_type", count(*)
        from "message" m join "conversation" c on c."id" = m."conversation_id"
       where m."kind" = 'MESSAGE' and m."created_at" < (select "rolled_up_to" from "analytics_rollup_state" where "name" = 'message_hourly')
       group by 1, 2, 3, 4, 5, 6;`);
    this.addSql(`analyze "message_dimension_rollup_hourly";`);
    this.addSql(`create or replace function "conversation_dimension_rollups"() returns trigger language plpgsql as $$
declare
  watermark timestamptz;
begin
  select "rolled_up_to" into watermark from "analytics_rollup_state" where "name" = 'message_hourly' for share;
  if watermark is null then return null; end if;
  insert into "message_dimension_rollup_hourly" as r ("workspace_id", "hour", "mode", "assignee_id", "channel", "author_type", "messages")
  select new."workspace_id", m."hour", d."mode", d."assignee_id", d."channel", m."author_type", m."n" * d."sign"
    from (select date_trunc('hour', "created_at", 'UTC') as "hour", "author_type", count(*)::int as "n"
            from "message" where "conversation_id" = new."id" and "kind" = 'MESSAGE' and "created_at" < watermark group by 1, 2) m
   cross join (values (old."mode", old."assignee_id", old."channel", -1), (new."mode", new."assignee_id", new."channel", 1)) d ("mode", "assignee_id", "channel", "sign")
   -- In key order, so that two moves between the same keys lock their rows in the same order (no deadlock).
   order by 2, 3, 4, 5, 6
  on conflict on constraint "message_dimension_rollup_hourly_key" do update set "messages" = r."messages" + excluded."messages";
  return null;
end $$;`);
    this.addSql(`create trigger "conversation_dimension_rollups" after update of "mode", "assignee_id", "channel" on "conversation" for each row
      when (old."mode" is distinct from new."mode" or old."assignee_id" is distinct from new."assignee_id" or old."channel" is distinct from new."channel")
      execute function "conversation_dimension_rollups"();`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists "conversation_dimension_rollups" on "conversation";`);
    this.addSql(`drop function if exists "conversation_dimension_rollups"();`);
    this.addSql(`drop table if exists "message_dimension_rollup_hourly";`);
  }
}
