// The in-process job runner (the embedded mode's, without Redis): attempts,
// the shared retry delays, failures recorded once with their onFailed hook
// (retried until it succeeds), and what shutting down does to a failing job.
// With Redis, the BullMQ runner's `idle` (what tests wait on before checking
// that a job changed nothing).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { eventually, startTestServer, type TestServer } from '../../test/testkit.js';
import { BullJobRunner, bullJobId, InProcessJobRunner, startWorkers, type JobDeps } from './jobs.js';
import { QUEUES, RetryLater, type JobContext, type JobDefinition } from './queue.js';

interface Call {
  attempt: number;
  lastAttempt: boolean;
  at: number;
}

describe('in-process job runner', () => {
  let t: TestServer;
  let deps: JobDeps;
  const failures = (jobId: string) =>
    t.sql<{ name: string; queue: string; error: string; attempts: number; data: unknown }>(
      `select name, queue, error, attempts, data from job_failure where job_id = ?`,
      [jobId],
    );

  beforeAll(async () => {
    t = await startTestServer();
    const { orm, logger, pubSub, config, ai } = t.server.deps;
    deps = { orm, logger, pubSub, config: { ...config, jobs: { ...config.jobs, retryBaseMs: 40 } }, ai };
  });
  afterAll(() => t.close());

  /** A job whose handler records each call and then does what `outcome` says for that attempt. */
  function job(name: string, outcome: (ctx: JobContext) => unknown, extra: Partial<JobDefinition<{ n: number }>> = {}) {
    const calls: Call[] = [];
    const definition: JobDefinition<{ n: number }> = {
      name,
      queue: QUEUES.maintenance,
      async handle(_data, ctx) {
        calls.push({ attempt: ctx.attempt, lastAttempt: ctx.lastAttempt, at: Date.now() });
        return outcome(ctx);
      },
      ...extra,
    };
    return { definition, calls };
  }
  const runnerFor = (...defs: JobDefinition<{ n: number }>[]) =>
    new InProcessJobRunner(deps, new Map(defs.map((d) => [d.name, d as unknown as JobDefinition<never>])));

  it('runs every attempt with exponential delays, then records the failure once and runs onFailed once', async () => {
    const hooks: string[] = [];
    const { definition, calls } = job(
      'test.always-fails',
      ({ attempt }) => {
        throw new Error(`down (attempt ${attempt})`);
      },
      { attempts: 3, onFailed: async (_data, _ctx, error) => void hooks.push(error) },
    );
    const runner = runnerFor(definition);
    const jobId = randomUUID();
    await runner.enqueue(definition, { n: 1 }, { jobId });
    await runner.idle();

    expect(calls.map((c) => [c.attempt, c.lastAttempt])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
    // retryDelay: 40 ms, then 80 ms (timers never fire early by more than a millisecond).
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(39);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(79);
    expect(await failures(jobId)).toEqual([{ name: 'test.always-fails', queue: 'maintenance', error: 'down (attempt 2)', attempts: 3, data: { n: 1 } }]);
    expect(hooks).toEqual(['down (attempt 2)']);
    await runner.close();
  });

  it('retries TypeErrors and thrown non-errors like any other failure, and stops at the first success', async () => {
    const { definition: typeErrors, calls: typeErrorCalls } = job('test.type-errors', ({ attempt }) => {
      if (attempt < 2) throw new TypeError(`Cannot read properties of undefined (attempt ${attempt})`);
      return 'done';
    });
    const { definition: strings, calls: stringCalls } = job(
      'test.throws-strings',
      () => {
        throw 'not an error';
      },
      { attempts: 2 },
    );
    const runner = runnerFor(typeErrors, strings);
    const typeErrorsId = randomUUID();
    const stringsId = randomUUID();
    await runner.enqueue(typeErrors, { n: 2 }, { jobId: typeErrorsId });
    await runner.enqueue(strings, { n: 3 }, { jobId: stringsId });
    await runner.idle();

    expect(typeErrorCalls.map((c) => [c.attempt, c.lastAttempt])).toEqual([
      [0, false],
      [1, false],
      [2, false],
    ]);
    expect(await failures(typeErrorsId)).toEqual([]);
    expect(stringCalls.map((c) => c.attempt)).toEqual([0, 1]);
    expect(await failures(stringsId)).toMatchObject([{ error: 'not an error', attempts: 2 }]);
    await runner.close();
  });

  it("waits a RetryLater's own delay before the next attempt", async () => {
    const { definition, calls } = job(
      'test.retry-later',
      ({ attempt }) => {
        if (attempt === 0) throw new RetryLater('busy', 300);
      },
      { backoff: 'custom' },
    );
    const runner = runnerFor(definition);
    await runner.enqueue(definition, { n: 4 });
    await runner.idle();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(299);
    await runner.close();
  });

  it('retries a failing onFailed hook with backoff until it succeeds', async () => {
    const hookCalls: number[] = [];
    const { definition } = job(
      'test.hook-flaky',
      () => {
        throw new Error('down');
      },
      {
        attempts: 1,
        async onFailed() {
          hookCalls.push(Date.now());
          if (hookCalls.length === 1) throw new TypeError('hook bug that a retry gets past');
          if (hookCalls.length === 2) throw new Error('database still down');
        },
      },
    );
    const runner = runnerFor(definition);
    const jobId = randomUUID();
    await runner.enqueue(definition, { n: 5 }, { jobId });
    await runner.idle();
    expect(hookCalls).toHaveLength(3);
    // 250 ms, then 500 ms.
    expect(hookCalls[1]! - hookCalls[0]!).toBeGreaterThanOrEqual(249);
    expect(hookCalls[2]! - hookCalls[1]!).toBeGreaterThanOrEqual(499);
    expect(await failures(jobId)).toMatchObject([{ error: 'down', attempts: 1 }]);
    await runner.close();
  });

  it('records a job that fails while shutting down at once, refuses new jobs, and gives up on a hook at the deadline', async () => {
    let closing: Promise<void> | undefined;
    let hookCalls = 0;
    const { definition, calls } = job(
      'test.fails-at-shutdown',
      () => {
        closing = runner.close(Date.now() + 400);
        throw new Error('interrupted');
      },
      {
        async onFailed() {
          hookCalls += 1;
          throw new Error('hook never succeeds');
        },
      },
    );
    const runner = runnerFor(definition);
    const jobId = randomUUID();
    await runner.enqueue(definition, { n: 6 }, { jobId });
    await runner.idle();
    await closing;

    expect(calls.map((c) => c.attempt)).toEqual([0]);
    expect(await failures(jobId)).toMatchObject([{ error: 'interrupted', attempts: 1 }]);
    expect(hookCalls).toBeGreaterThanOrEqual(1);
    await expect(runner.enqueue(definition, { n: 7 })).rejects.toThrow('job runner is shutting down');
  });
});

const withRedis = process.env.REDIS_URL ? describe : describe.skip;

withRedis('BullMQ job runner', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('is idle only once no job waits or runs in its queues', async () => {
    const { orm, logger, pubSub, config, ai } = t.server.deps;
    const deps: JobDeps = { orm, logger, pubSub, config, ai };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const blocking: JobDefinition<{ n: number }> = {
      name: 'test.blocking',
      queue: QUEUES.maintenance,
      async handle() {
        started += 1;
        await gate;
      },
    };
    const connection = new Redis(config.redisUrl!, { maxRetriesPerRequest: null });
    const runner = new BullJobRunner(connection, config.queuePrefix, config.jobs.retryBaseMs);
    const workers = startWorkers(deps, runner, new Map([[blocking.name, blocking as unknown as JobDefinition<never>]]), connection);
    try {
      await runner.enqueue(blocking, { n: 1 }, { jobId: 'held' });
      let idle = false;
      const idled = runner.idle().then(() => (idle = true));
      // Waiting, then active (the handler holds it): never idle meanwhile.
      await eventually(async () => started === 1, 15_000, 'the job started');
      expect(idle).toBe(false);
      release();
      await idled;
      expect(await (await runner.queue(QUEUES.maintenance).getJob(bullJobId(blocking.name, 'held')))!.getState()).toBe('completed');
    } finally {
      release();
      await workers.close();
      await runner.close();
      await connection.quit();
    }
  });
});
