// ai.analyze: intent, sentiment, language and "wants a human" of a customer
// message, stored on the message (the deployment's provider; offline for `local`).
// Personal data (emails, phone and card numbers) is redacted first: the labels
// never need it, and with `openai` the text leaves the building.
import { redactPii } from '@switchboard/ai';
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { Conversation, Message } from '../conversations/index.js';
import { workspaceIntentClassifier } from './intent.service.js';

export interface AnalyzeData {
  workspaceId: string;
  messageId: string;
}

export const analyzeJob: JobDefinition<AnalyzeData> = {
  name: 'ai.analyze',
  queue: QUEUES.ai,
  async handle({ workspaceId, messageId }, ctx) {
    const em = forkFor(ctx.orm, workspaceId);
    const message = await em.findOne(Message, { id: messageId });
    if (!message) return { skipped: 'deleted' };
    const text = redactPii(message.body);
    // A workspace that trained its own taxonomy gets its own labels: the openai
    // provider chooses among them (structured output), offline its classifier labels.
    const own = await workspaceIntentClassifier(ctx.orm, em, workspaceId);
    const provider = ctx.ai.embedder;
    const a = await provider.analyze(text, own ? { intents: own.labels } : undefined);
    if (own && provider.name === 'local') a.intent = own.predict(text).label;
    await em.nativeUpdate(
      Message,
      { id: messageId },
      {
        analysis: { intent: a.intent, sentiment: a.sentiment, sentimentLabel: a.sentimentLabel, language: a.language, wantsHuman: a.wantsHuman },
      },
    );
    // The conversation takes the language of the first customer message it could be told from.
    if (a.language && a.language !== 'und') {
      await em.nativeUpdate(Conversation, { id: message.conversation.id, language: null }, { language: a.language });
    }
    return a;
  },
};
