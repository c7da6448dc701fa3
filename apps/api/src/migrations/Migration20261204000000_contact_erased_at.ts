import { Migration } from '@mikro-orm/migrations';

// When a contact's personal data was erased: their customer tokens stop
// working at once (HTTP and open sockets). Contacts erased before this column
// existed stay null; their chats hold no personal data any more either way.
export class Migration20261204000000_contact_erased_at extends Migration {
  override name = 'Migration20261204000000_contact_erased_at';

  override up(): void {
    this.addSql(`alter table "contact" add column if not exists "erased_at" timestamptz null;`);
  }

  override down(): void {
    this.addSql(`alter table "contact" drop column if exists "erased_at";`);
  }
}
