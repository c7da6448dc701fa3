import { Migration } from '@mikro-orm/migrations';

// The FAQs an evaluated answer cites, so a run's answers can be scored at any confidence threshold.
export class Migration20261204400001_evaluation_cited_faqs extends Migration {
  override name = 'Migration20261204400001_evaluation_cited_faqs';

  override up(): void {
    this.addSql(`alter table "evaluation_result" add column "cited_faq_ids" text[] not null default '{}';`);
  }

  override down(): void {
    this.addSql(`alter table "evaluation_result" drop column "cited_faq_ids";`);
  }
}
