// The contract between the API and the AI layer. No GraphQL and no ORM here:
// the API passes plain data in and stores what comes back.

export type ProviderName = 'local' | 'openai';

export interface ChatTurn {
  role: 'customer' | 'agent' | 'ai' | 'system';
  content: string;
}

export interface KnowledgeChunk {
  faqId: string;
  chunkId: string;
  text: string;
  /**
   * Retrieval score, higher is better. Both providers read it as a similarity
   * in 0..1 (the vector cosine of the hit) to derive confidence, so pass the
   * cosine here even when the ranking itself came from rank fusion.
   */
  score: number;
  /** What retrieval saw, for the answer-or-handoff decision (absent when the caller has no fused ranking). */
  evidence?: RetrievalEvidence;
}

/** The evidence behind one retrieved chunk, as the live retrieval computes it. */
export interface RetrievalEvidence {
  /** Fused score of the two legs. */
  fused: number;
  /** BM25 score over the query's best BM25 score, 0..1 (0: the lexical leg did not return it). */
  lexical: number;
  /** The chunk's BM25 score in units of a rare term's idf (LexicalHit.strength; 0: not returned by the lexical leg). */
  strength: number;
  /** Share of the query's terms found in the chunk, weighted by idf, 0..1. */
  coverage: number;
  /** Cosine similarity, 0..1. */
  vector: number;
}

export interface Citation {
  faqId: string;
  score: number;
}

export interface RagAnswer {
  answer: string;
  citations: Citation[];
  /** 0..1: how sure the assistant is that the answer is grounded in the knowledge base. */
  confidence: number;
  /**
   * Set by providers that check it (openai): whether the cited context
   * supports the answer. false: the caller hands off (ungrounded_answer).
   * Undefined when not checked or the check itself failed.
   */
  grounded?: boolean;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
}

export interface Embedder {
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}
