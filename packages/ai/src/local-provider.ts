// The `local` provider: no network and no model weights, so a fresh checkout,
// CI and air-gapped installs get a working assistant. It never generates
// text: it quotes the best-matching FAQ, which makes it grounded by
// construction, and reports how likely the quote is to be right: the caller
// hands off below its threshold.
import { analyzeMessage, type MessageAnalysis } from './analysis.js';
import { LocalEmbedder, type LocalEmbeddingKind } from './embedding.js';
import { DEFAULT_FUSION_WEIGHTS, type FusionWeights } from './fusion.js';
import { splitSentences } from './metrics.js';
import { moderateLocally, type ModerationResult } from './moderation.js';
import type { AiProvider, AnalyzeOptions, RagInput } from './provider.js';
import { predictLogistic, type LogisticModel } from './logistic.js';
import { approxTokenCount, clamp01 } from './rag.js';
import type { KnowledgeChunk, RagAnswer } from './types.js';

/**
 * What the answer-or-handoff decision reads, all computed by the live
 * retrieval (see KnowledgeChunk.evidence), for the chunk that would be quoted
 * (the first, i.e. the caller's fused top-1):
 *   fused     its fused score;
 *   margin    fused minus the best fused score of a chunk of another FAQ (the
 *             runner-up's distance: a clear winner is trustworthy);
 *   coverage  share of the query's terms found in it, weighted by idf;
 *   strength  ln(1 + its BM25 score in units of a rare term's idf): how much
 *             lexical evidence there is at all;
 *   vector    its cosine similarity;
 *   agreement 1 when the vector leg ranks it first among the candidates too,
 *             else 0 (legs that disagree flag on-topic questions the base does
 *             not answer, whose words match one FAQ and meaning another).
 */
export const ANSWER_FEATURES = ['fused', 'margin', 'coverage', 'strength', 'vector', 'agreement'] as const;

export function answerFeatures(chunks: KnowledgeChunk[]): number[] | null {
  const top = chunks[0];
  if (!top) return null;
  const ev = (c: KnowledgeChunk) => c.evidence ?? { fused: c.score, lexical: 0, strength: 0, coverage: 0, vector: c.score };
  const t = ev(top);
  let other = 0;
  let bestVector = -Infinity;
  for (const c of chunks) {
    const e = ev(c);
    if (c.faqId !== top.faqId) other = Math.max(other, e.fused);
    bestVector = Math.max(bestVector, e.vector);
  }
  return [t.fused, t.fused - other, t.coverage, Math.log1p(t.strength), t.vector, t.vector >= bestVector ? 1 : 0];
}

/**
 * Confidence of the extractive answer: a logistic regression of "the quoted
 * FAQ is the right one" on ANSWER_FEATURES, fitted (bench `calibration`) on the
 * StackFAQ dev split (500 paraphrases, k = 5) plus the dev part of our own
 * out-of-scope questions (bench/data/out-of-scope.json: other subjects, and
 * on-topic questions the base does not answer) as negatives; checked on the
 * held-out parts. So p estimates the probability that the quote answers the
 * question; the reliability table and the threshold trade-off are in the README.
 */
export const LOCAL_CONFIDENCE_MODEL: LogisticModel = { weights: [-7.35, 0.28, 3.25, 1.13, 1.9, 0.41, 0.97] };

/**
 * The same fit for each local embedding (the fused score and the vector
 * cosine mean other things with the semantic pairing). LOCAL_CONFIDENCE_MODEL
 * is the hashed one; the semantic one was fitted the same way with
 * LOCAL_EMBEDDING=semantic (bench `calibration`, BENCH_FIT=1).
 */
export const LOCAL_CONFIDENCE_MODELS: Record<LocalEmbeddingKind, LogisticModel> = {
  hashed: LOCAL_CONFIDENCE_MODEL,
  semantic: { weights: [-8.37, 1, 3.66, 1.06, 1.89, 1.27, 1.32] },
};

/**
 * Retrieval's fusion weights for each local embedding (bench `quality` and
 * `semantic`, StackFAQ dev split): BM25 carries the hashed vector, whose
 * evidence is mostly surface overlap it already has; with the semantic
 * pairing the vector leg carries more (BM25 0.4 + hashed 0.2 + semantic 0.4).
 */
export const LOCAL_FUSION_WEIGHTS: Record<LocalEmbeddingKind, FusionWeights> = {
  hashed: DEFAULT_FUSION_WEIGHTS,
  semantic: { lexical: 0.4, vector: 0.6 },
};

/**
 * Below this cosine, a chunk none of the query's words occur in is not
 * evidence at all (nonsense reaches ~0.25 with the hashed embedding; see the
 * API's MEANINGFUL_SIMILARITY): then the knowledge base has nothing to say
 * and the provider answers nothing, rather than a quote with low confidence.
 */
export const NO_EVIDENCE_SIMILARITY = 0.25;

/** True when the caller's best chunk shares no word with the question and is not close in meaning either. */
export function hasNoEvidence(chunks: KnowledgeChunk[]): boolean {
  const top = chunks[0];
  if (!top) return true;
  const e = top.evidence;
  return e ? e.coverage === 0 && e.vector < NO_EVIDENCE_SIMILARITY : top.score < NO_EVIDENCE_SIMILARITY;
}

export function localConfidence(chunks: KnowledgeChunk[], model: LogisticModel = LOCAL_CONFIDENCE_MODEL): number {
  const x = answerFeatures(chunks);
  return x ? clamp01(predictLogistic(model, x)) : 0;
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
  readonly embeddingModel: string;
  readonly dimensions: number;
  readonly fusionWeights: FusionWeights;
  private readonly embedder: LocalEmbedder;
  private readonly confidenceModel: LogisticModel;

  constructor(readonly embedding: LocalEmbeddingKind = 'hashed') {
    this.embedder = new LocalEmbedder(embedding);
    this.dimensions = this.embedder.dimensions;
    this.embeddingModel = embedding === 'semantic' ? 'local-hashed+use-lite' : 'local-hashed';
    this.fusionWeights = LOCAL_FUSION_WEIGHTS[embedding];
    this.confidenceModel = LOCAL_CONFIDENCE_MODELS[embedding];
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
    // The caller ranked the chunks (fused retrieval): quote its top-1.
    const top = input.chunks[0];
    const confidence = localConfidence(input.chunks, this.confidenceModel);
    if (!top || hasNoEvidence(input.chunks)) {
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

  async analyze(text: string, _options?: AnalyzeOptions): Promise<MessageAnalysis> {
    return analyzeMessage(text);
  }

  async moderate(text: string): Promise<ModerationResult> {
    return moderateLocally(text);
  }

  /** No model to translate with: the caller searches in the customer's words. */
  async translate(): Promise<string | null> {
    return null;
  }
}
