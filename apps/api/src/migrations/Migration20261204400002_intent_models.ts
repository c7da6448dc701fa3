import { Migration } from '@mikro-orm/migrations';

// Per-workspace intent taxonomies trained from labelled examples.
export class Migration20261204400002_intent_models extends Migration {
  override name = 'Migration20261204400002_intent_models';

  override up(): void {
    this.addSql(
      `create table "intent_model" ("id" uuid not null, "workspace_id" uuid not null, "labels" text[] not null, "examples" int not null, "held_out_accuracy" real null, "model" jsonb not null, "trained_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "intent_model" add constraint "intent_model_workspace_id_unique" unique ("workspace_id");`);
    this.addSql(
      `alter table "intent_model" add constraint "intent_model_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "intent_model" cascade;`);
  }
}
