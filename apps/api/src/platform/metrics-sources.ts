// What a server or worker process reports at scrape time: its BullMQ queues
// and its PostgreSQL pool. Each returns the function that stops reporting.
import { openQueue } from './jobs.js';
import type { Redis } from 'ioredis';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import type { Orm } from './database.js';
import { watchPool, watchQueues, type QueueCounts } from './metrics.js';
import { QUEUES } from './queue.js';

export function reportQueues(connection: Redis, prefix: string): () => Promise<void> {
  const queues = Object.values(QUEUES).map((name) => openQueue(name, connection, prefix));
  const unwatch = watchQueues(() =>
    Promise.all(
      queues.map(async (q): Promise<QueueCounts> => {
        const c = await q.getJobCounts('waiting', 'active', 'failed', 'delayed', 'prioritized');
        return { name: q.name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 };
      }),
    ),
  );
  return async () => {
    unwatch();
    await Promise.allSettled(queues.map((q) => q.close()));
  };
}

/** The pg pool behind the ORM (nothing on the embedded database). */
export function reportPool(orm: Orm): () => void {
  if (orm.config.get('driver') !== PostgreSqlDriver) return () => {};
  const connection = orm.em.getConnection() as unknown as { getNativeClient(): Promise<Pool> };
  return watchPool(async () => {
    const pool = await connection.getNativeClient();
    return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
  });
}
