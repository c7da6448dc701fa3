// ai.reconcile: the safety net under "nobody who writes in is forgotten".
// Finds customer messages in AI-mode conversations that, after
// RECONCILE_AFTER_SECONDS, have neither an AI reply nor anything after them
// from an agent or the system (a handoff note, a reply), and drives their
// answer again. A job still waiting or retrying is left alone; a finished one
// is replaced (see EnqueueOptions.redrive), and the answer job itself never
// answers twice.
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { answerJob } from './answer.job.js';
import { answerJobId } from './ai.triggers.js';

const LOOKBACK_HOURS = 24;
const BATCH = 200;

export const reconcileJob: JobDefinition<Record<string, never>> = {
  name: 'ai.reconcile',
  queue: QUEUES.maintenance,
  attempts: 1,
  async handle(_data, ctx) {
    if (!ctx.config.ai.autoReply) return { skipped: 'auto-reply is off' };
    const em = forkFor(ctx.orm, null);
    const rows: { workspace_id: string; conversation_id: string; seq: number }[] = await em.getConnection().execute(
      `select m.workspace_id, m.conversation_id, m.seq
         from message m
         join conversation c on c.id = m.conversation_id
        where m.author_type = 'CUSTOMER'
          and c.mode = 'AI'
          and m.created_at < now() - make_interval(secs => ?)
          and m.created_at > now() - make_interval(hours => ?)
          and not exists (select 1 from message r where r.conversation_id = m.conversation_id and r.reply_to_seq = m.seq)
          and not exists (select 1 from message a where a.conversation_id = m.conversation_id and a.seq > m.seq and a.author_type in ('AGENT', 'SYSTEM'))
        order by m.created_at
        limit ${BATCH}`,
      [ctx.config.jobs.reconcileAfterSeconds, LOOKBACK_HOURS],
    );
    for (const r of rows) {
      await ctx.jobs.enqueue(
        answerJob,
        { workspaceId: r.workspace_id, conversationId: r.conversation_id, replyToSeq: r.seq },
        { jobId: answerJobId(r.conversation_id, r.seq), redrive: true },
      );
    }
    if (rows.length) ctx.logger.warn({ messages: rows.length }, 'reconciler re-drove unanswered customer messages');
    return { redriven: rows.length };
  },
};
