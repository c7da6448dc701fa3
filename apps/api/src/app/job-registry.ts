// Every job the workers run, registered explicitly.
import { analyzeJob } from '../modules/assistant/analyze.job.js';
import { answerJob } from '../modules/assistant/answer.job.js';
import { reconcileJob } from '../modules/assistant/reconcile.job.js';
import { evaluateJob } from '../modules/assistant/evaluate.job.js';
import { purgeTokensJob } from '../modules/auth/purge-tokens.job.js';
import { embedFaqJob } from '../modules/knowledge/embed.job.js';
import { retentionJob } from '../modules/contacts/retention.job.js';
import { rollupJob } from '../modules/analytics/rollup.job.js';
import { deliverWebhookJob } from '../modules/webhooks/deliver.job.js';
import { sweepWebhooksJob } from '../modules/webhooks/sweep.job.js';
import { fanOutWebhooksJob } from '../modules/webhooks/fan-out.job.js';
import { webhookRetentionJob } from '../modules/webhooks/retention.job.js';
import { slaBreachJob } from '../modules/tickets/sla.job.js';
import { routeWaitingJob } from '../modules/conversations/route-waiting.job.js';
import { sweepAttachmentsJob } from '../modules/attachments/sweep.job.js';
import type { JobDefinition } from '../platform/queue.js';

export const jobs = new Map<string, JobDefinition<never>>(
  (
    [
      purgeTokensJob,
      retentionJob,
      rollupJob,
      embedFaqJob,
      answerJob,
      analyzeJob,
      evaluateJob,
      reconcileJob,
      deliverWebhookJob,
      fanOutWebhooksJob,
      sweepWebhooksJob,
      webhookRetentionJob,
      slaBreachJob,
      routeWaitingJob,
      sweepAttachmentsJob,
    ] as JobDefinition<never>[]
  ).map((j) => [j.name, j]),
);
