import { Migration } from '@mikro-orm/migrations';

// Private notes: messages of kind NOTE in the conversation's timeline (they
// take a seq, so staff feeds resume across them), written by staff for staff.
// They are no reply: the reply-facts trigger skips them (analytics count
// messages of kind MESSAGE only), and so do customers' reads, the assistant's
// history and webhooks. `mentions` holds the user ids a note @mentions.
export class Migration20261207110000_private_notes extends Migration {
  override name = 'Migration20261207110000_private_notes';

  override up(): void {
    this.addSql(`alter table "message" add column "kind" varchar(8) not null default 'MESSAGE', add column "mentions" jsonb null;`);
    this.addSql(`alter table "message" add constraint "message_kind_check" check ("kind" in ('MESSAGE', 'NOTE'));`);
    this.addSql(`drop trigger if exists "message_reply_facts" on "message";`);
    this.addSql(
      `create trigger "message_reply_facts" after insert on "message" for each row when (new."author_type" in ('AGENT', 'AI') and new."kind" = 'MESSAGE') execute function "conversation_reply_facts"();`,
    );
  }

  override down(): void {
    this.addSql(`drop trigger if exists "message_reply_facts" on "message";`);
    this.addSql(
      `create trigger "message_reply_facts" after insert on "message" for each row when (new."author_type" in ('AGENT', 'AI')) execute function "conversation_reply_facts"();`,
    );
    this.addSql(`alter table "message" drop constraint "message_kind_check";`);
    this.addSql(`alter table "message" drop column "kind", drop column "mentions";`);
  }
}
