// Uploads never sent with a message are deleted after a day (rows, then files).
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { deleteFiles } from './attachment.service.js';

export const UNSENT_TTL_HOURS = 24;
const BATCH = 500;

export interface SweepAttachmentsData {
  /** Tests: sweep uploads older than this many hours instead of a day. */
  olderThanHours?: number;
}

export const sweepAttachmentsJob: JobDefinition<SweepAttachmentsData> = {
  name: 'attachments.sweep',
  queue: QUEUES.maintenance,
  async handle(data, { orm, config, logger }) {
    const cutoff = new Date(Date.now() - (data.olderThanHours ?? UNSENT_TTL_HOURS) * 3600_000);
    let swept = 0;
    for (;;) {
      const rows = await forkFor(orm, null).execute<{ storage_key: string }[]>(
        `delete from attachment where id in (
           select id from attachment where message_id is null and created_at < ? order by created_at limit ${BATCH} for update skip locked
         ) returning storage_key`,
        [cutoff],
      );
      await deleteFiles(
        config,
        logger,
        rows.map((r) => r.storage_key),
      );
      swept += rows.length;
      if (rows.length < BATCH) break;
    }
    if (swept) logger.info({ swept }, 'attachments: unsent uploads deleted');
    return { swept };
  },
};
