// The `local` provider: no network and no model weights, so a fresh checkout,
// CI and air-gapped installs get a working assistant. It never generates
// text: it quotes the best-matching FAQ, which makes it grounded by
// construction, and hands off (confidence 0) when retrieval is weak.
import { analyzeMessage, type MessageAnalysis } from './analysis.js';
import { LOCAL_EMBEDDING_DIMENSIONS, LocalEmbedder } from './embedding.js';
import { splitSentences } from './metrics.js';
import type { AiProvider, RagInput } from './provider.js';
import { approxTokenCount, clamp01, topChunk } from './rag.js';
import type { KnowledgeChunk, RagAnswer } from './types.js';

/**
 * Calibrated confidence of the extractive answer:
 *   p = σ(B0 + B1·top + B2·margin)
 * where `top` is the best chunk's retrieval score (hashed-embedding cosine)
 * and `margin` is `top` minus the best score of a chunk from a *different*
 * FAQ (chunks of the same FAQ don't compete). The coefficients are a logistic
 * regression of "the top chunk belongs to the right FAQ" on StackFAQ
 * paraphrase queries against chunked FAQs (scripts/calibrate-local-confidence.ts),
 * so p estimates the probability that the quoted FAQ is the right one (on the
 * 625 dev queries: answers given 0.8..1 were right 90% of the time, 0.2..0.4
 * 28%). Below the top-score floor the answer is withheld: only 15% of those
 * retrievals were right. The margin term matters most: a clear winner is
 * trustworthy even at a modest cosine. Without any chunk from another FAQ the
 * runner-up is taken to be the floor (unrelated text still reaches ~0.25 with
 * the hashed embedding), so passing a single chunk does not look decisive.
 */
export const LOCAL_CONFIDENCE = { b0: -3.48, b1: 4.93, b2: 19.52, floor: 0.25 } as const;

export function localConfidence(top: number, secondOtherFaq: number | undefined): number {
  if (!(top >= LOCAL_CONFIDENCE.floor)) return 0;
  const margin = Math.max(0, top - (secondOtherFaq ?? LOCAL_CONFIDENCE.floor));
  const z = LOCAL_CONFIDENCE.b0 + LOCAL_CONFIDENCE.b1 * top + LOCAL_CONFIDENCE.b2 * margin;
  return clamp01(1 / (1 + Math.exp(-z)));
}

/**
 * The quotable part of a chunk: drops a leading one-line heading or question
 * (chunkFaq puts the FAQ question there), then keeps the text whole when short,
 * else its first sentences (three, or two once they reach ~200 characters).
 */
export function extractAnswer(chunkText: string): string {
  let body = chunkText.trim();
  const sep = body.indexOf('\n\n');
  if (sep > 0) {
    const head = body.slice(0, sep);
    if (!head.includes('\n') && head.length <= 300 && (/\?\s*$/.test(head) || !/[.!]\s*$/.test(head))) {
      body = body.slice(sep + 2).trim() || body;
    }
  }
  if (body.length <= 320) return body;
  const picked: string[] = [];
  for (const s of splitSentences(body)) {
    picked.push(s);
    const len = picked.join(' ').length;
    if (picked.length >= 3 || (picked.length >= 2 && len >= 200)) break;
  }
  let answer = picked.join(' ');
  if (answer.length > 600) answer = `${answer.slice(0, 600).replace(/\s+\S*$/, '')}…`;
  return answer;
}

export class LocalProvider implements AiProvider {
  readonly name = 'local' as const;
  readonly chatModel = 'local-extractive';
  readonly embeddingModel = 'local-hashed';
  private readonly embedder: LocalEmbedder;

  constructor(readonly dimensions = LOCAL_EMBEDDING_DIMENSIONS) {
    this.embedder = new LocalEmbedder(dimensions);
  }

  embed(texts: string[]): Promise<number[][]> {
    return this.embedder.embed(texts);
  }

  /**
   * Usage is approximate (approxTokenCount): prompt = what an LLM would have
   * been sent (system prompt, history, question, all chunks), completion = the
   * quoted answer.
   */
  async answer(input: RagInput, onToken?: (delta: string) => void): Promise<RagAnswer> {
    const started = performance.now();
    const promptTokens = approxTokenCount(
      [input.systemPrompt ?? '', ...input.history.map((t) => t.content), input.question, ...input.chunks.map((c) => c.text)].join('\n'),
    );
    const top = topChunk(input.chunks);
    const confidence = top ? localConfidence(top.score, bestOtherFaqScore(input.chunks, top)) : 0;
    if (!top || confidence === 0) {
      return { answer: '', citations: [], confidence: 0, usage: { promptTokens, completionTokens: 0 }, latencyMs: performance.now() - started };
    }
    const answer = extractAnswer(top.text);
    if (onToken) for (const delta of answer.match(/\s*\S+\s*/g) ?? []) onToken(delta);
    return {
      answer,
      citations: [{ faqId: top.faqId, score: top.score }],
      confidence,
      usage: { promptTokens, completionTokens: approxTokenCount(answer) },
      latencyMs: performance.now() - started,
    };
  }

  async analyze(text: string): Promise<MessageAnalysis> {
    return analyzeMessage(text);
  }
}

function bestOtherFaqScore(chunks: KnowledgeChunk[], top: KnowledgeChunk): number | undefined {
  let best: number | undefined;
  for (const c of chunks) if (c.faqId !== top.faqId && (best === undefined || c.score > best)) best = c.score;
  return best;
}
