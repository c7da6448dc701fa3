// AI providers from packages/ai, one per distinct setting, shared by the
// process. Embeddings always come from the deployment's provider so that
// every chunk of a workspace lives in one vector space; answers use the
// provider and model of the model configuration that answers.
import { createProvider, type AiProvider } from '@switchboard/ai';
import type { Config } from './config.js';

/** What the `openai` provider asks its embedding server for (Matryoshka models such as text-embedding-3-*). */
export const EMBEDDING_DIMENSIONS = 256;

export interface AnswerSettings {
  provider: 'local' | 'openai';
  model: string;
}

export class AiProviders {
  private readonly cache = new Map<string, AiProvider>();

  constructor(private readonly config: Config) {}

  get embedder(): AiProvider {
    return this.get({ provider: this.config.ai.provider, model: this.config.ai.chatModel });
  }

  get(settings: AnswerSettings): AiProvider {
    const key = `${settings.provider}:${settings.model}`;
    let provider = this.cache.get(key);
    if (!provider) {
      provider = createProvider({
        provider: settings.provider,
        apiKey: this.config.ai.apiKey,
        baseUrl: this.config.ai.baseUrl,
        chatModel: settings.model,
        embeddingModel: this.config.ai.embeddingModel,
        embeddingDimensions: EMBEDDING_DIMENSIONS,
        localEmbedding: this.config.ai.localEmbedding,
        timeoutMs: this.config.ai.timeoutMs,
        // Jobs retry with backoff; the client should fail fast.
        maxRetries: 0,
      });
      this.cache.set(key, provider);
    }
    return provider;
  }
}
