import { Migration } from '@mikro-orm/migrations';

// Team administration: deactivation, last seen, and admin-issued password resets.
export class Migration20261204200000_team_admin extends Migration {
  override name = 'Migration20261204200000_team_admin';

  override up(): void {
    this.addSql(
      `alter table "user" add column "last_seen_at" timestamptz null, add column "deactivated_at" timestamptz null, add column "password_reset_token_hash" varchar(64) null, add column "password_reset_expires_at" timestamptz null;`,
    );
    this.addSql(`alter table "user" add constraint "user_password_reset_token_hash_unique" unique ("password_reset_token_hash");`);
    this.addSql(`update "user" set "last_seen_at" = "last_login_at", "deactivated_at" = case when "status" = 'DISABLED' then now() end;`);
  }

  override down(): void {
    this.addSql(`alter table "user" drop constraint if exists "user_password_reset_token_hash_unique";`);
    this.addSql(
      `alter table "user" drop column "last_seen_at", drop column "deactivated_at", drop column "password_reset_token_hash", drop column "password_reset_expires_at";`,
    );
  }
}
