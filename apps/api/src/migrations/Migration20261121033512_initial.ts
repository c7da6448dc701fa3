import { Migration } from '@mikro-orm/migrations';

export class Migration20261121033512_initial extends Migration {
  override name = 'Migration20261121033512_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "workspace" ("id" uuid not null, "name" varchar(120) not null, "widget_key" varchar(64) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "workspace" add constraint "workspace_widget_key_unique" unique ("widget_key");`);

    this.addSql(
      `create table "user" ("id" uuid not null, "workspace_id" uuid not null, "email" varchar(254) not null, "name" varchar(120) not null, "role" text not null default 'AGENT', "status" text not null default 'ACTIVE', "password_hash" text null, "invite_token_hash" varchar(64) null, "invite_expires_at" timestamptz null, "last_login_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "user" add constraint "user_email_unique" unique ("email");`);
    this.addSql(`alter table "user" add constraint "user_invite_token_hash_unique" unique ("invite_token_hash");`);

    this.addSql(
      `create table "refresh_token" ("id" uuid not null, "workspace_id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "family_id" uuid not null, "expires_at" timestamptz not null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_token_family_id_index" on "refresh_token" ("family_id");`);

    this.addSql(
      `create table "faq_category" ("id" uuid not null, "workspace_id" uuid not null, "name" varchar(120) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "faq_category" add constraint "faq_category_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(
      `create table "faq" ("id" uuid not null, "workspace_id" uuid not null, "category_id" uuid null, "question" varchar(500) not null, "answer" text not null, "tags" text[] not null, "status" text not null default 'DRAFT', "published_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "search_vector" tsvector generated always as (setweight(to_tsvector('english', coalesce("question", '')), 'A') || setweight(to_tsvector('english', coalesce("answer", '')), 'B')) stored, primary key ("id"));`,
    );
    this.addSql(`create index "faq_search_vector_index" on "faq" using gin ("search_vector");`);
    this.addSql(`create index "faq_workspace_id_created_at_id_index" on "faq" ("workspace_id", "created_at", "id");`);

    this.addSql(
      `create table "contact" ("id" uuid not null, "workspace_id" uuid not null, "name" varchar(120) null, "email" varchar(254) null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "contact_workspace_id_email_index" on "contact" ("workspace_id", "email");`);

    this.addSql(
      `create table "conversation" ("id" uuid not null, "workspace_id" uuid not null, "contact_id" uuid not null, "assignee_id" uuid null, "status" text not null default 'OPEN', "mode" text not null default 'AI', "channel" text not null default 'WEB_WIDGET', "priority" text not null default 'NORMAL', "language" varchar(16) null, "handoff_reason" varchar(40) null, "last_seq" int not null default 0, "last_message_at" timestamptz not null, "first_response_at" timestamptz null, "resolved_at" timestamptz null, "csat_score" smallint null, "csat_comment" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "conversation_workspace_id_created_at_index" on "conversation" ("workspace_id", "created_at");`);
    this.addSql(`create index "conversation_workspace_id_assignee_id_index" on "conversation" ("workspace_id", "assignee_id");`);
    this.addSql(`create index "conversation_workspace_id_status_index" on "conversation" ("workspace_id", "status");`);
    this.addSql(`create index "conversation_workspace_id_last_message_at_id_index" on "conversation" ("workspace_id", "last_message_at" desc, "id" desc);`);

    this.addSql(
      `create table "ticket" ("id" uuid not null, "workspace_id" uuid not null, "subject" varchar(200) not null, "description" text null, "status" text not null default 'OPEN', "priority" text not null default 'NORMAL', "assignee_id" uuid null, "requester_id" uuid null, "conversation_id" uuid null, "due_at" timestamptz null, "resolved_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "ticket_workspace_id_status_index" on "ticket" ("workspace_id", "status");`);
    this.addSql(`create index "ticket_workspace_id_created_at_id_index" on "ticket" ("workspace_id", "created_at", "id");`);

    this.addSql(
      `create table "message" ("id" uuid not null, "workspace_id" uuid not null, "conversation_id" uuid not null, "seq" int not null, "author_type" text not null, "author_user_id" uuid null, "body" text not null, "client_message_id" varchar(100) null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "message" add constraint "message_conversation_id_client_message_id_unique" unique ("conversation_id", "client_message_id");`);
    this.addSql(`alter table "message" add constraint "message_conversation_id_seq_unique" unique ("conversation_id", "seq");`);

    this.addSql(
      `create table "audit_log" ("id" uuid not null, "workspace_id" uuid not null, "actor_type" varchar(20) not null, "actor_id" uuid null, "action" varchar(80) not null, "target_type" varchar(40) null, "target_id" uuid null, "ip" varchar(64) null, "request_id" varchar(64) null, "metadata" jsonb null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "audit_log_workspace_id_created_at_id_index" on "audit_log" ("workspace_id", "created_at", "id");`);

    this.addSql(`alter table "user" add constraint "user_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);
    this.addSql(`alter table "user" add constraint "user_role_check" check ("role" in ('ADMIN', 'AGENT'));`);
    this.addSql(`alter table "user" add constraint "user_status_check" check ("status" in ('INVITED', 'ACTIVE', 'DISABLED'));`);

    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "faq_category" add constraint "faq_category_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );

    this.addSql(`alter table "faq" add constraint "faq_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);
    this.addSql(`alter table "faq" add constraint "faq_category_id_foreign" foreign key ("category_id") references "faq_category" ("id") on delete set null;`);
    this.addSql(`alter table "faq" add constraint "faq_status_check" check ("status" in ('DRAFT', 'PUBLISHED', 'ARCHIVED'));`);

    this.addSql(
      `alter table "contact" add constraint "contact_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "conversation" add constraint "conversation_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "conversation" add constraint "conversation_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "conversation" add constraint "conversation_assignee_id_foreign" foreign key ("assignee_id") references "user" ("id") on delete set null;`,
    );
    this.addSql(`alter table "conversation" add constraint "conversation_status_check" check ("status" in ('OPEN', 'PENDING', 'RESOLVED'));`);
    this.addSql(`alter table "conversation" add constraint "conversation_mode_check" check ("mode" in ('AI', 'HUMAN'));`);
    this.addSql(`alter table "conversation" add constraint "conversation_channel_check" check ("channel" in ('WEB_WIDGET', 'EMAIL', 'API'));`);
    this.addSql(`alter table "conversation" add constraint "conversation_priority_check" check ("priority" in ('LOW', 'NORMAL', 'HIGH', 'URGENT'));`);

    this.addSql(
      `alter table "ticket" add constraint "ticket_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "ticket" add constraint "ticket_assignee_id_foreign" foreign key ("assignee_id") references "user" ("id") on delete set null;`);
    this.addSql(
      `alter table "ticket" add constraint "ticket_requester_id_foreign" foreign key ("requester_id") references "contact" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "ticket" add constraint "ticket_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on delete set null;`,
    );
    this.addSql(`alter table "ticket" add constraint "ticket_status_check" check ("status" in ('OPEN', 'PENDING', 'RESOLVED', 'CLOSED'));`);
    this.addSql(`alter table "ticket" add constraint "ticket_priority_check" check ("priority" in ('LOW', 'NORMAL', 'HIGH', 'URGENT'));`);

    this.addSql(
      `alter table "message" add constraint "message_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "message" add constraint "message_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "message" add constraint "message_author_user_id_foreign" foreign key ("author_user_id") references "user" ("id") on delete set null;`,
    );
    this.addSql(`alter table "message" add constraint "message_author_type_check" check ("author_type" in ('CUSTOMER', 'AGENT', 'AI', 'SYSTEM'));`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "user" drop constraint "user_workspace_id_foreign";`);
    this.addSql(`alter table "refresh_token" drop constraint "refresh_token_workspace_id_foreign";`);
    this.addSql(`alter table "faq_category" drop constraint "faq_category_workspace_id_foreign";`);
    this.addSql(`alter table "faq" drop constraint "faq_workspace_id_foreign";`);
    this.addSql(`alter table "contact" drop constraint "contact_workspace_id_foreign";`);
    this.addSql(`alter table "conversation" drop constraint "conversation_workspace_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_workspace_id_foreign";`);
    this.addSql(`alter table "message" drop constraint "message_workspace_id_foreign";`);
    this.addSql(`alter table "audit_log" drop constraint "audit_log_workspace_id_foreign";`);
    this.addSql(`alter table "refresh_token" drop constraint "refresh_token_user_id_foreign";`);
    this.addSql(`alter table "conversation" drop constraint "conversation_assignee_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_assignee_id_foreign";`);
    this.addSql(`alter table "message" drop constraint "message_author_user_id_foreign";`);
    this.addSql(`alter table "faq" drop constraint "faq_category_id_foreign";`);
    this.addSql(`alter table "conversation" drop constraint "conversation_contact_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_requester_id_foreign";`);
    this.addSql(`alter table "ticket" drop constraint "ticket_conversation_id_foreign";`);
    this.addSql(`alter table "message" drop constraint "message_conversation_id_foreign";`);

    this.addSql(`drop table if exists "workspace" cascade;`);
    this.addSql(`drop table if exists "user" cascade;`);
    this.addSql(`drop table if exists "refresh_token" cascade;`);
    this.addSql(`drop table if exists "faq_category" cascade;`);
    this.addSql(`drop table if exists "faq" cascade;`);
    this.addSql(`drop table if exists "contact" cascade;`);
    this.addSql(`drop table if exists "conversation" cascade;`);
    this.addSql(`drop table if exists "ticket" cascade;`);
    this.addSql(`drop table if exists "message" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);
  }
}
