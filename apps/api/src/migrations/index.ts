// Checked-in migrations, applied in order on start-up.
import { Migration20261121033512_initial } from './Migration20261121033512_initial.js';
import { Migration20261121050000_conversation_last_message } from './Migration20261121050000_conversation_last_message.js';
import { Migration20261121060000_ai } from './Migration20261121060000_ai.js';
import { Migration20261121070000_api_keys } from './Migration20261121070000_api_keys.js';

export const migrations = [
  { name: 'Migration20261121033512_initial', class: Migration20261121033512_initial },
  { name: 'Migration20261121050000_conversation_last_message', class: Migration20261121050000_conversation_last_message },
  { name: 'Migration20261121060000_ai', class: Migration20261121060000_ai },
  { name: 'Migration20261121070000_api_keys', class: Migration20261121070000_api_keys },
];
