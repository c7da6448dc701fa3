// Hybrid retrieval over published FAQ chunks: pgvector cosine (HNSW) where
// the server has the extension, PostgreSQL full-text always, fused by
// reciprocal rank fusion. Every hit also carries its cosine similarity to the
// query (computed in SQL or, without pgvector, from the stored real[] vector),
// which the AI layer reads as evidence strength.
import { cosine, reciprocalRankFusion, type KnowledgeChunk as RetrievedChunk } from '@switchboard/ai';
import type { Em, Orm } from '../../platform/database.js';

const CANDIDATES = 50;

export interface RetrievalHit extends RetrievedChunk {
  /** Cosine similarity of the chunk to the query, 0..1. */
  similarity: number;
  /** Fused rank score (higher is better). */
  fused: number;
}

const vectorSupport = new WeakMap<object, Promise<boolean>>();

/** Whether this database has the pgvector column (decided by the migration). */
export function hasVectorSearch(orm: Orm, em: Em): Promise<boolean> {
  let known = vectorSupport.get(orm);
  if (!known) {
    known = em
      .execute<{ n: number }[]>(
        "select count(*)::int as n from information_schema.columns where table_name = 'knowledge_chunk' and column_name = 'embedding_v'",
      )
      .then((rows) => (rows[0]?.n ?? 0) > 0);
    vectorSupport.set(orm, known);
  }
  return known;
}

export const vectorLiteral = (v: number[]) => `[${v.map((x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;

/** OR-of-terms tsquery text from free text (websearch_to_tsquery would AND every word). */
function orQuery(text: string): string | null {
  const terms = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])].slice(0, 32);
  return terms.length ? terms.join(' | ') : null;
}

interface ChunkRow {
  id: string;
  faq_id: string;
  text: string;
  embedding: number[] | string;
  similarity?: number;
}

const toNumbers = (v: number[] | string): number[] =>
  Array.isArray(v) ? v.map(Number) : v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);

export async function retrieve(
  orm: Orm,
  em: Em,
  workspaceId: string,
  query: string,
  queryEmbedding: number[],
  limit: number,
): Promise<RetrievalHit[]> {
  const tsq = orQuery(query);
  const useVector = await hasVectorSearch(orm, em);
  const [textRows, vectorRows] = await Promise.all([
    tsq
      ? em.execute<ChunkRow[]>(
          `select c.id, c.faq_id, c.text, c.embedding
             from knowledge_chunk c join faq f on f.id = c.faq_id
            where c.workspace_id = ? and f.status = 'PUBLISHED' and c.tsv @@ to_tsquery('english', ?)
            order by ts_rank_cd(c.tsv, to_tsquery('english', ?)) desc, c.id
            limit ${CANDIDATES}`,
          [workspaceId, tsq, tsq],
        )
      : Promise.resolve([] as ChunkRow[]),
    useVector
      ? em.transactional(async (tx) => {
          // HNSW returns at most ef_search rows (40 by default): widen it to the candidates we want.
          await tx.execute(`set local hnsw.ef_search = ${2 * CANDIDATES}`);
          return tx.execute<ChunkRow[]>(
            `select c.id, c.faq_id, c.text, c.embedding, 1 - (c.embedding_v <=> ?::vector) as similarity
               from knowledge_chunk c join faq f on f.id = c.faq_id
              where c.workspace_id = ? and f.status = 'PUBLISHED'
              order by c.embedding_v <=> ?::vector, c.id
              limit ${CANDIDATES}`,
            [vectorLiteral(queryEmbedding), workspaceId, vectorLiteral(queryEmbedding)],
          );
        })
      : Promise.resolve([] as ChunkRow[]),
  ]);
  const rows = new Map<string, ChunkRow>();
  for (const r of [...textRows, ...vectorRows]) if (!rows.has(r.id)) rows.set(r.id, r);
  const fused = reciprocalRankFusion([
    textRows.map((r, i) => ({ id: r.id, score: CANDIDATES - i })),
    vectorRows.map((r) => ({ id: r.id, score: Number(r.similarity ?? 0) })),
  ]);
  // Best chunk per FAQ, in fused order.
  const seenFaqs = new Set<string>();
  const hits: RetrievalHit[] = [];
  for (const { id, score } of fused) {
    const row = rows.get(id)!;
    if (seenFaqs.has(row.faq_id)) continue;
    seenFaqs.add(row.faq_id);
    const similarity = Math.max(0, row.similarity != null ? Number(row.similarity) : cosine(queryEmbedding, toNumbers(row.embedding)));
    hits.push({ chunkId: row.id, faqId: row.faq_id, text: row.text, score: similarity, similarity, fused: score });
    if (hits.length >= limit) break;
  }
  return hits;
}
