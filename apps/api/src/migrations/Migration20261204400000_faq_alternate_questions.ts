import { Migration } from '@mikro-orm/migrations';

// Alternate phrasings of an FAQ's question, indexed by retrieval with the question.
export class Migration20261204400000_faq_alternate_questions extends Migration {
  override name = 'Migration20261204400000_faq_alternate_questions';

  override up(): void {
    this.addSql(`alter table "faq" add column "alternate_questions" text[] not null default '{}';`);
  }

  override down(): void {
    this.addSql(`alter table "faq" drop column "alternate_questions";`);
  }
}
