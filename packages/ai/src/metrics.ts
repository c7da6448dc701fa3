// Evaluation metrics as pure functions, so an evaluation run can be recomputed
// from stored per-case results and unit-tested on hand-computed numbers.
// Retrieval: hit rate@k and MRR. Answers: embedding similarity to a reference
// answer and a lexical groundedness check against the cited chunks. Cost:
// latency percentiles and token sums.
import { cosine, tokenize } from './embedding.js';

function assertSameLength(results: unknown[], expected: unknown[]): void {
  if (results.length !== expected.length) {
    throw new RangeError(`results (${results.length}) and expected (${expected.length}) must have the same length`);
  }
}

/**
 * Share of queries with at least one expected id among their first k results.
 * Queries without expected ids are skipped (nothing to find); 0 if none remain.
 */
export function hitRateAtK(results: string[][], expected: string[][], k: number): number {
  assertSameLength(results, expected);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  let hits = 0;
  let counted = 0;
  results.forEach((ranked, i) => {
    const want = new Set(expected[i]);
    if (want.size === 0) return;
    counted++;
    if (ranked.slice(0, k).some((id) => want.has(id))) hits++;
  });
  return counted === 0 ? 0 : hits / counted;
}

/**
 * Mean reciprocal rank of the first expected id (1/rank, 0 when absent), over
 * the queries that have expected ids; 0 if none do.
 */
export function mrr(results: string[][], expected: string[][]): number {
  assertSameLength(results, expected);
  let sum = 0;
  let counted = 0;
  results.forEach((ranked, i) => {
    const want = new Set(expected[i]);
    if (want.size === 0) return;
    counted++;
    const rank = ranked.findIndex((id) => want.has(id));
    if (rank >= 0) sum += 1 / (rank + 1);
  });
  return counted === 0 ? 0 : sum / counted;
}

/** Cosine similarity of two answer embeddings (0 when either is all zeros). */
export function answerSimilarity(a: number[], b: number[]): number {
  return cosine(a, b);
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Share of the answer's sentences that are supported by the context. A
 * sentence is supported when at least half of its distinct content tokens
 * (the embedding tokenizer: lower-cased, stop words dropped) occur in one
 * single chunk. Citation markers like [1] are ignored. Sentences with no
 * content tokens are not counted; an answer with none (e.g. an abstention)
 * asserts nothing unsupported and scores 1. Lexical, so it rewards quoting
 * and under-rates faithful paraphrase; it catches invented facts (numbers,
 * names, steps) that appear in no chunk.
 */
export function groundedness(answer: string, chunks: string[]): number {
  const chunkTokens = chunks.map((c) => new Set(tokenize(c)));
  let counted = 0;
  let supported = 0;
  for (const sentence of splitSentences(answer.replace(/\[\d+(?:\s*,\s*\d+)*\]/g, ' '))) {
    const tokens = [...new Set(tokenize(sentence))];
    if (tokens.length === 0) continue;
    counted++;
    const best = Math.max(0, ...chunkTokens.map((set) => tokens.filter((t) => set.has(t)).length / tokens.length));
    if (best >= 0.5) supported++;
  }
  return counted === 0 ? 1 : supported / counted;
}

/**
 * The p-th percentile (0..100) with linear interpolation between closest
 * ranks (rank = p/100 · (n − 1), as numpy's default). NaN for no values.
 */
export function percentile(values: number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`p must be within 0..100, got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface RunCost {
  latencyMs: number;
  usage: { promptTokens: number; completionTokens: number };
}

export interface RunSummary {
  count: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyMeanMs: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Latency percentiles and token sums over a set of answers (zeros when empty). */
export function summariseRuns(runs: RunCost[]): RunSummary {
  const latencies = runs.map((r) => r.latencyMs);
  const promptTokens = runs.reduce((s, r) => s + r.usage.promptTokens, 0);
  const completionTokens = runs.reduce((s, r) => s + r.usage.completionTokens, 0);
  return {
    count: runs.length,
    latencyP50Ms: runs.length ? percentile(latencies, 50) : 0,
    latencyP95Ms: runs.length ? percentile(latencies, 95) : 0,
    latencyMeanMs: runs.length ? latencies.reduce((a, b) => a + b, 0) / runs.length : 0,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
  };
}
