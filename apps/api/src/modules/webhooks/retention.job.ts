// webhooks.retention: events (and, by cascade, their delivery log) are kept
// for WEBHOOK_RETENTION_DAYS, or for the workspace's own data retention when
// that is shorter (their payloads carry message texts and CSAT comments,
// which the workspace's retention removes everywhere else). An event with a
// delivery still pending stays until that delivery has ended. Hourly, per
// workspace, in batches.
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { Workspace } from '../workspaces/index.js';

const BATCH = 1_000;

export const webhookRetentionJob: JobDefinition<Record<string, never>> = {
  name: 'webhooks.retention',
  queue: QUEUES.maintenance,
  async handle(_data, { orm, config, logger }) {
    const workspaces = await forkFor(orm, null).find(Workspace, {}, { filters: false, fields: ['id', 'retentionDays'] });
    let deleted = 0;
    for (const workspace of workspaces) {
      const days = Math.min(config.webhooks.retentionDays, workspace.retentionDays ?? Infinity);
      const cutoff = new Date(Date.now() - days * 86_400_000);
      for (;;) {
        const rows = await forkFor(orm, null).execute<{ id: string }[]>(
          `delete from webhook_event where id in (
             select e.id from webhook_event e
              where e.workspace_id = ? and e.occurred_at < ? and not e.fan_out_pending
                and not exists (select 1 from webhook_delivery d where d.event_id = e.id and d.status = 'PENDING')
              limit ${BATCH}) returning id`,
          [workspace.id, cutoff],
        );
        deleted += rows.length;
        if (rows.length < BATCH) break;
      }
    }
    if (deleted) logger.info({ deleted }, 'webhook events past retention deleted');
    return { deleted };
  },
};
