// The RAG pipeline shared by the answering job, agent suggestions and
// evaluation runs: retrieve from the knowledge base, then generate with the
// provider and settings of a model configuration.
import type { ChatTurn, RagAnswer } from '@switchboard/ai';
import type { AiProviders } from '../../platform/ai.js';
import type { Em, Orm } from '../../platform/database.js';
import { observeModelCall } from '../../platform/metrics.js';
import { traceModelCall } from '../../platform/tracing.js';
import { AuthorType, type Message } from '../conversations/index.js';
import { type RetrievalHit, retrieve, type RetrieveOptions } from '../knowledge/index.js';
import type { ModelConfig } from './model-config.entity.js';

export interface DraftResult {
  answer: RagAnswer;
  hits: RetrievalHit[];
}

const ROLE: Record<AuthorType, ChatTurn['role']> = {
  [AuthorType.CUSTOMER]: 'customer',
  [AuthorType.AGENT]: 'agent',
  [AuthorType.AI]: 'ai',
  [AuthorType.SYSTEM]: 'system',
};

export const toHistory = (messages: Message[]): ChatTurn[] => messages.map((m) => ({ role: ROLE[m.authorType], content: m.body }));

export async function retrieveFor(orm: Orm, em: Em, ai: AiProviders, workspaceId: string, question: string, k: number, options?: RetrieveOptions) {
  const embedder = ai.embedder;
  const [embedding] = await embedder.embed([question]);
  return retrieve(orm, em, workspaceId, question, embedding!, k, { weights: embedder.fusionWeights, ...options });
}

export interface DraftOptions {
  /** What to search the knowledge base with, when not the question itself (a translation into the base's language). */
  retrievalQuery?: string;
  /** The customer's language (ISO 639-1): the answer is written in it. */
  language?: string;
}

/** Retrieves and drafts an answer; `onToken` receives the streamed text. */
export async function draftAnswer(
  deps: { orm: Orm; ai: AiProviders },
  em: Em,
  workspaceId: string,
  mc: ModelConfig,
  question: string,
  history: ChatTurn[],
  onToken?: (delta: string) => void,
  options: DraftOptions = {},
): Promise<DraftResult> {
  const hits = await retrieveFor(deps.orm, em, deps.ai, workspaceId, options.retrievalQuery ?? question, mc.k);
  const provider = deps.ai.get({ provider: mc.provider, model: mc.model });
  const observed = observeModelCall(mc.provider, mc.model);
  let answer: RagAnswer;
  try {
    answer = await traceModelCall(mc.provider, mc.model, () =>
      provider.answer(
        { question, history, chunks: hits, systemPrompt: mc.systemPrompt, temperature: mc.temperature, model: mc.model, language: options.language },
        onToken,
      ),
    );
  } catch (err) {
    observed.failed();
    throw err;
  }
  observed.ok(answer.usage);
  return { answer, hits };
}
