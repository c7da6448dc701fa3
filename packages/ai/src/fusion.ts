// Hybrid retrieval returns lists whose scores live on unrelated scales
// (cosine similarity vs. ts_rank), so they are fused by rank, not by score:
// reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009).

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
  return [...fused.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
