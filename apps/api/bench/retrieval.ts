// Knowledge retrieval latency: the real `retrieve()` (modules/knowledge/
// retrieval.ts) over synthetic FAQ chunks, at two corpus sizes, on embedded
// PGlite (hybrid: pgvector HNSW + full-text, fused by RRF) and on a PostgreSQL
// server without pgvector (full-text path). On PGlite also the vector search's
// recall@10: HNSW index scan against an exact sequential scan, each path
// confirmed with EXPLAIN (tie-aware: a neighbour counts when it is no farther
// than the exact 10th one).
//
//   npm run bench -w @switchboard/api -- retrieval
//
// Environment (all optional):
//   BENCH_DATABASE_URL    admin URL; a fresh sb_bench_<random> database is created and dropped
//                         (default postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_SIZES           chunk counts, ascending (1000,50000)
//   BENCH_TARGETS         pglite,postgres (both)
//   BENCH_QUERIES         measured retrieve() calls per size and target (200), after BENCH_WARMUP (20)
//   BENCH_PHASE_S         stop measuring a phase after this many seconds (20)
//   BENCH_RECALL_QUERIES  queries for recall@10 (100), at most BENCH_RECALL_S seconds (12) per size
//   BENCH_EF_SEARCH       a second hnsw.ef_search to measure recall at (100; the default is 40)
//   BENCH_K               retrieve() limit (5, the default model configuration's k)
//   BENCH_SEED            corpus seed (42)
//
// Corpus: support-style FAQs (question + 1..n sentence answer) from a seeded
// generator with a Zipf-distributed long-tail vocabulary (~1.5k product and
// ~2.5k feature names over ~70 nouns and ~30 verbs with synonyms), chunked by
// chunkFaq as the embed job does, embedded with the local hashed embedding;
// rows are written with the embed job's columns in multi-row INSERTs, all in
// one workspace, all FAQs published. Queries are customer-style paraphrases
// (synonyms, other phrasing) of FAQs in the loaded corpus.
//
// Loading: the first size is inserted with every index in place (the embed
// job's situation, and its rows/s is reported); for the larger sizes the HNSW
// index is dropped, rows bulk-loaded and the index rebuilt with the migration's
// definition (PGlite maintains HNSW at 3-7 ms per inserted row, growing with
// the index: over 5 min for 50k). The resulting table and indexes are the same.
// Seeding writes through the database client with bound parameters (see
// bulkRunner in ai-corpus.ts); every measured query goes through MikroORM.
import 'reflect-metadata';
import { hashedEmbedding, percentile } from '@switchboard/ai';
import { forkFor, migrate, isPglite, type Em, type Orm } from '../src/platform/database.js';
import { createOrm } from '../src/app/database.js';
import { hasVectorSearch, retrieve } from '../src/modules/knowledge/retrieval.js';
import { createScratchDatabase, type ScratchDatabase } from '../test/scratch-database.js';
import {
  assertSameEmbedding,
  cachedHashedEmbedder,
  insertChunks,
  insertFaqs,
  insertWorkspace,
  latencySummary,
  paraphrase,
  recordingEm,
  rng,
  round,
  syntheticChunks,
  table,
  type Captured,
  type ChunkRecord,
  type SyntheticFaq,
} from './ai-corpus.js';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (env.BENCH_SIZES ?? '1000,50000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const TARGETS = (env.BENCH_TARGETS ?? 'pglite,postgres').split(',');
const QUERIES = num('BENCH_QUERIES', 200);
const WARMUP = num('BENCH_WARMUP', 20);
const PHASE_MS = num('BENCH_PHASE_S', 20) * 1000;
const RECALL_QUERIES = num('BENCH_RECALL_QUERIES', 100);
const RECALL_MS = num('BENCH_RECALL_S', 12) * 1000;
const EF_WIDE = num('BENCH_EF_SEARCH', 100);
const K = num('BENCH_K', 5);
const SEED = num('BENCH_SEED', 42);
const HNSW_INDEX = 'knowledge_chunk_embedding_v_hnsw';
const HNSW_DDL = `create index "${HNSW_INDEX}" on "knowledge_chunk" using hnsw ("embedding_v" vector_cosine_ops)`;

const log = (...args: unknown[]) => console.log(...args);
const ms = (t0: number) => performance.now() - t0;

/** Plans quote the 256-dimension query vector three times; keep them readable. */
const shortPlan = (plan: string) => plan.replace(/'\[[-0-9.,e]+\]'::vector/g, "'[…]'::vector");

const kindOf = (sql: string) => (sql.includes('<=>') ? 'vector' : sql.includes('tsv @@') ? 'text' : 'other');

async function explain(em: Em, sql: string, params: unknown[], settings: string[] = []): Promise<string> {
  return em.transactional(async (tx) => {
    for (const s of settings) await tx.execute(`set local ${s}`);
    const rows = await tx.execute<Record<string, string>[]>(`explain (analyze, costs off, timing off, summary off) ${sql}`, params as never[]);
    return rows.map((r) => Object.values(r)[0]).join('\n');
  });
}

/** "Index Scan using X" / "Seq Scan on knowledge_chunk" / ... : the access path to knowledge_chunk in a plan. */
function accessPath(plan: string): string {
  const line = plan
    .split('\n')
    .find((l) => /(Index Scan|Index Only Scan|Bitmap Heap Scan|Seq Scan).*knowledge_chunk\b/.test(l) || /using knowledge_chunk_/.test(l));
  if (!line) return 'unknown';
  const m = line.match(/(Index Scan using \S+|Index Only Scan using \S+|Bitmap Index Scan on \S+|Bitmap Heap Scan on \S+|Seq Scan on \S+)/);
  return m ? m[1]! : line.trim();
}

interface Query {
  text: string;
  embedding: number[];
  faqId: string;
}

function makeQueries(faqs: (SyntheticFaq & { id: string })[], count: number, seed: number): Query[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const f = faqs[r.int(faqs.length)]!;
    const text = paraphrase(r, f);
    return { text, embedding: hashedEmbedding(text), faqId: f.id };
  });
}

interface PhaseResult {
  target: 'pglite' | 'postgres';
  mode: 'hybrid' | 'full-text';
  chunks: number;
  faqs: number;
  load: { ms: number; rowsPerS: number; indexBuildMs?: number; how: string };
  retrieve: ReturnType<typeof latencySummary>;
  /** Per-statement time inside retrieve() (PGlite runs the two statements one after the other). */
  statements: Record<string, { p50: number; p95: number; meanRows: number }>;
  plans: Record<string, string>;
  syntheticHitAt1: number;
  syntheticHitAtK: number;
  recall?: RecallResult;
}

interface RecallResult {
  queries: number;
  /** Pure vector top-10 via the HNSW index (hnsw.ef_search default) vs exact. */
  hnswRecallAt10: number;
  /** The same with hnsw.ef_search = EF_WIDE. */
  hnswWideRecallAt10: number;
  hnswWideP50Ms: number;
  /** retrieve()'s own vector statement (as the planner runs it), its first 10 rows vs exact. */
  retrieveVectorRecallAt10: number;
  exactP50Ms: number;
  hnswP50Ms: number;
  paths: { exact: string; hnsw: string; retrieveVector: string };
  efSearch: string;
}

async function measure(orm: Orm, workspaceId: string, queries: Query[]) {
  const { em, captured } = recordingEm(orm, workspaceId);
  const latencies: number[] = [];
  const perKind = new Map<string, { ms: number[]; rows: number[] }>();
  let hit1 = 0;
  let hitK = 0;
  const started = performance.now();
  let measured = 0;
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i]!;
    captured.length = 0;
    em.clear();
    const t0 = performance.now();
    const hits = await retrieve(orm, em, workspaceId, q.text, q.embedding, K);
    const elapsed = ms(t0);
    if (i < WARMUP) continue;
    measured++;
    latencies.push(elapsed);
    if (hits[0]?.faqId === q.faqId) hit1++;
    if (hits.some((h) => h.faqId === q.faqId)) hitK++;
    // Own time of each statement: from when it started or the previous one ended, whichever is later.
    let prevEnd = 0;
    for (const c of [...captured].sort((a, b) => a.endedAt - b.endedAt)) {
      const kind = kindOf(c.sql);
      const entry = perKind.get(kind) ?? { ms: [], rows: [] };
      entry.ms.push(c.endedAt - Math.max(c.startedAt, prevEnd));
      entry.rows.push(c.rows);
      perKind.set(kind, entry);
      prevEnd = c.endedAt;
    }
    if (ms(started) > PHASE_MS && measured >= 20) break;
  }
  // EXPLAIN the statements retrieve() sent for the last query.
  captured.length = 0;
  const last = queries[queries.length - 1]!;
  await retrieve(orm, em, workspaceId, last.text, last.embedding, K);
  const plans: Record<string, string> = {};
  for (const c of captured) if (/^\s*select/i.test(c.sql)) plans[kindOf(c.sql)] = await explain(forkFor(orm, workspaceId), c.sql, c.params);
  const statements = Object.fromEntries(
    [...perKind].map(([kind, v]) => [
      kind,
      { p50: round(percentile(v.ms, 50)), p95: round(percentile(v.ms, 95)), meanRows: round(v.rows.reduce((a, b) => a + b, 0) / v.rows.length, 1) },
    ]),
  );
  return {
    retrieve: latencySummary(latencies),
    statements,
    plans,
    syntheticHitAt1: round(hit1 / measured, 3),
    syntheticHitAtK: round(hitK / measured, 3),
    vectorSql: captured.find((c) => kindOf(c.sql) === 'vector'),
  };
}

async function recallAt10(orm: Orm, workspaceId: string, queries: Query[], retrieveVector?: Captured): Promise<RecallResult> {
  const em = forkFor(orm, workspaceId);
  const pure = `select c.id, c.embedding_v <=> ?::vector as distance from knowledge_chunk c where c.workspace_id = ? order by c.embedding_v <=> ?::vector limit 10`;
  const vec = (q: Query) => `[${q.embedding.join(',')}]`;
  // Exact: no index may be used, so a sequential scan computes every distance. HNSW: sequential
  // scans discouraged, so the planner takes the index even where a small table would not need it.
  const exactSettings = ['enable_indexscan = off', 'enable_bitmapscan = off'];
  const hnswSettings = ['enable_seqscan = off'];
  const run = (sql: string, params: unknown[], settings: string[]) =>
    em.transactional(async (tx) => {
      for (const s of settings) await tx.execute(`set local ${s}`);
      const t0 = performance.now();
      const rows = await tx.execute<{ id: string; distance?: number; similarity?: number }[]>(sql, params as never[]);
      const distances = rows.map((r) => (r.distance != null ? Number(r.distance) : 1 - Number(r.similarity)));
      return { distances, ms: ms(t0) };
    });
  // Tie-aware recall (as ANN benchmarks count it): a returned neighbour counts when it is
  // no farther than the exact 10th neighbour, so equidistant chunks are interchangeable.
  const recall = (exact: number[], found: number[]) => {
    const bound = exact[exact.length - 1]! + 1e-6;
    return Math.min(exact.length, found.slice(0, 10).filter((d) => d <= bound).length) / Math.max(1, exact.length);
  };
  const sample = queries.slice(0, RECALL_QUERIES);
  const first = sample[0]!;
  const paths = {
    exact: accessPath(await explain(em, pure, [vec(first), workspaceId, vec(first)], exactSettings)),
    hnsw: accessPath(await explain(em, pure, [vec(first), workspaceId, vec(first)], hnswSettings)),
    retrieveVector: retrieveVector ? accessPath(await explain(em, retrieveVector.sql, retrieveVector.params)) : 'n/a',
  };
  if (!paths.exact.startsWith('Seq Scan')) throw new Error(`exact search is not a sequential scan: ${paths.exact}`);
  if (!paths.hnsw.includes(HNSW_INDEX)) throw new Error(`HNSW search does not use the index: ${paths.hnsw}`);
  const retrieveSql = retrieveVector?.sql;
  let hnswSum = 0;
  let wideSum = 0;
  let retrieveSum = 0;
  const exactMs: number[] = [];
  const hnswMs: number[] = [];
  const wideMs: number[] = [];
  const started = performance.now();
  for (const q of sample) {
    if (ms(started) > RECALL_MS && exactMs.length >= 20) break;
    const params = [vec(q), workspaceId, vec(q)];
    const exact = await run(pure, params, exactSettings);
    const hnsw = await run(pure, params, hnswSettings);
    const wide = await run(pure, params, [...hnswSettings, `hnsw.ef_search = ${EF_WIDE}`]);
    exactMs.push(exact.ms);
    hnswMs.push(hnsw.ms);
    wideMs.push(wide.ms);
    hnswSum += recall(exact.distances, hnsw.distances);
    wideSum += recall(exact.distances, wide.distances);
    // retrieve()'s own vector statement takes the same parameters: [vector, workspace, vector].
    if (retrieveSql) retrieveSum += recall(exact.distances, (await run(retrieveSql, params, [])).distances);
  }
  const efSearch = (await em.execute<Record<string, string>[]>('show hnsw.ef_search'))[0]!['hnsw.ef_search']!;
  const n = exactMs.length;
  return {
    queries: n,
    hnswRecallAt10: round(hnswSum / n, 3),
    hnswWideRecallAt10: round(wideSum / n, 3),
    hnswWideP50Ms: round(percentile(wideMs, 50)),
    retrieveVectorRecallAt10: round(retrieveSum / n, 3),
    exactP50Ms: round(percentile(exactMs, 50)),
    hnswP50Ms: round(percentile(hnswMs, 50)),
    paths,
    efSearch,
  };
}

async function runTarget(target: 'pglite' | 'postgres', corpus: { faqs: (SyntheticFaq & { id: string })[]; chunks: ChunkRecord[] }): Promise<PhaseResult[]> {
  let db: ScratchDatabase | null = null;
  let orm: Orm | null = null;
  const results: PhaseResult[] = [];
  try {
    const t0 = performance.now();
    if (target === 'postgres') db = await createScratchDatabase(ADMIN_URL, 'sb_bench');
    orm = await createOrm({ databaseUrl: db?.url, dataDir: 'memory://' });
    await migrate(orm);
    const conn = orm.em.getConnection();
    const vector = await hasVectorSearch(orm, forkFor(orm, null));
    log(`\n[${target}] ${isPglite(orm) ? 'PGlite' : db!.name} ready in ${round(ms(t0) / 1000, 1)} s; pgvector column: ${vector}`);
    const workspaceId = await insertWorkspace(orm, 'Retrieval bench');
    let loaded = 0;
    const faqsLoaded = new Set<string>();
    for (const [phase, size] of SIZES.entries()) {
      const chunks = corpus.chunks.slice(loaded, size);
      const faqIds = new Set(chunks.map((c) => c.faqId));
      const faqs = corpus.faqs.filter((f) => faqIds.has(f.id) && !faqsLoaded.has(f.id));
      const rebuild = vector && phase > 0;
      const tLoad = performance.now();
      if (rebuild) await conn.execute(`drop index "${HNSW_INDEX}"`);
      await insertFaqs(orm, workspaceId, faqs);
      const tChunks = performance.now();
      await insertChunks(orm, workspaceId, chunks, { vector, model: 'local-hashed' });
      const chunkMs = ms(tChunks);
      let indexBuildMs: number | undefined;
      if (rebuild) {
        const tIndex = performance.now();
        // At 50k vectors the graph (~65MB) would not fit the default 64MB; past that the build slows down a lot.
        await forkFor(orm, null).transactional(async (tx) => {
          await tx.execute(`set local maintenance_work_mem = '256MB'`);
          await tx.execute(HNSW_DDL);
        });
        indexBuildMs = round(ms(tIndex), 0);
      }
      await conn.execute('analyze faq');
      await conn.execute('analyze knowledge_chunk');
      loaded = size;
      for (const f of faqs) faqsLoaded.add(f.id);
      const load = {
        ms: round(ms(tLoad), 0),
        rowsPerS: round(chunks.length / (chunkMs / 1000), 0),
        ...(indexBuildMs != null ? { indexBuildMs } : {}),
        how: rebuild ? 'bulk, HNSW rebuilt after' : 'every index maintained',
      };
      log(
        `[${target}] loaded ${size} chunks (${faqsLoaded.size} FAQs) in ${round(load.ms / 1000, 1)} s: ${load.rowsPerS} chunk rows/s (${load.how})` +
          (indexBuildMs != null ? `, HNSW build ${round(indexBuildMs / 1000, 1)} s` : ''),
      );

      const inCorpus = corpus.faqs.filter((f) => faqsLoaded.has(f.id));
      const queries = makeQueries(inCorpus, WARMUP + QUERIES, SEED + size);
      const m = await measure(orm, workspaceId, queries);
      log(
        `[${target}] ${size}: retrieve() p50 ${m.retrieve.p50} ms p95 ${m.retrieve.p95} ms (n=${m.retrieve.n}); ` +
          Object.entries(m.statements)
            .map(([k, v]) => `${k} p50 ${v.p50} ms ~${v.meanRows} rows`)
            .join(', '),
      );
      for (const [kind, plan] of Object.entries(m.plans)) log(`[${target}] ${size} ${kind} plan: ${accessPath(plan)}`);
      const result: PhaseResult = {
        target,
        mode: vector ? 'hybrid' : 'full-text',
        chunks: size,
        faqs: faqsLoaded.size,
        load,
        retrieve: m.retrieve,
        statements: m.statements,
        plans: Object.fromEntries(Object.entries(m.plans).map(([k, p]) => [k, accessPath(p)])),
        syntheticHitAt1: m.syntheticHitAt1,
        syntheticHitAtK: m.syntheticHitAtK,
      };
      if (vector) {
        const tRecall = performance.now();
        result.recall = await recallAt10(orm, workspaceId, makeQueries(inCorpus, RECALL_QUERIES, SEED + 7 * size), m.vectorSql);
        log(
          `[${target}] ${size}: recall@10 HNSW ${result.recall.hnswRecallAt10} (ef_search ${EF_WIDE}: ${result.recall.hnswWideRecallAt10}), retrieve() vector statement ${result.recall.retrieveVectorRecallAt10} ` +
            `(exact ${result.recall.paths.exact} p50 ${result.recall.exactP50Ms} ms; HNSW ${result.recall.paths.hnsw} p50 ${result.recall.hnswP50Ms} ms; ` +
            `retrieve() vector: ${result.recall.paths.retrieveVector}) in ${round(ms(tRecall) / 1000, 1)} s`,
        );
      }
      if (phase === SIZES.length - 1) {
        for (const [kind, plan] of Object.entries(m.plans))
          log(`[${target}] ${size} ${kind} statement plan (EXPLAIN ANALYZE, last query):\n${shortPlan(plan)}`);
      }
      results.push(result);
    }
  } finally {
    await orm?.close(true).catch((err) => console.error('orm close failed', err));
    if (db) {
      await db.drop();
      log(`[${target}] database ${db.name} dropped`);
    }
  }
  return results;
}

export async function main() {
  const started = performance.now();
  const embed = cachedHashedEmbedder();
  const t0 = performance.now();
  const corpus = await syntheticChunks(SIZES[SIZES.length - 1]!, embed, SEED);
  assertSameEmbedding(
    embed,
    corpus.chunks.slice(0, 200).map((c) => c.text),
  );
  const lengths = corpus.chunks.map((c) => c.text.length);
  log(
    `corpus: ${corpus.chunks.length} chunks from ${corpus.faqs.length} FAQs in ${round(ms(t0) / 1000, 1)} s ` +
      `(chunk length p50 ${percentile(lengths, 50)} p95 ${round(percentile(lengths, 95), 0)} chars); sample query: "${makeQueries(corpus.faqs, 1, 1)[0]!.text}"`,
  );

  const results: PhaseResult[] = [];
  for (const target of TARGETS) {
    if (target !== 'pglite' && target !== 'postgres') throw new Error(`unknown target ${target}`);
    results.push(...(await runTarget(target, corpus)));
  }

  log('\nretrieve() latency (sequential calls, query embedding precomputed):\n');
  log(
    table(
      [
        'target',
        'mode',
        'chunks',
        'p50 ms',
        'p95 ms',
        'mean ms',
        'n',
        'text stmt p50',
        'vector stmt p50',
        'vector rows',
        'hit@1 / hit@' + K + ' (synthetic)',
        'load rows/s',
      ],
      results.map((r) => [
        r.target,
        r.mode,
        r.chunks,
        r.retrieve.p50,
        r.retrieve.p95,
        r.retrieve.mean,
        r.retrieve.n,
        r.statements.text?.p50 ?? '-',
        r.statements.vector?.p50 ?? '-',
        r.statements.vector?.meanRows ?? '-',
        `${r.syntheticHitAt1} / ${r.syntheticHitAtK}`,
        `${r.load.rowsPerS}${r.load.indexBuildMs != null ? ` (+HNSW ${round(r.load.indexBuildMs / 1000, 1)} s)` : ''}`,
      ]),
    ),
  );
  const withRecall = results.filter((r) => r.recall);
  if (withRecall.length) {
    log(`\nvector search recall@10 vs exact, tie-aware (PGlite, default hnsw.ef_search ${withRecall[0]!.recall!.efSearch}):\n`);
    log(
      table(
        [
          'chunks',
          'queries',
          'HNSW recall@10',
          `HNSW ef_search=${EF_WIDE} recall@10`,
          'retrieve() vector stmt recall@10',
          'exact p50 ms',
          'HNSW p50 ms',
          `ef=${EF_WIDE} p50 ms`,
          'exact path',
          'HNSW path',
          'retrieve() vector path',
        ],
        withRecall.map((r) => [
          r.chunks,
          r.recall!.queries,
          r.recall!.hnswRecallAt10,
          r.recall!.hnswWideRecallAt10,
          r.recall!.retrieveVectorRecallAt10,
          r.recall!.exactP50Ms,
          r.recall!.hnswP50Ms,
          r.recall!.hnswWideP50Ms,
          r.recall!.paths.exact,
          r.recall!.paths.hnsw,
          r.recall!.paths.retrieveVector,
        ]),
      ),
    );
  }
  const result = {
    bench: 'retrieval',
    k: K,
    queries: QUERIES,
    corpus: { chunks: corpus.chunks.length, faqs: corpus.faqs.length, seed: SEED },
    results,
    elapsedS: round(ms(started) / 1000, 1),
  };
  log(`\nRESULT ${JSON.stringify(result)}`);
}
