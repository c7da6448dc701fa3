// Generates the next migration from the difference between the entities and
// the schema that the existing migrations produce (on a throw-away in-memory
// database): `npm run migration:create -w @switchboard/api -- <name>`.
//
// Some schema is written by hand in migrations and has no entity: the
// pgvector column and its index, the analytics trigger, rollup tables and
// partial or covering indexes. The diff would drop them; those statements are
// taken out of the generated file (and a file left empty is removed).
import 'reflect-metadata';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createOrm } from '../src/app/database.js';

const HAND_WRITTEN = [
  'embedding_v',
  'knowledge_chunk_embedding_v_hnsw',
  'message_reply_facts',
  'analytics_rollup_state',
  'message_rollup_hourly',
  'message_dimension_rollup',
  'conversation_rollup',
  'conversation_retention_index',
  'message_ai_usage_index',
  'message_created_at_index',
  'message_workspace_id_created_at_author_type_index',
  'ticket_first_response_sweep_index',
  'ticket_resolution_sweep_index',
];
const handWritten = (line: string) => HAND_WRITTEN.some((name) => line.includes(name));

const dir = resolve(import.meta.dirname, '../src/migrations');
const orm = await createOrm({ dataDir: 'memory://' });
try {
  await orm.migrator.up();
  const result = await orm.migrator.create(dir, false, false, process.argv[2]);
  const kept = result.diff.up.filter((l) => l.trim() && !handWritten(l));
  if (!result.fileName) {
    console.log('no changes');
  } else if (!kept.length) {
    unlinkSync(resolve(dir, result.fileName));
    console.log('no changes (only statements about hand-written schema, left out)');
  } else {
    const file = resolve(dir, result.fileName);
    const text = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !(line.includes('this.addSql(') && handWritten(line)))
      .join('\n');
    writeFileSync(file, text);
    console.log(`created ${result.fileName} (add it to src/migrations/index.ts):\n${kept.join('\n')}`);
  }
} finally {
  await orm.close();
}
