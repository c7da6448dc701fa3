// Retrieval quality on public data: StackFAQ (125 FAQs, 625 dev paraphrase
// queries), local provider, embedded PGlite (which has pgvector), comparing
//   (a) vector only  — exact hashed-embedding cosine over every chunk,
//   (b) ts_rank_cd   — PostgreSQL full text over OR-ed terms (the previous lexical leg, kept for comparison),
//   (c) BM25 only    — the lexical leg of retrieve() (lexical-index.ts),
//   (d) hybrid       — retrieve() itself: both legs fused by normalised scores,
// on two splits of the queries: "dev" (4 of each FAQ's 5 paraphrases, where
// weights were chosen) and "held-out" (the 5th). With BENCH_SWEEP=1 also a
// sweep of the fusion weight and RRF on the dev split.
//
//   npm run bench -w @switchboard/api -- quality
//
// Environment (all optional):
//   BENCH_STACKFAQ_DIR   data directory (../../../../shared/data/stackfaq from this file)
//   BENCH_QUERIES_FILE   queries file in it (queries.dev.json)
//   BENCH_K              the k of hit@k and MRR@k (5, the default model configuration's k)
//   BENCH_SWEEP          1: sweep fusion weights on the dev split
//
// FAQs are created published and embedded by the real knowledge.embed handler
// (chunkFaq + the local hashed embedding), as the API would.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cosine, hitRateAtK, mrr, percentile, reciprocalRankFusion } from '@switchboard/ai';
import { AiProviders } from '../src/platform/ai.js';
import { loadConfig } from '../src/platform/config.js';
import { forkFor, migrate, type Orm } from '../src/platform/database.js';
import { createOrm } from '../src/app/database.js';
import { createLogger } from '../src/platform/logger.js';
import { createAppPubSub } from '../src/platform/pubsub.js';
import { InProcessJobRunner } from '../src/platform/jobs.js';
import { embedFaqJob } from '../src/modules/knowledge/embed.job.js';
import { alignEmbeddingSpace } from '../src/modules/knowledge/embedding-space.js';
import { Faq, FaqStatus } from '../src/modules/knowledge/faq.entity.js';
import { hasVectorSearch, retrieve } from '../src/modules/knowledge/retrieval.js';
import { lexicalIndexFor } from '../src/modules/knowledge/lexical-index.js';
import { stackfaqSplit } from './stackfaq.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
import { latencySummary, round, table } from './ai-corpus.js';

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

const SWEEP = env.BENCH_SWEEP === '1';

/** The previous lexical leg: OR-of-terms tsquery ranked by ts_rank_cd. */
const TS_RANK_SQL = `select c.id, c.faq_id from knowledge_chunk c join faq f on f.id = c.faq_id
  where c.workspace_id = ? and f.status = 'PUBLISHED' and c.tsv @@ to_tsquery('english', ?)
  order by ts_rank_cd(c.tsv, to_tsquery('english', ?)) desc, c.id limit 50`;
const orQuery = (text: string) => [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])].slice(0, 32).join(' | ');

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

  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: 'memory://',
    AI_PROVIDER: 'local',
    AI_AUTO_REPLY: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    ...(process.env.LOCAL_EMBEDDING ? { LOCAL_EMBEDDING: process.env.LOCAL_EMBEDDING } : {}),
  });
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
    const runner = new InProcessJobRunner(deps, new Map());
    await alignEmbeddingSpace({ ...deps, jobs: runner });
    const em = forkFor(orm, null);
    const workspace = em.create(Workspace, { name: 'StackFAQ quality' });
    const now = new Date();
    const rows = faqs.map((f) =>
      em.create(Faq, { workspace, question: f.question.slice(0, 500), answer: f.answer, status: FaqStatus.PUBLISHED, publishedAt: now }),
    );
    await em.flush();
    for (const f of rows) await embedFaqJob.handle({ workspaceId: workspace.id, faqId: f.id }, { ...deps, jobs: runner, attempt: 0, lastAttempt: true });
    await em.getConnection().execute('analyze');
    const datasetId = new Map(rows.map((r, i) => [r.id, faqs[i]!.id]));
    const chunks = await em
      .getConnection()
      .execute<{ id: string; faq_id: string; embedding: number[] | string }[]>('select id, faq_id, embedding from knowledge_chunk');
    const chunkVectors = chunks.map((c) => ({
      id: c.id,
      faqId: c.faq_id,
      v: Array.isArray(c.embedding) ? c.embedding.map(Number) : c.embedding.replace(/[{}]/g, '').split(',').map(Number),
    }));
    log(
      `PGlite with pgvector; ${faqs.length} StackFAQ FAQs → ${chunks.length} chunks (knowledge.embed, ${deps.ai.embedder.embeddingModel}) in ${round((performance.now() - t0) / 1000, 1)} s; ` +
        `${queries.length} queries from ${QUERIES_FILE}`,
    );

    const em2 = forkFor(orm, workspace.id);
    const index = await lexicalIndexFor(orm, em2, workspace.id);
    const toDataset = (ids: string[]) => ids.map((id) => datasetId.get(id)!).slice(0, DEPTH);
    const faqsOf = (chunkIds: string[]) => [...new Set(chunkIds.map((id) => index.chunk(id)!.faqId))];
    const methods = ['vector', 'tsRank', 'bm25', 'hybrid'] as const;
    const ranked = Object.fromEntries(methods.map((m) => [m, [] as string[][]])) as Record<(typeof methods)[number], string[][]>;
    const expected: string[][] = [];
    const latencies: number[] = [];
    const embeddings: number[][] = [];
    for (const q of queries) {
      const [embedding] = await deps.ai.embedder.embed([q.query]);
      embeddings.push(embedding!);
      const t = performance.now();
      const hits = await retrieve(orm, em2, workspace.id, q.query, embedding!, DEPTH, { weights: deps.ai.embedder.fusionWeights });
      latencies.push(performance.now() - t);
      ranked.hybrid.push(toDataset(hits.map((h) => h.faqId)));
      ranked.bm25.push(toDataset(faqsOf(index.search(q.query, 50).map((h) => h.id))));
      const tsq = orQuery(q.query);
      const ts = tsq ? await em2.execute<Row[]>(TS_RANK_SQL, [workspace.id, tsq, tsq]) : [];
      ranked.tsRank.push(toDataset(faqOrder(ts)));
      const exact = chunkVectors.map((c) => ({ faqId: c.faqId, s: cosine(embedding!, c.v) })).sort((a, b) => b.s - a.s);
      ranked.vector.push(toDataset([...new Set(exact.map((e) => e.faqId))]));
      expected.push([q.faqId]);
    }
    const split = queries.map((_, i) => stackfaqSplit(i));
    const pick = <T>(xs: T[], part: string) => xs.filter((_, i) => split[i] === part);
    const results: Record<string, Record<string, ReturnType<typeof metrics>>> = {};
    for (const part of ['dev', 'heldOut']) {
      results[part] = Object.fromEntries(methods.map((m) => [m, metrics(pick(ranked[m], part), pick(expected, part))]));
    }
    const labels: Record<(typeof methods)[number], string> = {
      vector: `(a) vector only (${deps.ai.embedder.embeddingModel}, exact cosine)`,
      tsRank: '(b) PostgreSQL ts_rank_cd over OR-ed terms (previous lexical leg)',
      bm25: '(c) BM25 only (lexical leg of retrieve())',
      hybrid: '(d) hybrid, normalised-score fusion (retrieve())',
    };
    for (const part of ['dev', 'heldOut']) {
      log(`\nStackFAQ ${QUERIES_FILE}, ${part} split (${pick(expected, part).length} queries), local provider, k = ${K}:\n`);
      log(
        table(
          ['method', 'hit@1', `hit@${K}`, 'hit@10', `MRR@${K}`, 'MRR@10'],
          methods.map((m) => [labels[m], ...Object.values(results[part]![m]!)]),
        ),
      );
    }
    if (SWEEP) {
      log('\nFusion sweep on the dev split (MRR@5 / hit@1 / hit@5):');
      const dev = (i: number) => split[i] === 'dev';
      for (const vw of [0, 0.2, 0.3, 0.4, 0.5, 0.6, 1]) {
        const rows: string[][] = [];
        for (const [i, q] of queries.entries()) {
          if (!dev(i)) continue;
          const hits = await retrieve(orm, em2, workspace.id, q.query, embeddings[i]!, DEPTH, { weights: { lexical: 1 - vw, vector: vw } });
          rows.push(toDataset(hits.map((h) => h.faqId)));
        }
        const m = metrics(rows, pick(expected, 'dev'));
        log(`  normalised, vector weight ${vw}: ${m.mrrAtK} / ${m.hitAt1} / ${m.hitAtK}`);
      }
      const rrfRows: string[][] = [];
      for (const [i, q] of queries.entries()) {
        if (!dev(i)) continue;
        const lex = index.search(q.query, 50).map((h) => ({ id: h.id, score: h.score }));
        const vec = chunkVectors
          .map((c) => ({ id: c.id, score: cosine(embeddings[i]!, c.v) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 50);
        rrfRows.push(toDataset(faqsOf(reciprocalRankFusion([lex, vec]).map((f) => f.id))));
      }
      const m = metrics(rrfRows, pick(expected, 'dev'));
      log(`  RRF k=60: ${m.mrrAtK} / ${m.hitAt1} / ${m.hitAtK}`);
    }
    const lat = latencySummary(latencies);
    log(`\nretrieve() on PGlite (${chunks.length} chunks): p50 ${lat.p50} ms, p95 ${lat.p95} ms`);
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
      retrieveMs: { p50: lat.p50, p95: lat.p95, p99: round(percentile(latencies, 99)) },
      elapsedS: round((performance.now() - started) / 1000, 1),
    };
    log(`\nRESULT ${JSON.stringify(result)}`);
  } finally {
    await orm?.close(true).catch((err) => console.error('orm close failed', err));
    await pubSub.close();
  }
}
