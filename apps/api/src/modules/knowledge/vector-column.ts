// pgvector's column is declared with a dimension, the embedder's. When the
// configured embedder's dimension differs (another provider or model, or
// LOCAL_EMBEDDING changed), the column is retyped, emptied, and its HNSW index
// rebuilt: once, under an advisory lock, by whichever process starts first with
// the new setting (embedding-space.ts). Only start-up does it, never a job: in
// a rolling deploy an old worker would otherwise retype it back.
import { forkFor, type Em, type Orm } from '../../platform/database.js';
import { hasVectorSearch } from './retrieval.js';

const HNSW_INDEX = 'knowledge_chunk_embedding_v_hnsw';
/** pgvector's HNSW indexes `vector` columns of at most this many dimensions; above it the search scans. */
const HNSW_MAX_DIMENSIONS = 2000;
const TYPMOD_SQL = "select atttypmod as typmod from pg_attribute where attrelid = 'knowledge_chunk'::regclass and attname = 'embedding_v'";

const aligned = new WeakMap<Orm, number>();

/** The dimension pgvector's column is declared with (null without pgvector). */
export async function vectorColumnDimensions(orm: Orm, em: Em = forkFor(orm, null)): Promise<number | null> {
  if (!(await hasVectorSearch(orm, em))) return null;
  const rows = await em.execute<{ typmod: number }[]>(TYPMOD_SQL);
  return rows[0] ? Number(rows[0].typmod) : null;
}

/**
 * Makes the vector column hold `dimensions`-long vectors. Returns the
 * dimension it had (null without pgvector) and whether this call retyped it.
 */
export async function ensureVectorColumn(orm: Orm, dimensions: number): Promise<{ previous: number | null; resized: boolean }> {
  if (aligned.get(orm) === dimensions) return { previous: dimensions, resized: false };
  const em = forkFor(orm, null);
  const previous = await vectorColumnDimensions(orm, em);
  let resized = false;
  if (previous !== null && previous !== dimensions) {
    await em.transactional(async (tx) => {
      await tx.execute("select pg_advisory_xact_lock(hashtext('switchboard.knowledge_chunk.embedding_v'))");
      if (Number((await tx.execute<{ typmod: number }[]>(TYPMOD_SQL))[0]?.typmod) === dimensions) return; // another process did it
      await tx.execute(`drop index if exists "${HNSW_INDEX}"`);
      await tx.execute(`alter table "knowledge_chunk" alter column "embedding_v" type vector(${dimensions}) using null`);
      if (dimensions <= HNSW_MAX_DIMENSIONS) {
        await tx.execute(`create index "${HNSW_INDEX}" on "knowledge_chunk" using hnsw ("embedding_v" vector_cosine_ops)`);
      }
      resized = true;
    });
  }
  aligned.set(orm, dimensions);
  return { previous, resized };
}
