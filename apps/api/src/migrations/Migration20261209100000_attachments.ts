import { Migration } from '@mikro-orm/migrations';

// Message attachments: the row describes the file; the bytes are in the attachment storage.
export class Migration20261209100000_attachments extends Migration {
  override name = 'Migration20261209100000_attachments';

  override up(): void {
    this.addSql(`create table "attachment" (
      "id" uuid not null primary key,
      "workspace_id" uuid not null references "workspace" ("id") on update cascade on delete cascade,
      "conversation_id" uuid not null references "conversation" ("id") on update cascade on delete cascade,
      "message_id" uuid null references "message" ("id") on update cascade on delete cascade,
      "uploader_user_id" uuid null references "user" ("id") on update cascade on delete set null,
      "uploader_contact_id" uuid null references "contact" ("id") on update cascade on delete set null,
      "filename" varchar(255) not null,
      "content_type" varchar(100) not null,
      "size" int not null,
      "sha256" varchar(64) not null,
      "storage_key" varchar(200) not null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "attachment_message_id_index" on "attachment" ("message_id");`);
    this.addSql(`create index "attachment_conversation_id_index" on "attachment" ("conversation_id");`);
    // The sweep of uploads never sent.
    this.addSql(`create index "attachment_unsent_created_at_index" on "attachment" ("created_at") where "message_id" is null;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "attachment";`);
  }
}
