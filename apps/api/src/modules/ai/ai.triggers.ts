// What a customer message sets off: analysis always, an AI answer while the
// conversation is in AI mode. Job ids make a retried request enqueue nothing new.
import type { Config } from '../../platform/config.js';
import type { JobRunner } from '../../platform/queue.js';
import { ConversationMode, type Conversation } from '../conversations/conversation.entity.js';
import type { Message } from '../messages/message.entity.js';
import { analyzeJob } from './analyze.job.js';
import { answerJob } from './answer.job.js';

export async function onCustomerMessage(deps: { jobs: JobRunner; config: Config }, conversation: Conversation, message: Message) {
  const { jobs } = deps;
  const workspaceId = conversation.workspace.id;
  await jobs.enqueue(analyzeJob, { workspaceId, messageId: message.id }, { jobId: message.id });
  if (deps.config.ai.autoReply && conversation.mode === ConversationMode.AI) {
    await jobs.enqueue(answerJob, { workspaceId, conversationId: conversation.id, replyToSeq: message.seq }, { jobId: `${conversation.id}:${message.seq}` });
  }
}
