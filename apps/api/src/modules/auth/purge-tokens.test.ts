import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../test/testkit.js';
import { withRedis } from '../../../test/needs.js';
import { purgeTokensJob } from './purge-tokens.job.js';

describe('auth.purge-tokens job', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  const seed = async () => {
    const ws = await t.createWorkspace();
    // createWorkspace logged in once: one live token. Add an old expired one and an old rotated one.
    const old = new Date(Date.now() - 30 * 86400_000);
    for (const [expires, rotated] of [
      [old, null],
      [new Date(Date.now() + 86400_000), old],
    ] as const) {
      await t.sql(
        'insert into refresh_token (id, workspace_id, user_id, token_hash, family_id, expires_at, rotated_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), ws.workspaceId, ws.userId, randomUUID().replaceAll('-', ''), randomUUID(), expires, rotated, old],
      );
    }
    return ws;
  };
  const count = async (ws: { workspaceId: string }) =>
    (await t.sql('select count(*)::int as n from refresh_token where workspace_id = ?', [ws.workspaceId]))[0].n;

  it('deletes only credentials past the grace period', async () => {
    const ws = await seed();
    expect(await count(ws)).toBe(3);
    await purgeTokensJob.handle({ graceDays: 7 }, { ...t.server.deps, attempt: 0, lastAttempt: true });
    expect(await count(ws)).toBe(1);
  });

  withRedis('runs through a real BullMQ queue and worker', async () => {
    const ws = await seed();
    const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const queueName = `maintenance-test-${randomUUID()}`;
    const queue = new Queue(queueName, { connection });
    const workerConnection = connection.duplicate();
    const worker = new Worker(queueName, (job) => purgeTokensJob.handle(job.data, { ...t.server.deps, attempt: 0, lastAttempt: true }), {
      connection: workerConnection,
    });
    try {
      const job = await queue.add(purgeTokensJob.name, { graceDays: 7 });
      const deadline = Date.now() + 15_000;
      while (!(await job.isCompleted()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await job.isCompleted()).toBe(true);
      expect(await count(ws)).toBe(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await Promise.all([connection, workerConnection].map((c) => c.quit()));
    }
  });
});
