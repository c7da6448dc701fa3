import { Migration } from '@mikro-orm/migrations';

// Analytics at scale. Per-conversation reply facts (did an agent reply, did
// the AI, who replied first) kept by a trigger on message insert, so the
// overview reads one row per conversation instead of probing its messages;
// and indexes for the message-level metrics (counts by author type, AI usage).
export class Migration20261121080000_analytics_rollups extends Migration {
  override name = 'Migration20261121080000_analytics_rollups';

  override up(): void {
    this.addSql(
      `alter table "conversation" add column "had_agent_reply" boolean not null default false, add column "had_ai_reply" boolean not null default false, add column "first_responder" text null;`,
    );
    this.addSql(`update "conversation" c set
      "had_agent_reply" = exists (select 1 from "message" m where m."conversation_id" = c."id" and m."author_type" = 'AGENT'),
      "had_ai_reply" = exists (select 1 from "message" m where m."conversation_id" = c."id" and m."author_type" = 'AI'),
      "first_responder" = (select m."author_type" from "message" m where m."conversation_id" = c."id" and m."author_type" in ('AGENT', 'AI') order by m."seq" limit 1);`);
    this.addSql(`create or replace function "conversation_reply_facts"() returns trigger language plpgsql as $$
begin
  update "conversation" set
    "had_agent_reply" = "had_agent_reply" or new."author_type" = 'AGENT',
    "had_ai_reply" = "had_ai_reply" or new."author_type" = 'AI',
    "first_responder" = coalesce("first_responder", new."author_type")
  where "id" = new."conversation_id"
    and ("first_responder" is null
      or (new."author_type" = 'AGENT' and not "had_agent_reply")
      or (new."author_type" = 'AI' and not "had_ai_reply"));
  return null;
end $$;`);
    this.addSql(
      `create trigger "message_reply_facts" after insert on "message" for each row when (new."author_type" in ('AGENT', 'AI')) execute function "conversation_reply_facts"();`,
    );
    this.addSql(`create index "message_workspace_id_created_at_author_type_index" on "message" ("workspace_id", "created_at", "author_type");`);
    this.addSql(
      `create index "message_ai_usage_index" on "message" ("workspace_id", "created_at") include ("model_config_id", "prompt_tokens", "completion_tokens", "latency_ms") where "author_type" = 'AI';`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists "message_ai_usage_index";`);
    this.addSql(`drop index if exists "message_workspace_id_created_at_author_type_index";`);
    this.addSql(`drop trigger if exists "message_reply_facts" on "message";`);
    this.addSql(`drop function if exists "conversation_reply_facts"();`);
    this.addSql(`alter table "conversation" drop column "had_agent_reply", drop column "had_ai_reply", drop column "first_responder";`);
  }
}
