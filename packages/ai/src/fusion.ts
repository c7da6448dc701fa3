// Fusion of hybrid retrieval's two ranked lists. Reciprocal rank fusion
// (Cormack, Clarke & Büttcher, SIGIR 2009) uses positions only;
// normalised-score fusion keeps how strong each leg's evidence is, which the
// answer-or-handoff decision needs, and ranks better on our measurements:
// retrieval uses it.

export interface ScoredId {
  id: string;
  score: number;
}

/**
 * RRF: score(id) = Σ over lists of 1 / (k + rank), rank 1-based. Each list is
 * ranked by its own scores (higher first, input order on ties); an id repeated
 * within a list counts once, at its best rank. Result is sorted by fused score,
 * ties broken by id so the output is deterministic.
 */
export function reciprocalRankFusion(lists: ScoredId[][], k = 60): ScoredId[] {
  if (!Number.isFinite(k) || k < 0) throw new RangeError(`k must be a non-negative number, got ${k}`);
  const fused = new Map<string, number>();
  for (const list of lists) {
    const ranked = list.map((item, i) => ({ item, i })).sort((a, b) => b.item.score - a.item.score || a.i - b.i);
    const seen = new Set<string>();
    ranked.forEach(({ item }, index) => {
      if (seen.has(item.id)) return;
      seen.add(item.id);
      fused.set(item.id, (fused.get(item.id) ?? 0) + 1 / (k + index + 1));
    });
  }
  return [...fused.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface FusionWeights {
  lexical: number;
  vector: number;
}

/**
 * Weights of normalised-score fusion, chosen on the StackFAQ dev split (500 of
 * 625 queries) with the local hashed embedding (bench `quality`, BENCH_SWEEP=1):
 * MRR@5 0.789 lexical only, 0.795 at a vector weight of 0.3..0.4, 0.793 at
 * 0.6, 0.54 vector only; RRF (k = 60) of the same two legs 0.698.
 */
export const DEFAULT_FUSION_WEIGHTS: FusionWeights = { lexical: 0.6, vector: 0.4 };

export interface FusedScore {
  id: string;
  /** Weighted sum of the normalised leg scores. */
  score: number;
  /** Lexical score divided by the query's best lexical score, 0..1 (0 when not returned). */
  lexical: number;
  /** Vector similarity clamped to 0..1 (0 when not known). */
  vector: number;
}

/**
 * Normalised-score fusion (a convex combination, as in Bruch et al., "An
 * Analysis of Fusion Functions for Hybrid Retrieval", 2023): BM25 scores are
 * divided by the query's best one, cosine similarities are used as they are
 * (already on an absolute 0..1 scale, which keeps "nothing is close" visible),
 * and the two are summed with the given weights. `vector` may hold ids the
 * lexical leg did not return and vice versa. Sorted by score, ties by id.
 */
export function fuseNormalized(lexical: ScoredId[], vector: ScoredId[], weights: FusionWeights = DEFAULT_FUSION_WEIGHTS): FusedScore[] {
  const best = Math.max(0, ...lexical.map((l) => l.score));
  const out = new Map<string, FusedScore>();
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { id, score: 0, lexical: 0, vector: 0 }));
    return e;
  };
  for (const l of lexical) {
    const e = entry(l.id);
    e.lexical = Math.max(e.lexical, best > 0 ? l.score / best : 0);
  }
  for (const v of vector) {
    const e = entry(v.id);
    e.vector = Math.max(e.vector, Number.isFinite(v.score) ? Math.min(1, Math.max(0, v.score)) : 0);
  }
  for (const e of out.values()) e.score = weights.lexical * e.lexical + weights.vector * e.vector;
  return [...out.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
