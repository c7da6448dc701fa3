import { Migration } from '@mikro-orm/migrations';

// Webhook events carry their own fan-out flag (the event row is the outbox
// entry of its deliveries) instead of a job_outbox row per change. Fan-out
// entries still waiting in the outbox are turned into flags.
export class Migration20261205100000_webhook_fan_out_pending extends Migration {
  override name = 'Migration20261205100000_webhook_fan_out_pending';

  override up(): void {
    this.addSql(`alter table "webhook_event" add column "fan_out_pending" boolean not null default false;`);
    this.addSql(`create index "webhook_event_fan_out_pending_index" on "webhook_event" ("occurred_at") where "fan_out_pending";`);
    this.addSql(
      `update "webhook_event" set "fan_out_pending" = true where "id"::text in (select jsonb_array_elements_text("data"::jsonb -> 'eventIds') from "job_outbox" where "job" = 'webhooks.fan_out');`,
    );
    this.addSql(`delete from "job_outbox" where "job" = 'webhooks.fan_out';`);
  }

  override down(): void {
    this.addSql(`drop index "webhook_event_fan_out_pending_index";`);
    this.addSql(`alter table "webhook_event" drop column "fan_out_pending";`);
  }
}
