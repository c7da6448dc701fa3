// ai.answer: the assistant's reply to one customer message. Streams tokens to
// the conversation feed, stores one AI message with citations, confidence,
// model configuration, tokens and latency, or hands the conversation to a
// human (missing_knowledge, customer_request, low_confidence, provider_error;
// unsupported_language when the customer writes a language the workspace
// does not support and the knowledge base has no answer in it;
// policy_restriction when moderation flags the answer; ungrounded_answer
// when the provider's grounding check (openai) finds that the cited context
// does not support it; job_failed when the
// job itself fails for good, e.g. the database stayed down through every
// retry or the job kept killing its worker).
// Multilingual: a question in a supported language other than the knowledge
// base's (Workspace.supportedLanguages[0]) is translated for retrieval by
// providers that can (openai) and answered in the customer's language.
// Moderation: when the workspace moderates, the answer streams sentence by
// sentence, each released once the answer up to it passes the check
// (ModeratedStream); a flagged answer is handed off, and no part of it past
// the last clean sentence ever reaches the customer.
// A bare greeting or thanks gets a courteous reply without retrieval or model.
// Keyed by (conversation, customer seq): a retried job never answers twice.
import { randomUUID } from 'node:crypto';
import { detectLanguage, detectSmallTalk, detectWantsHuman, smallTalkReply } from '@switchboard/ai';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { forkFor, type Em } from '../../platform/database.js';
import { countAnswer, countHandoff } from '../../platform/metrics.js';
import { DEFAULT_ATTEMPTS, QUEUES, type JobContext, type JobDefinition } from '../../platform/queue.js';
import {
  applyHandOff,
  AuthorType,
  Conversation,
  conversationEvents,
  ConversationMode,
  Message,
  MessageKind,
  publishConversationChanged,
  publishMessageAdded,
  publishRouting,
  routeHandoff,
  Timeline,
} from '../conversations/index.js';
import { emitWebhookEvents, messageData, pokeFanOut, WebhookEventType } from '../webhooks/index.js';
import { ModeratedStream } from './moderated-stream.js';
import { draftAnswer, toHistory } from './answering.js';
import { ensureModelConfigs, pickModelConfig } from './model-config.service.js';
import { assistantSettings } from './moderation.service.js';

export interface AnswerData {
  workspaceId: string;
  conversationId: string;
  /** The customer message to answer. */
  replyToSeq: number;
}

export type HandoffReason =
  | 'missing_knowledge'
  | 'customer_request'
  | 'low_confidence'
  | 'provider_error'
  | 'job_failed'
  | 'unsupported_language'
  | 'policy_restriction'
  | 'ungrounded_answer';

const HISTORY = 12;

type AiReply = NonNullable<Parameters<Timeline['append']>[2]['ai']>;

async function handOff(
  em: Em,
  ctx: Pick<JobContext, 'pubSub' | 'orm' | 'jobs' | 'logger' | 'presence'>,
  conversationId: string,
  reason: HandoffReason,
  language?: string,
) {
  const timeline = new Timeline(ctx);
  const result = await em.transactional(async (tx) => {
    const c = await tx.findOne(Conversation, { id: conversationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!c || c.mode !== ConversationMode.AI) return null;
    applyHandOff(timeline, tx, c, reason, language);
    const routing = await routeHandoff(tx, c, ctx.presence, ctx.logger);
    const events = [...conversationEvents(c, 'handed_off'), ...(routing.assignedId ? conversationEvents(c, 'assigned') : [])];
    return { conversation: c, routing, fanOut: await emitWebhookEvents(tx, c.workspace.id, events) };
  });
  if (!result) return { handedOff: false as const };
  pokeFanOut(ctx, result.fanOut);
  countHandoff(reason);
  await timeline.publish();
  publishConversationChanged(ctx.pubSub, result.conversation, 'handed_off');
  publishRouting(ctx.pubSub, result.conversation, result.routing);
  return { handedOff: reason };
}

export const answerJob: JobDefinition<AnswerData> = {
  name: 'ai.answer',
  queue: QUEUES.ai,
  // Spans 127 s of retries (see DEFAULT_ATTEMPTS): outlasts a minute of database or model-server downtime.
  attempts: DEFAULT_ATTEMPTS,
  async handle(data, ctx) {
    const result: { skipped?: string; handedOff?: string | false; answered?: number; smallTalk?: boolean } = await answer(data, ctx);
    countAnswer(result.answered !== undefined ? (result.smallTalk ? 'small_talk' : 'answered') : result.handedOff ? 'handed_off' : 'skipped');
    return result;
  },
  // The customer must not wait on a job that will never answer: a human takes
  // over (once: handOff only acts while the conversation is in AI mode).
  async onFailed({ workspaceId, conversationId }, ctx) {
    await handOff(forkFor(ctx.orm, workspaceId), ctx, conversationId, 'job_failed');
  },
};

async function answer({ workspaceId, conversationId, replyToSeq }: AnswerData, ctx: JobContext) {
  const em = forkFor(ctx.orm, workspaceId);
  const conversation = await em.findOne(Conversation, { id: conversationId });
  if (!conversation || conversation.mode !== ConversationMode.AI) return { skipped: 'not in AI mode' };
  // Already answered: by an earlier attempt whose process died between the
  // commit and the announcement, perhaps. Announce the reply again; feeds drop
  // a seq they already delivered, and one that missed it gets it now.
  if (await reannounce(em, ctx, conversationId, replyToSeq)) return { skipped: 'already answered' };
  const question = await em.findOne(Message, { conversation: conversationId, seq: replyToSeq });
  if (!question || question.authorType !== AuthorType.CUSTOMER) return { skipped: 'not a customer message' };

  if (detectWantsHuman(question.body)) return handOff(em, ctx, conversationId, 'customer_request');

  const mc = pickModelConfig(await ensureModelConfigs(em, ctx.config, workspaceId), conversationId);
  const smallTalk = detectSmallTalk(question.body);
  if (smallTalk) {
    const stored = await store(em, ctx, conversationId, replyToSeq, smallTalkReply(smallTalk), {
      // No model ran: no tokens, and no latency to count in the model's figures.
      replyToSeq,
      citations: [],
      confidence: 1,
      modelConfigId: mc.id,
      promptTokens: 0,
      completionTokens: 0,
      latencyMs: null,
    });
    return { ...stored, smallTalk: true };
  }
  const history = toHistory(
    (
      await em.find(
        Message,
        { conversation: conversationId, seq: { $lt: replyToSeq }, kind: MessageKind.MESSAGE },
        { orderBy: { seq: 'desc' }, limit: HISTORY },
      )
    ).reverse(),
  );
  const settings = await assistantSettings(em, workspaceId);
  const baseLanguage = settings.supportedLanguages[0]!;
  // Too short to tell ("merci"): the conversation's language, once analysis has found it.
  let language = detectLanguage(question.body);
  if (language === 'und') language = conversation.language ?? 'und';
  const foreign = language !== 'und' && language !== baseLanguage;
  const supported = !foreign || settings.supportedLanguages.includes(language);
  const provider = ctx.ai.get({ provider: mc.provider, model: mc.model });
  // A supported foreign language is searched in the base's language where the provider can translate (null: it cannot).
  const retrievalQuery = foreign && supported ? ((await provider.translate(question.body, baseLanguage)) ?? undefined) : undefined;

  let draft;
  // Every run streams under its own attempt id, so a client drops the partial
  // text of a run that died (a retry, or a worker that crashed mid-stream).
  const attempt = randomUUID();
  const publish = (delta: string) =>
    ctx.pubSub.publish('conversation', conversationId, { type: 'ai_chunk', workspaceId, conversationId, replyToSeq, delta, attempt });
  const gate = settings.moderationEnabled ? new ModeratedStream((text) => provider.moderate(text), publish) : null;
  try {
    draft = await draftAnswer(ctx, em, workspaceId, mc, question.body, history, gate ? gate.push : publish, {
      retrievalQuery,
      language: foreign ? language : undefined,
    });
  } catch (err) {
    if (ctx.lastAttempt) {
      ctx.logger.warn({ err: (err as Error).message, conversationId }, 'AI provider failed; handing off');
      return handOff(em, ctx, conversationId, 'provider_error');
    }
    throw err;
  }
  const { answer, hits } = draft;
  // The last sentences' checks finish before anything is decided: nothing is published after a handoff.
  const flagged = gate ? await gate.settle(answer.answer) : null;
  const unanswered =
    !hits.length || !answer.answer.trim()
      ? 'missing_knowledge'
      : answer.grounded === false
        ? 'ungrounded_answer'
        : answer.confidence < mc.confidenceThreshold
          ? 'low_confidence'
          : null;
  // The base did not answer a language the team does not serve: say so rather than blame the base.
  // The note speaks the language the customer just wrote in.
  const noteLanguage = language === 'und' ? undefined : language;
  if (unanswered) return handOff(em, ctx, conversationId, supported ? unanswered : 'unsupported_language', noteLanguage);
  if (flagged) {
    ctx.logger.warn({ conversationId, categories: flagged.categories }, 'AI answer withheld by moderation; handing off');
    return handOff(em, ctx, conversationId, 'policy_restriction', noteLanguage);
  }

  return store(em, ctx, conversationId, replyToSeq, answer.answer.trim(), {
    replyToSeq,
    citations: answer.citations,
    confidence: answer.confidence,
    modelConfigId: mc.id,
    promptTokens: answer.usage.promptTokens,
    completionTokens: answer.usage.completionTokens,
    latencyMs: Math.round(answer.latencyMs),
  });
}

/** Stores the AI reply once (unless an agent took over meanwhile) and announces it. */
async function store(em: Em, ctx: JobContext, conversationId: string, replyToSeq: number, body: string, ai: AiReply) {
  let stored: { message: Message; conversation: Conversation; fanOut: boolean } | null;
  const timeline = new Timeline(ctx);
  try {
    stored = await em.transactional(async (tx) => {
      const c = await tx.findOne(Conversation, { id: conversationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      // An agent may have taken over while the answer was being generated.
      if (!c || c.mode !== ConversationMode.AI) return null;
      if (await tx.count(Message, { conversation: conversationId, replyToSeq })) return null;
      const message = timeline.append(tx, c, { authorType: AuthorType.AI, body, ai });
      const fanOut = await emitWebhookEvents(tx, c.workspace.id, [{ type: WebhookEventType.MESSAGE_CREATED, data: { message: messageData(message) } }]);
      return { message, conversation: c, fanOut };
    });
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException && (await reannounce(em.fork(), ctx, conversationId, replyToSeq)))
      return { skipped: 'already answered' };
    throw err;
  }
  if (!stored) return (await reannounce(em.fork(), ctx, conversationId, replyToSeq)) ? { skipped: 'already answered' } : { skipped: 'taken over' };
  pokeFanOut(ctx, stored.fanOut);
  await timeline.publish();
  publishConversationChanged(ctx.pubSub, stored.conversation, 'updated');
  return { answered: stored.message.seq, confidence: ai.confidence };
}

/**
 * The reply to `replyToSeq` if one is stored, announced again: an earlier
 * attempt whose process died between its commit and its announcement leaves
 * feeds without it. Feeds drop a seq they already delivered.
 */
async function reannounce(em: Em, ctx: JobContext, conversationId: string, replyToSeq: number) {
  const earlier = await em.findOne(Message, { conversation: conversationId, replyToSeq });
  if (earlier) publishMessageAdded(ctx.pubSub, earlier);
  return earlier !== null;
}
