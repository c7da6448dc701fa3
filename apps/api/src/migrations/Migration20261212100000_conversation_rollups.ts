import { Migration } from '@mikro-orm/migrations';

// Daily conversation rollups for the analytics overview: per workspace, UTC
// day of creation and each combination of the filters (none; mode; assignee;
// channel; and every combination of the three: GROUP BY CUBE, told apart by
// "dims", a bitmask 1 = mode, 2 = assignee, 4 = channel), the conversation
// figures of the conversations created that day: counts, CSAT counts, exact
// duration sums, the durations themselves (percentiles cannot be added up:
// the overview takes its medians and p90s over these values), the days'
// and hours' own medians (a DAY or HOUR bucket is one day's row), handoff
// reasons and intents, and when each resolved conversation was resolved
// (durability depends on the moment the overview is asked for).
//
// A conversation's figures change long after its day (it is answered,
// resolved, rated, analysed, reassigned), so these rows are no append-only
// log: the `conversation_rollup_dirty` trigger records the (workspace, day)
// of every conversation inserted, deleted or changed in anything the overview
// reads, in the change's own transaction; the overview reads such days from
// the conversations themselves, and the `analytics.rollup` job recomputes
// them and deletes the marks it read, in one transaction. Marks need no lock
// and no unique key (any number of writers append them without waiting for
// each other); a mark committed after the job read the marks survives it, so
// its day is read from the conversations until the next run.
export class Migration20261212100000_conversation_rollups extends Migration {
  override name = 'Migration20261212100000_conversation_rollups';

  override up(): void {
    this.addSql(`create table "conversation_rollup_daily" (
      "workspace_id" uuid not null references "workspace" ("id") on delete cascade,
      "day" timestamptz not null,
      "dims" smallint not null,
      "mode" text null,
      "assignee_id" uuid null,
      "channel" text null,
      "created" int not null,
      "resolved" int not null,
      "ai_handled" int not null,
      "ai_resolved" int not null,
      "handed_off" int not null,
      "csat_ai_ratings" int not null,
      "csat_ai_positive" int not null,
      "csat_ai_resolved" int not null,
      "csat_ai_rated_resolved" int not null,
      "csat_human_ratings" int not null,
      "csat_human_positive" int not null,
      "csat_human_resolved" int not null,
      "csat_human_rated_resolved" int not null,
      "frt_ai" float8[] not null,
      "frt_human" float8[] not null,
      "frt_other" float8[] not null,
      "rt" float8[] not null,
      "frt_ai_sum" numeric not null,
      "frt_human_sum" numeric not null,
      "frt_other_sum" numeric not null,
      "rt_sum" numeric not null,
      "durable_at" timestamptz[] not null,
      "reasons" jsonb not null,
      "intents" jsonb not null,
      "frt_med" float8 null,
      "rt_med" float8 null,
      "hours" int[] not null,
      "h_created" int[] not null,
      "h_resolved" int[] not null,
      "h_handed_off" int[] not null,
      "h_ai_handled" int[] not null,
      "h_ai_resolved" int[] not null,
      "h_ratings" int[] not null,
      "h_positive" int[] not null,
      "h_frt_med" float8[] not null,
      "h_rt_med" float8[] not null,
      constraint "conversation_rollup_daily_key" unique nulls not distinct ("workspace_id", "dims", "mode", "assignee_id", "channel", "day"));`);
    this.addSql(`create index "conversation_rollup_daily_day_index" on "conversation_rollup_daily" ("day");`);
    this.addSql(`create table "conversation_rollup_dirty" ("workspace_id" uuid not null, "day" timestamptz not null);`);
    this.addSql(`create index "conversation_rollup_dirty_index" on "conversation_rollup_dirty" ("workspace_id", "day");`);
    this.addSql(`create index "conversation_rollup_dirty_day_index" on "conversation_rollup_dirty" ("day");`);
    this.addSql(`create or replace function "conversation_rollup_dirty"() returns trigger language plpgsql as $$
begin
  if tg_op <> 'INSERT' then
    insert into "conversation_rollup_dirty" ("workspace_id", "day") values (old."workspace_id", date_trunc('day', old."created_at", 'UTC'));
  end if;
  if tg_op <> 'DELETE' then
    insert into "conversation_rollup_dirty" ("workspace_id", "day") values (new."workspace_id", date_trunc('day', new."created_at", 'UTC'));
  end if;
  return null;
end $$;`);
    this.addSql(
      `create trigger "conversation_rollup_dirty" after insert or delete on "conversation" for each row execute function "conversation_rollup_dirty"();`,
    );
    // Only changes to what the overview reads (not, say, every message's last_message_at).
    this.addSql(`create trigger "conversation_rollup_dirty_update" after update on "conversation" for each row
      when ((old."workspace_id", old."created_at", old."mode", old."assignee_id", old."channel", old."status", old."resolved_at", old."handoff_reason",
             old."csat_score", old."first_response_at", old."had_agent_reply", old."had_ai_reply", old."first_responder", old."intent")
            is distinct from
            (new."workspace_id", new."created_at", new."mode", new."assignee_id", new."channel", new."status", new."resolved_at", new."handoff_reason",
             new."csat_score", new."first_response_at", new."had_agent_reply", new."had_ai_reply", new."first_responder", new."intent"))
      execute function "conversation_rollup_dirty"();`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists "conversation_rollup_dirty_update" on "conversation";`);
    this.addSql(`drop trigger if exists "conversation_rollup_dirty" on "conversation";`);
    this.addSql(`drop function if exists "conversation_rollup_dirty"();`);
    this.addSql(`drop table if exists "conversation_rollup_dirty";`);
    this.addSql(`drop table if exists "conversation_rollup_daily";`);
  }
}
