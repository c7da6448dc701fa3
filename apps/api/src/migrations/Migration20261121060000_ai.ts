import { Migration } from '@mikro-orm/migrations';

export class Migration20261121060000_ai extends Migration {
  override name = 'Migration20261121060000_ai';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "model_config" ("id" uuid not null, "workspace_id" uuid not null, "version" int not null, "name" varchar(120) not null, "provider" text not null, "model" varchar(120) not null, "temperature" real not null, "system_prompt" text not null, "k" smallint not null, "confidence_threshold" real not null, "active" boolean not null default false, "traffic_weight" smallint not null default 0, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "model_config_workspace_id_active_index" on "model_config" ("workspace_id", "active");`);
    this.addSql(`alter table "model_config" add constraint "model_config_workspace_id_version_unique" unique ("workspace_id", "version");`);

    this.addSql(
      `create table "job_failure" ("id" uuid not null, "workspace_id" uuid null, "queue" varchar(40) not null, "name" varchar(60) not null, "job_id" varchar(200) null, "data" jsonb not null, "error" text not null, "attempts" int not null, "failed_at" timestamptz not null, "retried_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "job_failure_workspace_id_failed_at_index" on "job_failure" ("workspace_id", "failed_at");`);

    this.addSql(
      `create table "knowledge_chunk" ("id" uuid not null, "workspace_id" uuid not null, "faq_id" uuid not null, "ordinal" int not null, "text" text not null, "embedding" real[] not null, "embedding_model" varchar(60) not null, "tsv" tsvector generated always as (to_tsvector('english', "text")) stored null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "knowledge_chunk_tsv_index" on "knowledge_chunk" using gin ("tsv");`);
    this.addSql(`create index "knowledge_chunk_faq_id_index" on "knowledge_chunk" ("faq_id");`);

    this.addSql(
      `create table "evaluation_dataset" ("id" uuid not null, "workspace_id" uuid not null, "name" varchar(120) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "evaluation_dataset" add constraint "evaluation_dataset_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(
      `create table "evaluation_run" ("id" uuid not null, "workspace_id" uuid not null, "dataset_id" uuid not null, "model_config_id" uuid not null, "status" text not null default 'QUEUED', "total" int not null, "done" int not null default 0, "metrics" jsonb null, "error" text null, "created_at" timestamptz not null, "finished_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "evaluation_run_workspace_id_created_at_index" on "evaluation_run" ("workspace_id", "created_at");`);

    this.addSql(
      `create table "evaluation_case" ("id" uuid not null, "workspace_id" uuid not null, "dataset_id" uuid not null, "question" text not null, "expected_faq_ids" text[] not null, "reference_answer" text null, primary key ("id"));`,
    );
    this.addSql(`create index "evaluation_case_dataset_id_index" on "evaluation_case" ("dataset_id");`);

    this.addSql(
      `create table "evaluation_result" ("id" uuid not null, "workspace_id" uuid not null, "run_id" uuid not null, "evaluation_case_id" uuid not null, "retrieved_faq_ids" text[] not null, "answer" text not null, "confidence" real not null, "reciprocal_rank" real not null, "answer_similarity" real null, "groundedness" real not null, "latency_ms" int not null, "prompt_tokens" int not null, "completion_tokens" int not null, primary key ("id"));`,
    );
    this.addSql(`alter table "evaluation_result" add constraint "evaluation_result_run_id_evaluation_case_id_unique" unique ("run_id", "evaluation_case_id");`);

    this.addSql(`alter table "faq" add "embedding_status" text not null default 'PENDING', add "embedding_error" text null;`);
    this.addSql(`alter table "faq" add constraint "faq_embedding_status_check" check ("embedding_status" in ('PENDING', 'READY', 'FAILED'));`);

    this.addSql(
      `alter table "message" add "reply_to_seq" int null, add "citations" jsonb null, add "confidence" real null, add "model_config_id" uuid null, add "prompt_tokens" int null, add "completion_tokens" int null, add "latency_ms" int null, add "analysis" jsonb null;`,
    );
    this.addSql(`alter table "message" add constraint "message_conversation_id_reply_to_seq_unique" unique ("conversation_id", "reply_to_seq");`);

    this.addSql(
      `alter table "model_config" add constraint "model_config_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "model_config" add constraint "model_config_provider_check" check ("provider" in ('local', 'openai'));`);

    this.addSql(
      `alter table "job_failure" add constraint "job_failure_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "knowledge_chunk" add constraint "knowledge_chunk_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "knowledge_chunk" add constraint "knowledge_chunk_faq_id_foreign" foreign key ("faq_id") references "faq" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "evaluation_dataset" add constraint "evaluation_dataset_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "evaluation_run" add constraint "evaluation_run_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "evaluation_run" add constraint "evaluation_run_dataset_id_foreign" foreign key ("dataset_id") references "evaluation_dataset" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "evaluation_run" add constraint "evaluation_run_model_config_id_foreign" foreign key ("model_config_id") references "model_config" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "evaluation_run" add constraint "evaluation_run_status_check" check ("status" in ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'));`);

    this.addSql(
      `alter table "evaluation_case" add constraint "evaluation_case_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "evaluation_case" add constraint "evaluation_case_dataset_id_foreign" foreign key ("dataset_id") references "evaluation_dataset" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "evaluation_result" add constraint "evaluation_result_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "evaluation_result" add constraint "evaluation_result_run_id_foreign" foreign key ("run_id") references "evaluation_run" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "evaluation_result" add constraint "evaluation_result_evaluation_case_id_foreign" foreign key ("evaluation_case_id") references "evaluation_case" ("id") on delete cascade;`,
    );

    // Vector search where the server has pgvector (PGlite and the compose image do);
    // without it retrieval uses full-text search alone.
    this.addSql(`do $$ begin
      if exists (select 1 from pg_available_extensions where name = 'vector') then
        create extension if not exists vector;
        alter table "knowledge_chunk" add column "embedding_v" vector(256);
        create index "knowledge_chunk_embedding_v_hnsw" on "knowledge_chunk" using hnsw ("embedding_v" vector_cosine_ops);
      end if;
    end $$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "evaluation_run" drop constraint "evaluation_run_model_config_id_foreign";`);
    this.addSql(`alter table "evaluation_run" drop constraint "evaluation_run_dataset_id_foreign";`);
    this.addSql(`alter table "evaluation_case" drop constraint "evaluation_case_dataset_id_foreign";`);
    this.addSql(`alter table "evaluation_result" drop constraint "evaluation_result_run_id_foreign";`);
    this.addSql(`alter table "evaluation_result" drop constraint "evaluation_result_evaluation_case_id_foreign";`);

    this.addSql(`drop table if exists "model_config" cascade;`);
    this.addSql(`drop table if exists "job_failure" cascade;`);
    this.addSql(`drop table if exists "knowledge_chunk" cascade;`);
    this.addSql(`drop table if exists "evaluation_dataset" cascade;`);
    this.addSql(`drop table if exists "evaluation_run" cascade;`);
    this.addSql(`drop table if exists "evaluation_case" cascade;`);
    this.addSql(`drop table if exists "evaluation_result" cascade;`);

    this.addSql(`alter table "faq" drop constraint "faq_embedding_status_check";`);
    this.addSql(`alter table "faq" drop column "embedding_status", drop column "embedding_error";`);

    this.addSql(`alter table "message" drop constraint "message_conversation_id_reply_to_seq_unique";`);
    this.addSql(
      `alter table "message" drop column "reply_to_seq", drop column "citations", drop column "confidence", drop column "model_config_id", drop column "prompt_tokens", drop column "completion_tokens", drop column "latency_ms", drop column "analysis";`,
    );
  }
}
