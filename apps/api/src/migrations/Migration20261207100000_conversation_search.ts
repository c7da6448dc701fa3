import { Migration } from '@mikro-orm/migrations';

// Full-text search over conversations (ConversationSearch): a search document
// per message, kept by a trigger in the same transaction as the message (and
// again when retention or erasure rewrites a body), plus expression indexes
// over contact names/emails and ticket subjects.
//
// The documents live beside the message table, not in it, so the many reads
// of message rows never carry them. The 'simple' configuration (no stemming,
// no stop words) treats every language alike; queries match word prefixes.
export class Migration20261207100000_conversation_search extends Migration {
  override name = 'Migration20261207100000_conversation_search';

  override up(): void {
    this.addSql(`create table "message_search" (
      "message_id" uuid not null primary key references "message" ("id") on update cascade on delete cascade,
      "workspace_id" uuid not null,
      "conversation_id" uuid not null,
      "created_at" timestamptz not null,
      "document" tsvector not null
    );`);
    this.addSql(`create index "message_search_document_index" on "message_search" using gin ("document");`);
    this.addSql(`create index "message_search_workspace_id_created_at_index" on "message_search" ("workspace_id", "created_at");`);
    // SYSTEM notices ("An agent will be with you shortly.") are the product's words, not the conversation's.
    this.addSql(`create or replace function "message_search_sync"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' then
          if new."body" is not distinct from old."body" then return null; end if;
          update "message_search" set "document" = to_tsvector('simple', new."body") where "message_id" = new."id";
        elsif new."author_type" <> 'SYSTEM' then
          insert into "message_search" ("message_id", "workspace_id", "conversation_id", "created_at", "document")
          values (new."id", new."workspace_id", new."conversation_id", new."created_at", to_tsvector('simple', new."body"));
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "message_search_insert" after insert on "message" for each row execute function "message_search_sync"();`);
    this.addSql(`create trigger "message_search_update" after update of "body" on "message" for each row execute function "message_search_sync"();`);
    this.addSql(`insert into "message_search" ("message_id", "workspace_id", "conversation_id", "created_at", "document")
      select "id", "workspace_id", "conversation_id", "created_at", to_tsvector('simple', "body") from "message" where "author_type" <> 'SYSTEM';`);
    this.addSql(`create index "contact_search_index" on "contact" using gin (to_tsvector('simple', coalesce("name", '') || ' ' || coalesce("email", '')));`);
    this.addSql(`create index "ticket_search_index" on "ticket" using gin (to_tsvector('simple', "subject"));`);
    this.addSql(`create index "conversation_contact_id_index" on "conversation" ("contact_id");`);
    this.addSql(`analyze "message_search";`);
  }

  override down(): void {
    this.addSql(`drop index if exists "conversation_contact_id_index";`);
    this.addSql(`drop index if exists "ticket_search_index";`);
    this.addSql(`drop index if exists "contact_search_index";`);
    this.addSql(`drop trigger if exists "message_search_update" on "message";`);
    this.addSql(`drop trigger if exists "message_search_insert" on "message";`);
    this.addSql(`drop function if exists "message_search_sync"();`);
    this.addSql(`drop table if exists "message_search";`);
  }
}
