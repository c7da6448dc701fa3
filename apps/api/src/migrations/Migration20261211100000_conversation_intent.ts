import { Migration } from '@mikro-orm/migrations';

// The conversation's intent for the analytics overview (issue 17): the
// analysis of its first analysed customer message, kept on the conversation
// row like the reply facts, so the overview reads one column per conversation
// instead of probing every conversation's messages (on the 1M-message dataset
// that probe was most of a 30-day overview's time).
// "intent_seq" is that message's seq (null: no customer message analysed yet)
// and "intent" its analysis->>'intent' (null: analysed without one; the
// overview counts both as 'unknown'). The application never writes them: the
// `message_conversation_intent` trigger recomputes them whenever a customer
// message's analysis appears, changes or goes (ai.analyze, erasure,
// retention) or such a message is deleted. It first locks the conversation
// row, then reads the messages in a statement of its own, i.e. with a
// snapshot taken after the lock: two writers of one conversation's messages
// take turns, and the later one sees what the earlier one committed, so the
// last to commit leaves the right value whatever the interleaving.
// Also: mode and channel in the dimension rollups' assignee index (below).
export class Migration20261211100000_conversation_intent extends Migration {
  override name = 'Migration20261211100000_conversation_intent';

  override up(): void {
    this.addSql(`alter table "conversation" add column "intent_seq" int null, add column "intent" text null;`);
    this.addSql(`update "conversation" c set "intent_seq" = f."seq", "intent" = f."intent"
      from (select distinct on ("conversation_id") "conversation_id", "seq", "analysis"->>'intent' as "intent" from "message"
             where "author_type" = 'CUSTOMER' and "analysis" is not null order by "conversation_id", "seq") f
     where c."id" = f."conversation_id";`);
    this.addSql(`create or replace function "conversation_intent"() returns trigger language plpgsql as $$
declare
  conv uuid;
  first_seq int;
  first_intent text;
begin
  foreach conv in array case tg_op when 'INSERT' then array[new."conversation_id"] when 'DELETE' then array[old."conversation_id"]
    else array(select distinct x from unnest(array[old."conversation_id", new."conversation_id"]) x) end loop
    perform 1 from "conversation" where "id" = conv for no key update;
    select "seq", "analysis"->>'intent' into first_seq, first_intent from "message"
     where "conversation_id" = conv and "author_type" = 'CUSTOMER' and "analysis" is not null order by "seq" limit 1;
    update "conversation" set "intent_seq" = first_seq, "intent" = first_intent
     where "id" = conv and ("intent_seq" is distinct from first_seq or "intent" is distinct from first_intent);
  end loop;
  return null;
end $$;`);
    // Only the changes that can move the result: an analysed customer message appearing, changing or going.
    this.addSql(`create trigger "message_conversation_intent_insert" after insert on "message" for each row
      when (new."author_type" = 'CUSTOMER' and new."analysis" is not null) execute function "conversation_intent"();`);
    this
      .addSql(`create trigger "message_conversation_intent_update" after update of "analysis", "author_type", "seq", "conversation_id" on "message" for each row
      when (((old."author_type" = 'CUSTOMER' and old."analysis" is not null) or (new."author_type" = 'CUSTOMER' and new."analysis" is not null))
        and (old."analysis" is distinct from new."analysis" or old."author_type" is distinct from new."author_type"
          or old."seq" is distinct from new."seq" or old."conversation_id" is distinct from new."conversation_id"))
      execute function "conversation_intent"();`);
    this.addSql(`create trigger "message_conversation_intent_delete" after delete on "message" for each row
      when (old."author_type" = 'CUSTOMER' and old."analysis" is not null) execute function "conversation_intent"();`);
    // The message counts of one agent's conversations in one mode or channel (the dashboard's combined filters):
    // with mode and channel in the assignee index, an index-only scan of the agent's rows instead of a heap visit per row.
    this.addSql(`drop index if exists "message_dimension_rollup_hourly_assignee_index";`);
    this.addSql(
      `create index "message_dimension_rollup_hourly_assignee_index" on "message_dimension_rollup_hourly" ("workspace_id", "assignee_id", "hour") include ("mode", "channel", "author_type", "messages");`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists "message_dimension_rollup_hourly_assignee_index";`);
    this.addSql(
      `create index "message_dimension_rollup_hourly_assignee_index" on "message_dimension_rollup_hourly" ("workspace_id", "assignee_id", "hour") include ("author_type", "messages");`,
    );
    this.addSql(`drop trigger if exists "message_conversation_intent_delete" on "message";`);
    this.addSql(`drop trigger if exists "message_conversation_intent_update" on "message";`);
    this.addSql(`drop trigger if exists "message_conversation_intent_insert" on "message";`);
    this.addSql(`drop function if exists "conversation_intent"();`);
    this.addSql(`alter table "conversation" drop column "intent_seq", drop column "intent";`);
  }
}
