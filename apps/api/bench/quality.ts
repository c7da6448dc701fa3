// Retrieval quality on public data: StackFAQ (125 FAQs, 625 dev paraphrase
// queries), local provider, embedded PGlite (which has pgvector), comparing
//   (a) vector only  — the hashed-embedding cosine search,
//   (b) full text only — the OR-of-terms tsquery ranked by ts_rank_cd
//       (also what retrieve() returns on a PostgreSQL server without pgvector),
//   (c) hybrid — retrieve() itself: both lists fused by reciprocal rank fusion.
// (a) and (b) are not re-implemented: each query goes through the real
// retrieve() on a recording EntityManager, and the rows its vector and its
// full-text statements returned are ranked on their own (best chunk per FAQ,
// in the statement's order). An exact vector ranking (cosine in JS over every
// chunk) is added as a check on the HNSW/sequential path the planner picked.
//
//   npm run bench -w @switchboard/api -- quality
//
// Environment (all optional):
//   BENCH_STACKFAQ_DIR   data directory (../../../../shared/data/stackfaq from this file)
//   BENCH_QUERIES_FILE   queries file in it (queries.dev.json)
//   BENCH_K              the k of hit@k and MRR@k (5, the default model configuration's k)
//
// FAQs are created published and embedded by the real knowledge.embed handler
// (chunkFaq + the local hashed embedding), as the API would.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cosine, hitRateAtK, mrr, percentile } from '@switchboard/ai';
import { AiProviders } from '../src/platform/ai.js';
import { loadConfig } from '../src/platform/config.js';
import { createOrm, forkFor, migrate, type Orm } from '../src/platform/database.js';
import { createLogger } from '../src/platform/logger.js';
import { createAppPubSub } from '../src/platform/pubsub.js';
import { InProcessJobRunner } from '../src/platform/jobs.js';
import { embedFaqJob } from '../src/modules/knowledge/embed.job.js';
import { Faq, FaqStatus } from '../src/modules/knowledge/faq.entity.js';
import { hasVectorSearch, retrieve } from '../src/modules/knowledge/retrieval.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
import { latencySummary, recordingEm, round, table } from './ai-corpus.js';

const env = process.env;
const DATA = env.BENCH_STACKFAQ_DIR ?? resolve(import.meta.dirname, '../../../../shared/data/stackfaq');
const QUERIES_FILE = env.BENCH_QUERIES_FILE ?? 'queries.dev.json';
const K = env.BENCH_K ? Number(env.BENCH_K) : 5;
/** Retrieval depth: enough for hit@10 and MRR@10 next to the k-sized figures. */
const DEPTH = Math.max(10, K);

const log = (...args: unknown[]) => console.log(...args);

interface Row {
  id: string;
  faq_id: string;
}

/** FAQ ids in first-appearance order (the best chunk of each FAQ). */
const faqOrder = (rows: Row[]) => [...new Set(rows.map((r) => r.faq_id))];

const kindOf = (sql: string) => (sql.includes('<=>') ? 'vector' : sql.includes('tsv @@') ? 'text' : 'other');

function metrics(results: string[][], expected: string[][]) {
  const cut = (k: number) => results.map((r) => r.slice(0, k));
  return {
    hitAt1: round(hitRateAtK(results, expected, 1), 3),
    hitAtK: round(hitRateAtK(results, expected, K), 3),
    hitAt10: round(hitRateAtK(results, expected, 10), 3),
    mrrAtK: round(mrr(cut(K), expected), 3),
    mrrAt10: round(mrr(cut(10), expected), 3),
  };
}

export async function main() {
  const started = performance.now();
  if (!existsSync(resolve(DATA, 'faqs.json'))) throw new Error(`StackFAQ data not found in ${DATA} (set BENCH_STACKFAQ_DIR)`);
  const faqs = JSON.parse(readFileSync(resolve(DATA, 'faqs.json'), 'utf8')) as { id: string; question: string; answer: string }[];
  const queries = JSON.parse(readFileSync(resolve(DATA, QUERIES_FILE), 'utf8')) as { query: string; faqId: string }[];

  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: 'memory://', AI_PROVIDER: 'local', AI_AUTO_REPLY: 'false', SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
  const pubSub = createAppPubSub();
  let orm: Orm | null = null;
  try {
    orm = await createOrm({ dataDir: 'memory://' });
    await migrate(orm);
    const deps = { orm, logger: createLogger('silent'), pubSub: pubSub.pubSub, config, ai: new AiProviders(config) };
    const vector = await hasVectorSearch(orm, forkFor(orm, null));
    if (!vector) throw new Error('this PGlite has no pgvector column; the vector-only and hybrid figures need it');

    // Seed: published FAQs, embedded by the real handler.
    const t0 = performance.now();
    const em = forkFor(orm, null);
    const workspace = em.create(Workspace, { name: 'StackFAQ quality' });
    const now = new Date();
    const rows = faqs.map((f) => em.create(Faq, { workspace, question: f.question.slice(0, 500), answer: f.answer, status: FaqStatus.PUBLISHED, publishedAt: now }));
    await em.flush();
    const runner = new InProcessJobRunner(deps, new Map());
    for (const f of rows) await embedFaqJob.handle({ workspaceId: workspace.id, faqId: f.id }, { ...deps, jobs: runner, attempt: 0, lastAttempt: true });
    await em.getConnection().execute('analyze');
    const datasetId = new Map(rows.map((r, i) => [r.id, faqs[i]!.id]));
    const chunks = await em.getConnection().execute<{ faq_id: string; embedding: number[] | string }[]>('select faq_id, embedding from knowledge_chunk');
    const chunkVectors = chunks.map((c) => ({
      faqId: c.faq_id,
      v: Array.isArray(c.embedding) ? c.embedding.map(Number) : c.embedding.replace(/[{}]/g, '').split(',').map(Number),
    }));
    log(`PGlite with pgvector; ${faqs.length} StackFAQ FAQs → ${chunks.length} chunks (knowledge.embed, local-hashed) in ${round((performance.now() - t0) / 1000, 1)} s; ` +
      `${queries.length} queries from ${QUERIES_FILE}`);

    const expected: string[][] = [];
    const ranked = { vector: [] as string[][], text: [] as string[][], hybrid: [] as string[][], exact: [] as string[][] };
    const latencies: number[] = [];
    const paths = new Map<string, number>();
    let vectorRows = 0;
    let textRows = 0;
    for (const [i, q] of queries.entries()) {
      const [embedding] = await deps.ai.embedder.embed([q.query]);
      const rec = recordingEm(orm, workspace.id);
      const t = performance.now();
      const hits = await retrieve(orm, rec.em, workspace.id, q.query, embedding!, DEPTH);
      latencies.push(performance.now() - t);
      const of = (kind: string) => (rec.captured.find((c) => kindOf(c.sql) === kind)?.result ?? []) as Row[];
      const toDataset = (ids: string[]) => ids.map((id) => datasetId.get(id)!).slice(0, DEPTH);
      vectorRows += of('vector').length;
      textRows += of('text').length;
      ranked.vector.push(toDataset(faqOrder(of('vector'))));
      ranked.text.push(toDataset(faqOrder(of('text'))));
      ranked.hybrid.push(toDataset(hits.map((h) => h.faqId)));
      const exact = chunkVectors.map((c) => ({ faqId: c.faqId, s: cosine(embedding!, c.v) })).sort((a, b) => b.s - a.s);
      ranked.exact.push(toDataset([...new Set(exact.map((e) => e.faqId))]));
      expected.push([q.faqId]);
      if (i % 25 === 0) {
        const stmt = rec.captured.find((c) => kindOf(c.sql) === 'vector')!;
        const plan = await forkFor(orm, workspace.id).execute<Record<string, string>[]>(`explain ${stmt.sql}`, stmt.params as never[]);
        const text = plan.map((r) => Object.values(r)[0]).join('\n');
        const path = /Index Scan using knowledge_chunk_embedding_v_hnsw/.test(text) ? 'HNSW index scan' : /Seq Scan on knowledge_chunk/.test(text) ? 'sequential scan (exact)' : 'other';
        paths.set(path, (paths.get(path) ?? 0) + 1);
      }
    }

    const results = {
      vectorOnly: metrics(ranked.vector, expected),
      vectorExact: metrics(ranked.exact, expected),
      fullTextOnly: metrics(ranked.text, expected),
      hybrid: metrics(ranked.hybrid, expected),
    };
    const lat = latencySummary(latencies);
    log(`\nStackFAQ ${QUERIES_FILE} (${queries.length} queries), local provider, k = ${K}:\n`);
    log(table(
      ['method', 'hit@1', `hit@${K}`, 'hit@10', `MRR@${K}`, 'MRR@10'],
      [
        ['(a) vector only (hashed embedding, SQL as retrieve() sends it)', ...Object.values(results.vectorOnly)],
        ["    vector only, exact (JS cosine over every chunk)", ...Object.values(results.vectorExact)],
        ['(b) full-text only (retrieve()\'s tsquery; = PostgreSQL without pgvector)', ...Object.values(results.fullTextOnly)],
        ['(c) hybrid RRF (retrieve())', ...Object.values(results.hybrid)],
      ],
    ));
    const planSummary = Object.fromEntries(paths);
    log(`\nvector statement plan on every 25th query: ${JSON.stringify(planSummary)}; rows per query: vector ${round(vectorRows / queries.length, 1)}, full-text ${round(textRows / queries.length, 1)}`);
    log(`retrieve() on PGlite: p50 ${lat.p50} ms, p95 ${lat.p95} ms`);
    const result = {
      bench: 'quality',
      dataset: `stackfaq/${QUERIES_FILE}`,
      faqs: faqs.length,
      chunks: chunks.length,
      queries: queries.length,
      k: K,
      provider: 'local',
      database: 'pglite+pgvector',
      ...results,
      vectorPlan: planSummary,
      retrieveMs: { p50: lat.p50, p95: lat.p95, p99: round(percentile(latencies, 99)) },
      elapsedS: round((performance.now() - started) / 1000, 1),
    };
    log(`\nRESULT ${JSON.stringify(result)}`);
  } finally {
    await orm?.close(true).catch((err) => console.error('orm close failed', err));
    await pubSub.close();
  }
}
