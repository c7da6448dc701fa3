import { Migration } from '@mikro-orm/migrations';

// Outgoing webhooks: endpoints, the events (written with the change they
// describe) and one delivery per (event, endpoint) sending. The delivery log
// pages by endpoint; (status, next_attempt_at) serves the sweep of overdue
// pending deliveries; event_id the redelivery look-ups.
export class Migration20261204510000_webhooks extends Migration {
  override name = 'Migration20261204510000_webhooks';

  override up(): void {
    this.addSql(
      `create table "webhook_event" ("id" uuid not null, "workspace_id" uuid not null, "type" varchar(40) not null, "version" smallint not null default 1, "data" jsonb not null, "occurred_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_event_workspace_id_occurred_at_index" on "webhook_event" ("workspace_id", "occurred_at");`);
    this.addSql(
      `alter table "webhook_event" add constraint "webhook_event_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );

    this.addSql(
      `create table "webhook_endpoint" ("id" uuid not null, "workspace_id" uuid not null, "url" varchar(2048) not null, "description" varchar(500) null, "event_types" text[] not null, "enabled" boolean not null default true, "disabled_reason" text null, "disabled_at" timestamptz null, "secret" varchar(80) not null, "previous_secret" varchar(80) null, "previous_secret_expires_at" timestamptz null, "failing_since" timestamptz null, "last_success_at" timestamptz null, "created_by" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_endpoint_workspace_id_created_at_index" on "webhook_endpoint" ("workspace_id", "created_at");`);
    this.addSql(
      `alter table "webhook_endpoint" add constraint "webhook_endpoint_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_endpoint" add constraint "webhook_endpoint_disabled_reason_check" check ("disabled_reason" in ('MANUAL', 'GONE', 'FAILING'));`,
    );

    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "workspace_id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" varchar(40) not null, "trigger" text not null default 'EVENT', "status" text not null default 'PENDING', "attempts" int not null default 0, "last_status_code" int null, "last_latency_ms" int null, "last_error" varchar(500) null, "last_response_body" text null, "last_attempt_at" timestamptz null, "next_attempt_at" timestamptz null, "delivered_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_delivery_status_next_attempt_at_index" on "webhook_delivery" ("status", "next_attempt_at");`);
    this.addSql(`create index "webhook_delivery_endpoint_id_created_at_id_index" on "webhook_delivery" ("endpoint_id", "created_at", "id");`);
    this.addSql(`create index "webhook_delivery_event_id_index" on "webhook_delivery" ("event_id");`);
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_event_id_foreign" foreign key ("event_id") references "webhook_event" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_trigger_check" check ("trigger" in ('EVENT', 'REDELIVERY', 'REPLAY', 'TEST'));`,
    );
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_status_check" check ("status" in ('PENDING', 'DELIVERED', 'FAILED'));`);
  }

  override down(): void {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
    this.addSql(`drop table if exists "webhook_event" cascade;`);
  }
}
