// One interface for every AI backend so the API can switch providers per
// model configuration (and A/B them) without knowing which one runs. Plain
// data in, plain data out: no GraphQL and no ORM on this side.
import type { MessageAnalysis } from './analysis.js';
import type { ModerationResult } from './moderation.js';
import type { LocalEmbeddingKind } from './embedding.js';
import type { FusionWeights } from './fusion.js';
import { LocalProvider } from './local-provider.js';
import { OpenAiProvider } from './openai-provider.js';
import type { ChatTurn, KnowledgeChunk, ProviderName, RagAnswer } from './types.js';

export type { MessageAnalysis } from './analysis.js';

export interface AiProviderConfig {
  provider: 'local' | 'openai';
  apiKey?: string;
  /** Any OpenAI-compatible server (vLLM, Ollama, LM Studio…); default api.openai.com. */
  baseUrl?: string;
  chatModel?: string;
  embeddingModel?: string;
  embeddingDimensions?: number;
  /** The `local` provider's embedding: hashed + USE-lite (default) or hashed only. */
  localEmbedding?: LocalEmbeddingKind;
  timeoutMs?: number;
  /** Retries on failed requests (LangChain's caller; the HTTP client itself never retries). Default 2. */
  maxRetries?: number;
}

export interface RagInput {
  question: string;
  history: ChatTurn[];
  /** Retrieved context, in the caller's ranking order (numbered [1], [2], … for the model). */
  chunks: KnowledgeChunk[];
  systemPrompt?: string;
  temperature?: number;
  /** Overrides the provider's chat model for this call. */
  model?: string;
  /** The customer's language (ISO 639-1), when known: the answer is written in it. */
  language?: string;
}

export interface AnalyzeOptions {
  intents?: readonly string[];
}

export interface AiProvider {
  readonly name: ProviderName;
  readonly chatModel: string;
  readonly embeddingModel: string;
  readonly dimensions: number;
  /** How retrieval should weigh BM25 against this provider's vectors (default DEFAULT_FUSION_WEIGHTS). */
  readonly fusionWeights?: FusionWeights;
  embed(texts: string[]): Promise<number[][]>;
  /** Streams the answer through `onToken` (in order; the deltas concatenate to `answer`). */
  answer(input: RagInput, onToken?: (delta: string) => void): Promise<RagAnswer>;
  /**
   * Intent, sentiment, language, wants-a-human. `intents`: the workspace's own
   * labels; the openai provider must choose among them (structured output),
   * the local one ignores them (the caller applies the workspace's classifier).
   */
  analyze(text: string, options?: AnalyzeOptions): Promise<MessageAnalysis>;
  /** Content-policy check of a customer message or an answer; never throws (falls back to the offline check). */
  moderate(text: string): Promise<ModerationResult>;
  /**
   * The question rendered in `language` (ISO 639-1) for retrieval, or null
   * when the provider cannot translate (the local one) or the call failed.
   */
  translate(text: string, language: string): Promise<string | null>;
}

export function createProvider(cfg: AiProviderConfig): AiProvider {
  switch (cfg.provider) {
    case 'local':
      return new LocalProvider(cfg.localEmbedding ?? 'semantic');
    case 'openai':
      return new OpenAiProvider(cfg);
    default:
      throw new Error(`unknown AI provider: ${String((cfg as { provider: unknown }).provider)}`);
  }
}
