import { Migration } from '@mikro-orm/migrations';

export class Migration20261121050000_conversation_last_message extends Migration {
  override name = 'Migration20261121050000_conversation_last_message';

  override up(): void {
    this.addSql(`alter table "conversation" add column "last_message_id" uuid null;`);
    this.addSql(`update "conversation" c set "last_message_id" = m."id" from "message" m where m."conversation_id" = c."id" and m."seq" = c."last_seq";`);
  }

  override down(): void {
    this.addSql(`alter table "conversation" drop column "last_message_id";`);
  }
}
