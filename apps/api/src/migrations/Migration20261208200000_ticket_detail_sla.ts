import { Migration } from '@mikro-orm/migrations';

// Ticket detail and SLA policies: comments (public replies and internal), the
// history of changes and breaches, business hours with holidays, a policy per
// priority, and the SLA clocks on tickets. Two partial indexes keep the
// `tickets.sla` sweep to the unresolved tickets whose target is still unrecorded.
export class Migration20261208200000_ticket_detail_sla extends Migration {
  override name = 'Migration20261208200000_ticket_detail_sla';

  override up(): void {
    this.addSql(`create table "sla_policy" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on delete cascade,
      "priority" text not null check ("priority" in ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
      "first_response_minutes" int null,
      "resolution_minutes" int null,
      "business_hours_only" boolean not null default true,
      "created_at" timestamptz not null,
      constraint "sla_policy_workspace_id_priority_unique" unique ("workspace_id", "priority")
    );`);
    this.addSql(`create table "business_calendar" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on delete cascade,
      "timezone" varchar(64) not null,
      "intervals" jsonb not null,
      "holidays" jsonb not null,
      "updated_at" timestamptz not null,
      constraint "business_calendar_workspace_id_unique" unique ("workspace_id")
    );`);
    this.addSql(`create table "ticket_comment" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on delete cascade,
      "ticket_id" uuid not null references "ticket" ("id") on delete cascade,
      "author_id" uuid null references "user" ("id") on delete set null,
      "body" text not null,
      "is_public" boolean not null,
      "message_id" uuid null references "message" ("id") on delete set null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "ticket_comment_ticket_id_created_at_id_index" on "ticket_comment" ("ticket_id", "created_at", "id");`);
    this.addSql(`create table "ticket_event" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on delete cascade,
      "ticket_id" uuid not null references "ticket" ("id") on delete cascade,
      "actor_id" uuid null references "user" ("id") on delete set null,
      "kind" text not null check ("kind" in ('CREATED', 'STATUS', 'PRIORITY', 'ASSIGNEE', 'DUE_AT', 'FIRST_RESPONSE_BREACHED', 'RESOLUTION_BREACHED')),
      "from_value" text null,
      "to_value" text null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "ticket_event_ticket_id_created_at_id_index" on "ticket_event" ("ticket_id", "created_at", "id");`);
    this.addSql(`alter table "ticket" add column "first_response_due_at" timestamptz null, add column "first_responded_at" timestamptz null,
      add column "first_response_breached_at" timestamptz null, add column "resolution_breached_at" timestamptz null;`);
    this.addSql(`create index "ticket_first_response_sweep_index" on "ticket" ("first_response_due_at")
      where "first_responded_at" is null and "first_response_breached_at" is null and "status" not in ('RESOLVED', 'CLOSED');`);
    this.addSql(`create index "ticket_resolution_sweep_index" on "ticket" ("due_at")
      where "resolution_breached_at" is null and "status" not in ('RESOLVED', 'CLOSED');`);
  }

  override down(): void {
    this.addSql(`drop index if exists "ticket_resolution_sweep_index";`);
    this.addSql(`drop index if exists "ticket_first_response_sweep_index";`);
    this.addSql(`alter table "ticket" drop column if exists "first_response_due_at", drop column if exists "first_responded_at",
      drop column if exists "first_response_breached_at", drop column if exists "resolution_breached_at";`);
    this.addSql(`drop table if exists "ticket_event";`);
    this.addSql(`drop table if exists "ticket_comment";`);
    this.addSql(`drop table if exists "business_calendar";`);
    this.addSql(`drop table if exists "sla_policy";`);
  }
}
