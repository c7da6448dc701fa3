// Pieces of the answer contract that both providers share, so a `local` and an
// `openai` answer are read the same way downstream: how context is numbered,
// how citations are recovered from text, what "no answer" looks like, and how
// token usage is approximated when no server reports it.
import type { Citation, KnowledgeChunk } from './types.js';

/** The sentinel the LLM is told to reply with when the context has no answer. */
export const NO_ANSWER = 'NO_ANSWER';

export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful, concise customer-support assistant.';

/** Numbered context block: `[1] text`, in the order the caller ranked the chunks. */
export function formatContext(chunks: KnowledgeChunk[]): string {
  return chunks.map((c, i) => `[${i + 1}] ${c.text.trim()}`).join('\n\n');
}

/**
 * 1-based chunk numbers cited in `answer`, in order of first appearance.
 * Accepts `[2]`, `[1][3]` and `[1, 3]`; numbers outside 1..chunkCount are
 * dropped (models sometimes cite things that were never in the context).
 */
export function parseCitationNumbers(answer: string, chunkCount: number): number[] {
  const seen = new Set<number>();
  for (const m of answer.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g)) {
    for (const part of m[1]!.split(',')) {
      const n = Number(part.trim());
      if (Number.isInteger(n) && n >= 1 && n <= chunkCount) seen.add(n);
    }
  }
  return [...seen];
}

/** The chunk with the highest retrieval score (the first one on ties). */
export function topChunk(chunks: KnowledgeChunk[]): KnowledgeChunk | undefined {
  let best: KnowledgeChunk | undefined;
  for (const c of chunks) if (!best || c.score > best.score) best = c;
  return best;
}

/** One citation per FAQ (several chunks may come from the same FAQ), keeping its best score. */
export function toCitations(chunks: KnowledgeChunk[]): Citation[] {
  const byFaq = new Map<string, Citation>();
  for (const c of chunks) {
    const prev = byFaq.get(c.faqId);
    if (!prev || c.score > prev.score) byFaq.set(c.faqId, { faqId: c.faqId, score: c.score });
  }
  return [...byFaq.values()];
}

export function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** True when the model's whole reply is the NO_ANSWER sentinel (quotes and trailing punctuation tolerated). */
export function isNoAnswer(text: string): boolean {
  return /^\s*[`"']?NO_ANSWER[`"']?[\s.!]*$/.test(text);
}

/**
 * While streaming, true as long as what arrived so far could still turn into
 * the sentinel: those deltas are held back so a client never flashes
 * "NO_ANSW…" before the answer is withdrawn.
 */
export function couldBecomeNoAnswer(text: string): boolean {
  const t = text.replace(/^[\s`"']+/, '');
  return NO_ANSWER.startsWith(t) || isNoAnswer(text);
}

/**
 * Approximate token count without a tokenizer: each run of letters or digits
 * counts ceil(length / 4) word pieces (BPE vocabularies average about four
 * characters of English per token) and each other non-space symbol counts one.
 * Within ~20% of tiktoken on English prose; used where no server reports usage.
 */
export function approxTokenCount(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/[\p{L}\p{M}]+|\p{N}+|[^\s\p{L}\p{M}\p{N}]/gu)) {
    n += /^[\p{L}\p{M}\p{N}]/u.test(m[0]) ? Math.ceil(m[0].length / 4) : 1;
  }
  return n;
}
