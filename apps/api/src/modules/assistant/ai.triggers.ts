// What a customer message sets off: analysis always, an AI answer while the
// conversation is in AI mode. Outbox entries the timeline writes in the
// message's own transaction (and dispatches after commit); job ids make a retried
// request enqueue nothing new. The conversations module does not call these:
// it emits customerMessageAppended to its TimelineSubscriber, which app/
// builds here (`assistantTimelineSubscriber`).
import type { Config } from '../../platform/config.js';
import type { Em } from '../../platform/database.js';
import type { Logger } from '../../platform/logger.js';
import { outboxEntry, type OutboxDispatcher } from '../../platform/outbox.js';
import { OutboxEntry } from '../../platform/outbox.entity.js';
import type { JobRunner } from '../../platform/queue.js';
import { type Conversation, ConversationMode, Message, type TimelineSubscriber } from '../conversations/index.js';
import type { AiProviders } from '../../platform/ai.js';
import { analyzeJob } from './analyze.job.js';
import { answerJob } from './answer.job.js';
import { assistantSettings, moderateCustomerMessage } from './moderation.service.js';

/** The assistant's subscription to the conversation timeline (wired by app/ into AppDeps.timelineSubscriber). */
export function assistantTimelineSubscriber(deps: {
  jobs: JobRunner;
  outbox: OutboxDispatcher;
  config: Config;
  logger: Logger;
  ai: AiProviders;
}): TimelineSubscriber {
  return {
    async screenCustomerMessage(em, workspaceId, body, moderationEnabled) {
      const enabled = moderationEnabled ?? (await assistantSettings(em, workspaceId)).moderationEnabled;
      return moderateCustomerMessage(deps.ai.embedder, enabled, body);
    },
    customerMessageAppended: ({ em, conversation, message }) => onCustomerMessage(em, deps.config, conversation, message),
    customerMessageResent: ({ em, conversation, message }) => redriveCustomerMessage(deps, em, conversation, message),
  };
}

export function onCustomerMessage(em: Em, config: Config, conversation: Conversation, message: Pick<Message, 'id' | 'seq'>): OutboxEntry[] {
  const workspaceId = conversation.workspace.id;
  const entries = [outboxEntry(em, analyzeJob, { workspaceId, messageId: message.id }, { jobId: message.id })];
  if (config.ai.autoReply && conversation.mode === ConversationMode.AI) entries.push(answerFor(em, conversation, message.seq));
  return entries;
}

export const answerJobId = (conversationId: string, seq: number) => `${conversationId}:${seq}`;

function answerFor(em: Em, conversation: Conversation, seq: number) {
  return outboxEntry(
    em,
    answerJob,
    { workspaceId: conversation.workspace.id, conversationId: conversation.id, replyToSeq: seq },
    { jobId: answerJobId(conversation.id, seq) },
  );
}

/**
 * A retried send of a message we already have: whatever the first try set
 * off and is not done yet is driven again. Entries still in the outbox go to
 * the queue; an answer that never came (and no handoff since) is enqueued
 * again, replacing a finished job with the same id (a live one is left alone).
 */
export async function redriveCustomerMessage(
  deps: { jobs: JobRunner; outbox: OutboxDispatcher; config: Config; logger: Logger },
  em: Em,
  conversation: Conversation,
  message: Pick<Message, 'id' | 'seq'>,
): Promise<void> {
  const jobId = answerJobId(conversation.id, message.seq);
  const pending = await em.find(OutboxEntry, { jobId: { $in: [message.id, jobId] } });
  if (pending.length) return deps.outbox.dispatch(pending);
  if (!deps.config.ai.autoReply || conversation.mode !== ConversationMode.AI) return;
  if (await em.count(Message, { conversation: conversation.id, replyToSeq: message.seq })) return;
  const data = { workspaceId: conversation.workspace.id, conversationId: conversation.id, replyToSeq: message.seq };
  await deps.jobs
    .enqueue(answerJob, data, { jobId, redrive: true })
    .catch((err) => deps.logger.warn({ err: (err as Error).message, conversationId: conversation.id }, 'answer re-drive failed; the reconciler will retry'));
}
