// The `openai` provider: LangChain's OpenAI clients pointed at api.openai.com
// or at any OpenAI-compatible server (vLLM, Ollama, LM Studio) via baseUrl.
// Answers are a LangChain runnable chain streamed token by token; the model
// is told to answer only from numbered context and to cite it, so citations
// can be checked and an abstention (NO_ANSWER) turns into a hand-off. Token
// usage is the server's (streamed usage chunk); only servers that omit it get
// an estimate (approxTokenCount).
// Failures (HTTP errors, timeouts) are thrown after `maxRetries`: whether to
// retry again, fall back or hand off is the caller's decision.
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import type { LLMResult } from '@langchain/core/outputs';
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { z } from 'zod';
import { sentimentLabelFor, type MessageAnalysis } from './analysis.js';
import { INTENT_LABELS } from './intent.js';
import { detectPii, moderateLocally, type ModerationResult } from './moderation.js';
import type { AiProvider, AiProviderConfig, AnalyzeOptions, RagInput } from './provider.js';
import {
  approxTokenCount,
  clamp01,
  couldBecomeNoAnswer,
  DEFAULT_SYSTEM_PROMPT,
  formatContext,
  isNoAnswer,
  NO_ANSWER,
  parseCitationNumbers,
  toCitations,
  topChunk,
} from './rag.js';
import type { ChatTurn, KnowledgeChunk, RagAnswer } from './types.js';

export const DEFAULT_OPENAI_CHAT_MODEL = 'gpt-4o-mini';
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

const KNOWN_EMBEDDING_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

const RAG_RULES = [
  'Answer the customer using ONLY the numbered context below; never use outside knowledge.',
  'Cite the context entries you used by their numbers in square brackets, like [1] or [1][3].',
  `If the context does not contain the answer, reply with exactly ${NO_ANSWER} and nothing else.`,
  'Reply in the language of the customer.',
].join('\n');

const ragPrompt = ChatPromptTemplate.fromMessages([
  // Everything caller-supplied goes in as a variable, never into the template,
  // so braces in a system prompt or an FAQ cannot break templating.
  ['system', `{systemPrompt}\n\n${RAG_RULES}\n\nContext:\n{context}`],
  new MessagesPlaceholder('history'),
  ['human', '{question}'],
]);

const translatePrompt = ChatPromptTemplate.fromMessages([
  [
    'system',
    'Translate the customer-service message into the language with ISO 639-1 code "{language}". ' +
      'Reply with the translation only: no quotes, no notes. If it is already in that language, repeat it unchanged.',
  ],
  ['human', '{text}'],
]);

const groundingPrompt = ChatPromptTemplate.fromMessages([
  [
    'system',
    'You check a customer-service answer against the knowledge-base passages it cites. ' +
      'supported is true only when every factual claim of the answer is stated in or directly follows from the passages ' +
      '(greetings and phrasing do not count); false when the answer adds, contradicts or guesses anything.',
  ],
  ['human', 'Passages:\n{context}\n\nAnswer:\n{answer}'],
]);

export const groundingSchema = z.object({
  supported: z.boolean().describe('The passages support every claim of the answer'),
});

/** The longest a moderation request may take before the offline check stands in. */
export const MODERATION_TIMEOUT_MS = 3_000;

/** How long a server without a moderation endpoint (404) is not asked again. */
const NO_MODERATION_RETRY_MS = 10 * 60_000;

const analysisPrompt = ChatPromptTemplate.fromMessages([
  [
    'system',
    'You analyse one customer-service message. Classify its intent, rate its sentiment from -1 (very negative) to 1 (very positive), ' +
      'give its language as an ISO 639-1 code ("und" if unclear) and say whether the customer explicitly asks for a human.',
  ],
  ['human', '{text}'],
]);

// No sentiment label in the schema: it is derived from the score with the
// same rule as the local provider (sentimentLabelFor).
export const messageAnalysisSchema = z.object({
  intent: z.enum(INTENT_LABELS).describe('Customer-service intent of the message'),
  sentiment: z.number().min(-1).max(1).describe('-1 very negative .. 1 very positive'),
  language: z.string().describe('ISO 639-1 code of the message language, or "und"'),
  wantsHuman: z.boolean().describe('true when the customer asks to talk to a human'),
});

function toMessage(turn: ChatTurn): BaseMessage {
  switch (turn.role) {
    case 'customer':
      return new HumanMessage(turn.content);
    case 'system':
      return new SystemMessage(turn.content);
    default:
      // Human agents and the assistant both speak for the business.
      return new AIMessage(turn.content);
  }
}

/**
 * Confidence of a generated answer: the best retrieval score among the chunks
 * it cites (the answer is as well supported as its strongest source), clamped
 * to 0..1. When the model cited nothing usable the top chunk stands in and the
 * value is scaled by 0.8, since the support was assumed rather than declared.
 * NO_ANSWER (and an empty context) is 0.
 */
export function citedConfidence(cited: KnowledgeChunk[], fallback: boolean): number {
  const best = Math.max(0, ...cited.map((c) => c.score));
  return clamp01(best) * (fallback ? 0.8 : 1);
}

export class OpenAiProvider implements AiProvider {
  readonly name = 'openai' as const;
  readonly chatModel: string;
  readonly embeddingModel: string;
  readonly dimensions: number;
  private readonly cfg: AiProviderConfig;
  private readonly embeddings: OpenAIEmbeddings;
  private readonly chats = new Map<string, ChatOpenAI>();
  /** Until when the server is known to have no /moderations (it answered 404). */
  private noModerationUntil = 0;

  constructor(cfg: AiProviderConfig) {
    this.cfg = cfg;
    this.chatModel = cfg.chatModel ?? DEFAULT_OPENAI_CHAT_MODEL;
    this.embeddingModel = cfg.embeddingModel ?? DEFAULT_OPENAI_EMBEDDING_MODEL;
    const dimensions = cfg.embeddingDimensions ?? KNOWN_EMBEDDING_DIMENSIONS[this.embeddingModel];
    if (!dimensions) {
      throw new Error(`embeddingDimensions is required for embedding model "${this.embeddingModel}" (its vector size is not known here)`);
    }
    this.dimensions = dimensions;
    this.embeddings = new OpenAIEmbeddings({
      model: this.embeddingModel,
      apiKey: this.apiKey,
      // Only ask for a size when configured: models without Matryoshka support reject `dimensions`.
      ...(cfg.embeddingDimensions ? { dimensions: cfg.embeddingDimensions } : {}),
      timeout: cfg.timeoutMs,
      maxRetries: this.maxRetries,
      configuration: { baseURL: cfg.baseUrl },
    });
  }

  private get apiKey(): string {
    // Self-hosted OpenAI-compatible servers usually ignore the key, but the client requires one.
    return this.cfg.apiKey ?? 'not-needed';
  }

  private get maxRetries(): number {
    return this.cfg.maxRetries ?? 2;
  }

  private chat(model: string, temperature: number | undefined): ChatOpenAI {
    const key = `${model}\u0000${temperature ?? ''}`;
    let chat = this.chats.get(key);
    if (!chat) {
      chat = new ChatOpenAI({
        model,
        apiKey: this.apiKey,
        ...(temperature !== undefined ? { temperature } : {}),
        streamUsage: true,
        timeout: this.cfg.timeoutMs,
        maxRetries: this.maxRetries,
        configuration: { baseURL: this.cfg.baseUrl },
      });
      this.chats.set(key, chat);
    }
    return chat;
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    return this.embeddings.embedDocuments(texts);
  }

  async answer(input: RagInput, onToken?: (delta: string) => void): Promise<RagAnswer> {
    const started = performance.now();
    if (input.chunks.length === 0) {
      // Nothing to ground an answer in: abstain without spending a request.
      return { answer: '', citations: [], confidence: 0, usage: { promptTokens: 0, completionTokens: 0 }, latencyMs: performance.now() - started };
    }

    const usage = { promptTokens: 0, completionTokens: 0 };
    let usageReported = false;
    const usageHandler = BaseCallbackHandler.fromMethods({
      handleLLMEnd(output: LLMResult) {
        // The streamed usage chunk (stream_options.include_usage) lands here as the message's usage_metadata.
        const tokenUsage = output.llmOutput?.['tokenUsage'] as { promptTokens?: number; completionTokens?: number } | undefined;
        if (!tokenUsage) return;
        usageReported = true;
        usage.promptTokens += tokenUsage.promptTokens ?? 0;
        usage.completionTokens += tokenUsage.completionTokens ?? 0;
      },
    });
    // Run the handler inline so usage is recorded before the stream ends.
    usageHandler.awaitHandlers = true;

    const chain = ragPrompt.pipe(this.chat(input.model ?? this.chatModel, input.temperature)).pipe(new StringOutputParser());
    const variables = {
      systemPrompt:
        (input.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT) +
        (input.language
          ? `\nThe customer writes in the language with ISO 639-1 code "${input.language}": answer in that language, whatever the language of the context.`
          : ''),
      context: formatContext(input.chunks),
      history: input.history.map(toMessage),
      question: input.question,
    };
    const stream = await chain.stream(variables, { callbacks: [usageHandler] });

    let text = '';
    let emitted = 0;
    for await (const delta of stream) {
      text += delta;
      // Hold deltas back while the reply could still be the NO_ANSWER sentinel.
      if (onToken && !couldBecomeNoAnswer(text) && text.length > emitted) {
        onToken(text.slice(emitted));
        emitted = text.length;
      }
    }
    const latencyMs = () => performance.now() - started;
    if (!usageReported) {
      // Some OpenAI-compatible servers ignore include_usage: estimate rather than report 0.
      const prompt = [variables.systemPrompt, variables.context, ...input.history.map((t) => t.content), input.question].join('\n');
      usage.promptTokens = approxTokenCount(prompt);
      usage.completionTokens = approxTokenCount(text);
    }

    if (isNoAnswer(text)) return { answer: '', citations: [], confidence: 0, usage, latencyMs: latencyMs() };
    if (onToken && text.length > emitted) onToken(text.slice(emitted));

    const numbers = parseCitationNumbers(text, input.chunks.length);
    const fallback = numbers.length === 0;
    const cited = fallback ? [topChunk(input.chunks)!] : numbers.map((n) => input.chunks[n - 1]!);
    const grounded = await this.checkGrounding(cited, text, input.model ?? this.chatModel);
    return {
      answer: text,
      citations: toCitations(cited),
      confidence: grounded === false ? 0 : citedConfidence(cited, fallback),
      ...(grounded !== undefined ? { grounded } : {}),
      usage,
      latencyMs: latencyMs(),
    };
  }

  /**
   * Does the cited context support the answer? A second, non-streamed call
   * with structured output at temperature 0. Undefined when the check itself
   * fails (the answer is then judged by its confidence alone).
   */
  async checkGrounding(cited: KnowledgeChunk[], answer: string, model: string): Promise<boolean | undefined> {
    try {
      const judge = this.chat(model, 0).withStructuredOutput(groundingSchema, { name: 'grounding_check' });
      const verdict = await groundingPrompt.pipe(judge).invoke({ context: formatContext(cited), answer });
      return verdict.supported;
    } catch {
      return undefined;
    }
  }

  /**
   * The server's moderation endpoint (POST {baseUrl}/moderations, OpenAI's
   * shape). Servers without one answer 404: the offline check stands in and
   * the endpoint is not asked again for a while. Any other failure also falls
   * back to the offline check, so moderation never blocks a conversation.
   */
  async moderate(text: string): Promise<ModerationResult> {
    if (Date.now() < this.noModerationUntil) return moderateLocally(text);
    const base = (this.cfg.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    try {
      const res = await fetch(`${base}/moderations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
        body: JSON.stringify({ input: text }),
        // A customer's message waits on this: never longer than MODERATION_TIMEOUT_MS, then the offline check.
        signal: AbortSignal.timeout(Math.min(this.cfg.timeoutMs ?? MODERATION_TIMEOUT_MS, MODERATION_TIMEOUT_MS)),
      });
      if (res.status === 404) {
        this.noModerationUntil = Date.now() + NO_MODERATION_RETRY_MS;
        return moderateLocally(text);
      }
      if (!res.ok) return moderateLocally(text);
      const body = (await res.json()) as { results?: { flagged?: boolean; categories?: Record<string, boolean> }[] };
      const result = body.results?.[0];
      if (!result || typeof result.flagged !== 'boolean') return moderateLocally(text);
      const categories = Object.entries(result.categories ?? {})
        .filter(([, on]) => on)
        .map(([name]) => name);
      return { flagged: result.flagged, categories: result.flagged ? categories : [], pii: detectPii(text), source: 'openai' };
    } catch {
      return moderateLocally(text);
    }
  }

  async translate(text: string, language: string): Promise<string | null> {
    try {
      const out = await translatePrompt.pipe(this.chat(this.chatModel, 0)).pipe(new StringOutputParser()).invoke({ text, language });
      return out.trim() || null;
    } catch {
      return null;
    }
  }

  async analyze(text: string, options: AnalyzeOptions = {}): Promise<MessageAnalysis> {
    const [first, ...rest] = options.intents ?? [];
    // A workspace taxonomy replaces the built-in labels: the model may only answer one of them.
    const schema =
      first !== undefined
        ? messageAnalysisSchema.extend({ intent: z.enum([first, ...rest]).describe('Customer-service intent of the message') })
        : messageAnalysisSchema;
    const model = this.chat(this.chatModel, 0).withStructuredOutput(schema, { name: 'message_analysis' });
    const result = await analysisPrompt.pipe(model).invoke({ text });
    const language = result.language.trim().toLowerCase();
    const sentiment = Math.max(-1, Math.min(1, result.sentiment));
    return {
      intent: result.intent,
      sentiment,
      sentimentLabel: sentimentLabelFor(sentiment),
      language: /^[a-z]{2}$/.test(language) ? language : 'und',
      wantsHuman: result.wantsHuman,
    };
  }
}
