// Hybrid retrieval over published FAQ chunks: pgvector cosine (HNSW) where
// the server has the extension, PostgreSQL full-text always, fused by
// reciprocal rank fusion. Every hit also carries its cosine similarity to the
// query (computed in SQL or, without pgvector, from the stored real[] vector),
// which the AI layer reads as evidence strength.
//
// Vector search always returns its nearest chunks, however far: callers that
// show results to people (knowledge search) pass `minSimilarity` so that a hit
// found only by the vector leg must be at least that close to the query.
// Full-text matches are always kept. The RAG answer path passes no floor: its
// provider decides from the scores (the local provider's confidence withholds
// answers below its own top-score floor), and its hit@k/MRR are unchanged.
import { cosine, reciprocalRankFusion, type KnowledgeChunk as RetrievedChunk } from '@switchboard/ai';
import type { Em, Orm } from '../../platform/database.js';

const CANDIDATES = 50;

/**
 * Cosine similarity below which a vector-only hit is noise, for callers that
 * show results to people. Measured with the `local` hashed embedding (scratch
 * analysis on StackFAQ, 125 FAQs / 161 chunks, and on the 6 demo FAQs): the
 * best vector-only similarity of nonsense strings is 0.17 at the median, 0.23
 * at p90 and 0.30 at p99 in the 125-FAQ base (0.07 / 0.14 / 0.24 in the 6-FAQ
 * one), and off-topic banking questions look the same; correct FAQs reached by
 * the vector leg alone (typo'd paraphrases, in the top 5) sit at 0.10..0.39,
 * median 0.23.
 * 0.25 — also the local provider's own "unrelated text still reaches ~0.25"
 * answer floor (LOCAL_CONFIDENCE.floor) — leaves nonsense with a result in
 * 7% (125 FAQs) / 1% (6 FAQs) of queries instead of 100%. Untyped paraphrases
 * are unaffected (their FAQ always matches by full text); on typo'd ones
 * search hit@5 drops from 0.43 to 0.38 (MRR@5 0.29 to 0.27).
 */
export const MEANINGFUL_SIMILARITY = 0.25;

export interface RetrieveOptions {
  /**
   * Drop hits that the full-text leg did not return and whose cosine
   * similarity is below this (see MEANINGFUL_SIMILARITY). Default: keep all.
   */
  minSimilarity?: number;
}

export interface RetrievalHit extends RetrievedChunk {
  /** Cosine similarity of the chunk to the query, 0..1. */
  similarity: number;
  /** Fused rank score (higher is better). */
  fused: number;
  /** Whether the full-text leg returned this FAQ's chunk (the query's words occur in it). */
  textMatch: boolean;
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
  options: RetrieveOptions = {},
): Promise<RetrievalHit[]> {
  const { minSimilarity } = options;
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
  const textIds = new Set(textRows.map((r) => r.id));
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
    const similarity = Math.max(0, row.similarity != null ? Number(row.similarity) : cosine(queryEmbedding, toNumbers(row.embedding)));
    const textMatch = textIds.has(id);
    // A weak vector-only chunk is skipped, not the FAQ: another of its chunks may still qualify.
    if (minSimilarity != null && !textMatch && !(similarity >= minSimilarity)) continue;
    seenFaqs.add(row.faq_id);
    hits.push({ chunkId: row.id, faqId: row.faq_id, text: row.text, score: similarity, similarity, fused: score, textMatch });
    if (hits.length >= limit) break;
  }
  return hits;
}
