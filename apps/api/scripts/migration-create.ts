// Generates the next migration from the difference between the entities and
// the schema that the existing migrations produce (on a throw-away in-memory database).
import 'reflect-metadata';
import { resolve } from 'node:path';
import { createOrm } from '../src/platform/database.js';

const orm = await createOrm({ dataDir: 'memory://' });
await orm.migrator.up();
const result = await orm.migrator.create(resolve(import.meta.dirname, '../src/migrations'), false, false, process.argv[2]);
console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
console.log(result.diff.up.join('\n'));
// knowledge_chunk.embedding_v (pgvector) exists only where the server has the
// extension and is not mapped: drop any statements the diff makes about it.
if (result.diff.up.some((l) => l.includes('embedding_v'))) console.warn('NOTE: remove the embedding_v statements from the generated migration');
await orm.close();
