// Checked-in migrations, applied in order on start-up.
import { Migration20261121033512_initial } from './Migration20261121033512_initial.js';
import { Migration20261121050000_conversation_last_message } from './Migration20261121050000_conversation_last_message.js';
import { Migration20261121060000_ai } from './Migration20261121060000_ai.js';
import { Migration20261121070000_api_keys } from './Migration20261121070000_api_keys.js';
import { Migration20261121080000_analytics_rollups } from './Migration20261121080000_analytics_rollups.js';
import { Migration20261121090000_retention } from './Migration20261121090000_retention.js';
import { Migration20261121100000_message_rollups } from './Migration20261121100000_message_rollups.js';
import { Migration20261122090000_faq_category_name_ci } from './Migration20261122090000_faq_category_name_ci.js';
import { Migration20261204000000_contact_erased_at } from './Migration20261204000000_contact_erased_at.js';
import { Migration20261204100000_job_outbox } from './Migration20261204100000_job_outbox.js';
import { Migration20261204200000_team_admin } from './Migration20261204200000_team_admin.js';
import { Migration20261204300000_alerts } from './Migration20261204300000_alerts.js';
import { Migration20261204400000_faq_alternate_questions } from './Migration20261204400000_faq_alternate_questions.js';
import { Migration20261204400001_evaluation_cited_faqs } from './Migration20261204400001_evaluation_cited_faqs.js';
import { Migration20261204400002_intent_models } from './Migration20261204400002_intent_models.js';
import { Migration20261204510000_webhooks } from './Migration20261204510000_webhooks.js';
import { Migration20261204520000_moderation_languages } from './Migration20261204520000_moderation_languages.js';
import { Migration20261205100000_webhook_fan_out_pending } from './Migration20261205100000_webhook_fan_out_pending.js';
import { Migration20261206100000_canned_replies } from './Migration20261206100000_canned_replies.js';
import { Migration20261206110000_labels } from './Migration20261206110000_labels.js';
import { Migration20261207100000_conversation_search } from './Migration20261207100000_conversation_search.js';
import { Migration20261207110000_private_notes } from './Migration20261207110000_private_notes.js';

export const migrations = [
  { name: 'Migration20261121033512_initial', class: Migration20261121033512_initial },
  { name: 'Migration20261121050000_conversation_last_message', class: Migration20261121050000_conversation_last_message },
  { name: 'Migration20261121060000_ai', class: Migration20261121060000_ai },
  { name: 'Migration20261121070000_api_keys', class: Migration20261121070000_api_keys },
  { name: 'Migration20261121080000_analytics_rollups', class: Migration20261121080000_analytics_rollups },
  { name: 'Migration20261121090000_retention', class: Migration20261121090000_retention },
  { name: 'Migration20261121100000_message_rollups', class: Migration20261121100000_message_rollups },
  { name: 'Migration20261122090000_faq_category_name_ci', class: Migration20261122090000_faq_category_name_ci },
  { name: 'Migration20261204000000_contact_erased_at', class: Migration20261204000000_contact_erased_at },
  { name: 'Migration20261204100000_job_outbox', class: Migration20261204100000_job_outbox },
  { name: 'Migration20261204200000_team_admin', class: Migration20261204200000_team_admin },
  { name: 'Migration20261204300000_alerts', class: Migration20261204300000_alerts },
  { name: 'Migration20261204400000_faq_alternate_questions', class: Migration20261204400000_faq_alternate_questions },
  { name: 'Migration20261204400001_evaluation_cited_faqs', class: Migration20261204400001_evaluation_cited_faqs },
  { name: 'Migration20261204400002_intent_models', class: Migration20261204400002_intent_models },
  { name: 'Migration20261204510000_webhooks', class: Migration20261204510000_webhooks },
  { name: 'Migration20261204520000_moderation_languages', class: Migration20261204520000_moderation_languages },
  { name: 'Migration20261205100000_webhook_fan_out_pending', class: Migration20261205100000_webhook_fan_out_pending },
  { name: 'Migration20261206100000_canned_replies', class: Migration20261206100000_canned_replies },
  { name: 'Migration20261206110000_labels', class: Migration20261206110000_labels },
  { name: 'Migration20261207100000_conversation_search', class: Migration20261207100000_conversation_search },
  { name: 'Migration20261207110000_private_notes', class: Migration20261207110000_private_notes },
];
