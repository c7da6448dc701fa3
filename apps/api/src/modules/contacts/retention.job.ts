// Enforces each workspace's data retention (Workspace.retentionDays): once a
// resolved conversation has been quiet for that long, its message texts,
// AI analyses, CSAT comment and ticket descriptions are removed, and a
// contact whose conversations have all been purged loses name and email.
// Their attachments go whole (rows in the batch's transaction, files after it).
// Counts, timestamps, authors, ratings and AI figures stay, so analytics do
// not change. Runs on a schedule (app/schedules.ts), in batches, each
// batch one transaction with its audit entry; safe to run concurrently.
import { randomUUID } from 'node:crypto';
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { Workspace } from '../workspaces/index.js';
import { deleteFiles, removeConversationAttachments } from '../attachments/index.js';

export const RETAINED = '[removed by retention policy]';
const BATCH = 500;

export type RetentionData = Record<string, never>;

export const retentionJob: JobDefinition<RetentionData> = {
  name: 'data.retention',
  queue: QUEUES.maintenance,
  async handle(_data, { orm, logger, config }) {
    const workspaces = await forkFor(orm, null).find(Workspace, { retentionDays: { $ne: null } }, { filters: false });
    let purged = 0;
    for (const workspace of workspaces) {
      const cutoff = new Date(Date.now() - workspace.retentionDays! * 86400_000);
      for (;;) {
        const { n, files } = await forkFor(orm, workspace.id).transactional(async (tx) => {
          const run = <T = unknown>(sql: string, params: unknown[]) => tx.execute<T[]>(sql, params as never[]);
          const rows = await run<{ id: string; contact_id: string }>(
            `select id, contact_id from conversation
              where workspace_id = ? and status = 'RESOLVED' and retention_purged_at is null and last_message_at < ?
              order by last_message_at limit ${BATCH} for update skip locked`,
            [workspace.id, cutoff],
          );
          if (!rows.length) return { n: 0, files: [] as string[] };
          const ids = rows.map((r) => r.id);
          const contacts = [...new Set(rows.map((r) => r.contact_id))];
          const idList = `{${ids.join(',')}}`;
          await run(`update message set body = ?, analysis = null where conversation_id = any(?::uuid[])`, [RETAINED, idList]);
          await run(`update conversation set csat_comment = null, retention_purged_at = now() where id = any(?::uuid[])`, [idList]);
          const files = await removeConversationAttachments(tx, ids);
          await run(`update ticket set description = null where conversation_id = any(?::uuid[])`, [idList]);
          await run(
            `update contact set name = null, email = null where id = any(?::uuid[])
               and not exists (select 1 from conversation c where c.contact_id = contact.id and c.retention_purged_at is null)`,
            [`{${contacts.join(',')}}`],
          );
          await run(
            `insert into audit_log (id, workspace_id, actor_type, action, target_type, target_id, metadata, created_at, request_id) values (?, ?, 'SYSTEM', 'retention.purge', 'Workspace', ?, ?::jsonb, now(), ?)`,
            [
              randomUUID(),
              workspace.id,
              workspace.id,
              JSON.stringify({ conversations: ids.length, retentionDays: workspace.retentionDays, before: cutoff.toISOString() }),
              'retention',
            ],
          );
          return { n: ids.length, files };
        });
        await deleteFiles(config, logger, files);
        purged += n;
        if (n < BATCH) break;
      }
    }
    if (purged) logger.info({ purged }, 'retention: conversation texts removed');
    return { workspaces: workspaces.length, purged };
  },
};
