// Hybrid retrieval over published FAQ chunks: a BM25 lexical leg (an
// in-process index per workspace, see lexical-index.ts) and a vector leg
// (pgvector cosine with HNSW where the server has the extension), fused by
// normalised-score fusion. Every hit carries both legs' evidence (BM25 share,
// query-term coverage, cosine) and its fused score, which the answer-or-handoff
// decision reads. Without pgvector the vector leg re-scores the lexical
// candidates from their stored real[] embeddings. Two statements per search:
// the index stamp (at most once a second, see lexical-index.ts) and the vector leg.
//
// Vector search always returns its nearest chunks, however far: callers that
// show results to people (knowledge search) pass `minSimilarity` so that a hit
// found only by the vector leg must be at least that close to the query.
// Lexical matches are always kept. The RAG answer path passes no floor: its
// provider decides from the evidence.
import { cosine, fuseNormalized, type FusionWeights, type KnowledgeChunk as RetrievedChunk } from '@switchboard/ai';
import type { Em, Orm } from '../../platform/database.js';
import { lexicalIndexFor } from './lexical-index.js';

const CANDIDATES = 50;
/** HNSW's default ef_search: what one index scan returns without a per-transaction setting. */
const VECTOR_CANDIDATES = 40;

/**
 * Cosine similarity below which a vector-only hit is noise, for callers that
 * show results to people. Measured with the `local` hashed embedding on
 * StackFAQ (125 FAQs / 161 chunks) and on the 6 demo FAQs: the best
 * vector-only similarity of nonsense strings is 0.17 at the median, 0.23 at
 * p90 and 0.30 at p99 in the 125-FAQ base (0.07 / 0.14 / 0.24 in the 6-FAQ
 * one); 0.25 leaves nonsense with a result in 7% / 1% of queries instead of
 * 100%.
 */
export const MEANINGFUL_SIMILARITY = 0.25;

export interface RetrieveOptions {
  /**
   * Drop hits that the lexical leg did not return and whose cosine
   * similarity is below this (see MEANINGFUL_SIMILARITY). Default: keep all.
   */
  minSimilarity?: number;
  /** Fusion weights (default DEFAULT_FUSION_WEIGHTS). */
  weights?: FusionWeights;
}

export interface RetrievalHit extends RetrievedChunk {
  /** Cosine similarity of the chunk to the query, 0..1. */
  similarity: number;
  /** Fused score (higher is better). */
  fused: number;
  /** Whether the lexical leg returned this chunk (some query term occurs in it). */
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

const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;

interface VectorRow {
  id: string;
  similarity: number | string;
}

const toNumbers = (v: number[] | string): number[] => (Array.isArray(v) ? v.map(Number) : v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number));

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
  const [index, useVector] = await Promise.all([lexicalIndexFor(orm, em, workspaceId), hasVectorSearch(orm, em)]);
  const lexical = index.search(query, CANDIDATES);
  const lexicalIds = uuidArray(lexical.map((l) => l.id));
  const q = vectorLiteral(queryEmbedding);
  // One statement: the nearest chunks (HNSW; at most its default ef_search of
  // 40) and the cosine of every lexical candidate.
  const vectorRows = useVector
    ? await em.execute<VectorRow[]>(
        `(select c.id, 1 - (c.embedding_v <=> ?::vector) as similarity
            from knowledge_chunk c join faq f on f.id = c.faq_id
           where c.workspace_id = ? and f.status = 'PUBLISHED'
           order by c.embedding_v <=> ?::vector, c.id
           limit ${VECTOR_CANDIDATES})
         union
         select id, 1 - (embedding_v <=> ?::vector) from knowledge_chunk where id = any(?::uuid[])`,
        [q, workspaceId, q, q, lexicalIds],
      )
    : lexical.length
      ? // Chunks still in another model's space (another length) are left to BM25 until re-embedded.
        (
          await em.execute<{ id: string; embedding: number[] | string }[]>(
            'select id, embedding from knowledge_chunk where id = any(?::uuid[]) and cardinality(embedding) = ?',
            [lexicalIds, queryEmbedding.length],
          )
        ).map((r) => ({ id: r.id, similarity: cosine(queryEmbedding, toNumbers(r.embedding)) }))
      : [];
  const similarity = new Map(vectorRows.map((r) => [r.id, Number(r.similarity)]));
  const lexicalById = new Map(lexical.map((l) => [l.id, l]));
  const fused = fuseNormalized(
    lexical.map((l) => ({ id: l.id, score: l.score })),
    [...similarity].map(([id, score]) => ({ id, score })),
    options.weights,
  );
  // Best chunk per FAQ, in fused order.
  const seenFaqs = new Set<string>();
  const hits: RetrievalHit[] = [];
  for (const f of fused) {
    const chunk = index.chunk(f.id);
    if (!chunk || seenFaqs.has(chunk.faqId)) continue; // a chunk written after the index was built
    const lex = lexicalById.get(f.id);
    const sim = Math.max(0, similarity.get(f.id) ?? 0);
    // A weak vector-only chunk is skipped, not the FAQ: another of its chunks may still qualify.
    if (minSimilarity != null && !lex && !(sim >= minSimilarity)) continue;
    seenFaqs.add(chunk.faqId);
    hits.push({
      chunkId: f.id,
      faqId: chunk.faqId,
      text: chunk.text,
      score: sim,
      similarity: sim,
      fused: f.score,
      textMatch: Boolean(lex),
      evidence: { fused: f.score, lexical: f.lexical, strength: lex?.strength ?? 0, coverage: lex?.coverage ?? 0, vector: sim },
    });
    if (hits.length >= limit) break;
  }
  return hits;
}
