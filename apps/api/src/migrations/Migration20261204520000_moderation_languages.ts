import { Migration } from '@mikro-orm/migrations';

// Per-workspace moderation switch and supported languages; the moderation verdict of a message.
export class Migration20261204520000_moderation_languages extends Migration {
  override name = 'Migration20261204520000_moderation_languages';

  override up(): void {
    this.addSql(
      `alter table "workspace" add column "moderation_enabled" boolean not null default true, add column "supported_languages" text[] not null default '{en}';`,
    );
    this.addSql(`alter table "message" add column "moderation" jsonb null;`);
  }

  override down(): void {
    this.addSql(`alter table "message" drop column "moderation";`);
    this.addSql(`alter table "workspace" drop column "moderation_enabled", drop column "supported_languages";`);
  }
}
