// Job throughput on BullMQ (real Redis, a queue prefix of its own): the real
// `ai.answer` job with the `local` provider against a PostgreSQL scratch
// database, at worker concurrency 1 and 16, run through the production path
// (BullJobRunner.enqueue → startWorkers); and the overhead of that path on a
// no-op job against a bare BullMQ Worker doing the same no-op.
//
//   npm run bench -w @switchboard/api -- jobs
//
// Environment (all optional):
//   BENCH_DATABASE_URL    admin URL; a fresh sb_bench_<random> database is created and dropped
//                         (default postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_REDIS_URL       (redis://127.0.0.1:6379); every key lives under a sbbench-<random> prefix, deleted at the end
//   BENCH_CONCURRENCIES   worker concurrencies (1,16)
//   BENCH_ANSWER_JOBS     ai.answer jobs per concurrency in the burst phase (300)
//   BENCH_PACED_S         paced phase: seconds of jobs arriving at half the burst throughput (6)
//   BENCH_PACED_MAX       at most this many paced jobs per concurrency (400)
//   BENCH_POOL            PostgreSQL pool size of the worker process (10, the worker's default)
//   BENCH_NOOP_JOBS       no-op jobs per overhead run (3000); BENCH_NOOP_ROUNDS alternating rounds (5)
//
// Seeding (not measured): one workspace, the StackFAQ FAQs (read from
// ../shared/data/stackfaq beside the checkout when present; synthetic FAQs otherwise) created
// published and embedded by the real knowledge.embed handler, the workspace's
// model configuration created up front, and one conversation per job with one
// customer message (a StackFAQ dev query). Nothing is enqueued while seeding
// (AI_AUTO_REPLY=false, and the seed writes through the ORM, not the API).
//
// Phases per concurrency:
//   burst   all jobs enqueued at once while the workers run: throughput =
//           jobs / (last completion − first enqueue); enqueue→start includes queueing.
//   paced   open-loop arrivals at half the burst throughput: enqueue→start is the
//           pick-up latency of an idle-enough worker (BullMQ's blocking fetch + our wrapper).
// Overhead: the queue is filled first, then the workers start; throughput =
// jobs / (last completion − first start). Both sides add jobs with the same
// options (those BullJobRunner uses: attempts, backoff, removeOnComplete/Fail).
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { percentile } from '@switchboard/ai';
import { AiProviders } from '../src/platform/ai.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { forkFor, migrate, type Orm } from '../src/platform/database.js';
import { createOrm } from '../src/app/database.js';
import { BullJobRunner, startWorkers, type JobDeps } from '../src/platform/jobs.js';
import { jobs as registry } from '../src/app/job-registry.js';
import { createLogger } from '../src/platform/logger.js';
import { createAppPubSub } from '../src/platform/pubsub.js';
import { DEFAULT_ATTEMPTS, QUEUES, type JobDefinition } from '../src/platform/queue.js';
import { answerJob, type AnswerData } from '../src/modules/assistant/answer.job.js';
import { ensureModelConfigs } from '../src/modules/assistant/model-config.service.js';
import { Contact } from '../src/modules/contacts/contact.entity.js';
import { Conversation, ConversationMode } from '../src/modules/conversations/conversation.entity.js';
import { embedFaqJob } from '../src/modules/knowledge/embed.job.js';
import { Faq, FaqStatus } from '../src/modules/knowledge/faq.entity.js';
import { AuthorType } from '../src/modules/conversations/message.entity.js';
import { appendMessage } from '../src/modules/conversations/timeline.js';
import { Workspace } from '../src/modules/workspaces/workspace.entity.js';
import { createScratchDatabase } from '../test/scratch-database.js';
import { faqGenerator, latencySummary, paraphrase, rng, round, table } from './ai-corpus.js';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] ? Number(env[name]) : dflt);
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCIES = (env.BENCH_CONCURRENCIES ?? '1,16').split(',').map(Number);
const ANSWER_JOBS = num('BENCH_ANSWER_JOBS', 300);
const PACED_MS = num('BENCH_PACED_S', 6) * 1000;
const PACED_MAX = num('BENCH_PACED_MAX', 400);
const POOL = num('BENCH_POOL', 10);
const NOOP_JOBS = num('BENCH_NOOP_JOBS', 3000);
const NOOP_ROUNDS = num('BENCH_NOOP_ROUNDS', 5);
const TARGET_RATIO = 0.8;
const DATA = resolve(import.meta.dirname, '../../../../shared/data/stackfaq');
const PREFIX = `sbbench-${randomUUID().slice(0, 8)}`;

const log = (...args: unknown[]) => console.log(...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The options BullJobRunner.enqueue adds a job with (for the bare baseline). */
const JOB_OPTS = {
  attempts: DEFAULT_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
} as const;

interface Done {
  enqueuedAt: number;
  startedAt: number;
  finishedAt: number;
  result: unknown;
  failed?: string;
}

/** Records every completion (and final failure) of the `ai` queue's worker. */
function watch(worker: Worker) {
  const done: Done[] = [];
  const waiters = new Set<() => void>();
  const record = (job: Job, result: unknown, failed?: string) => {
    done.push({ enqueuedAt: job.timestamp, startedAt: job.processedOn ?? Date.now(), finishedAt: Date.now(), result, failed });
    for (const w of waiters) w();
  };
  worker.on('completed', (job, result) => record(job, result));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) record(job, null, err.message);
  });
  return {
    done,
    until(count: number, timeoutMs = 120_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (done.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out with ${done.length}/${count} jobs done`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

function hostCpu() {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/**
 * Starts measuring; the returned function gives this process's event-loop
 * utilisation (1 = the worker's JavaScript thread never idles), its CPU in
 * cores, and whole-host CPU % (PostgreSQL, Redis and anything else running here).
 */
function loadMeter() {
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const host0 = hostCpu();
  const t0 = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    const host1 = hostCpu();
    return {
      elu: round(performance.eventLoopUtilization(elu0).utilization, 2),
      processCpu: round((cpu.user + cpu.system) / 1000 / (performance.now() - t0), 2),
      hostCpu: round((100 * (host1.busy - host0.busy)) / Math.max(1, host1.total - host0.total), 0),
    };
  };
}

async function inSlices<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

// ---------------------------------------------------------------- seeding

interface Corpus {
  source: string;
  faqs: { question: string; answer: string }[];
  questions: string[];
}

function loadCorpus(): Corpus {
  if (existsSync(resolve(DATA, 'faqs.json'))) {
    const faqs = JSON.parse(readFileSync(resolve(DATA, 'faqs.json'), 'utf8')) as { question: string; answer: string }[];
    const queries = JSON.parse(readFileSync(resolve(DATA, 'queries.dev.json'), 'utf8')) as { query: string }[];
    return { source: 'StackFAQ', faqs, questions: queries.map((q) => q.query) };
  }
  const next = faqGenerator(7);
  const faqs = Array.from({ length: 200 }, next);
  const r = rng(8);
  return { source: 'synthetic', faqs, questions: Array.from({ length: 600 }, () => paraphrase(r, faqs[r.int(faqs.length)]!)) };
}

async function seed(deps: JobDeps, runner: BullJobRunner, corpus: Corpus, conversations: number) {
  const { orm, config } = deps;
  const em = forkFor(orm, null);
  const workspace = em.create(Workspace, { name: 'Jobs bench' });
  const now = new Date();
  const faqs = corpus.faqs.map((f) =>
    em.create(Faq, { workspace, question: f.question.slice(0, 500), answer: f.answer, status: FaqStatus.PUBLISHED, publishedAt: now }),
  );
  await em.flush();
  // The real knowledge.embed handler (called directly: chunks + embeddings + READY).
  const ctx = { ...deps, jobs: runner, attempt: 0, lastAttempt: true };
  for (const f of faqs) await embedFaqJob.handle({ workspaceId: workspace.id, faqId: f.id }, ctx);
  // Version 1 of the model configuration exists before the first job (as after the first answer in production).
  await ensureModelConfigs(forkFor(orm, workspace.id), config, workspace.id);

  const targets: AnswerData[] = [];
  for (let i = 0; i < conversations; i += 500) {
    const batch = forkFor(orm, null);
    for (let j = i; j < Math.min(conversations, i + 500); j++) {
      const contact = batch.create(Contact, { workspace: workspace.id, name: `Customer ${j}`, email: `customer${j}@bench.example` });
      const conversation = batch.create(Conversation, { workspace: workspace.id, contact, mode: ConversationMode.AI });
      const message = appendMessage(batch, conversation, { authorType: AuthorType.CUSTOMER, body: corpus.questions[j % corpus.questions.length]! });
      targets.push({ workspaceId: workspace.id, conversationId: conversation.id, replyToSeq: message.seq });
    }
    await batch.flush();
  }
  await em.getConnection().execute('analyze');
  const chunks = (await em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from knowledge_chunk'))[0]!.n;
  return { workspaceId: workspace.id, faqs: faqs.length, chunks, targets };
}

// ---------------------------------------------------------------- ai.answer

function outcome(d: Done): string {
  if (d.failed) return 'failed';
  const r = d.result as { answered?: number; handedOff?: string | false; skipped?: string } | null;
  if (r?.answered != null) return 'answered';
  if (r?.handedOff) return `handoff:${r.handedOff}`;
  if (r?.skipped) return `skipped:${r.skipped}`;
  return 'other';
}

function summarise(done: Done[]) {
  const outcomes: Record<string, number> = {};
  for (const d of done) outcomes[outcome(d)] = (outcomes[outcome(d)] ?? 0) + 1;
  return {
    enqueueToStart: latencySummary(done.map((d) => d.startedAt - d.enqueuedAt)),
    processing: latencySummary(done.map((d) => d.finishedAt - d.startedAt)),
    enqueueToFinish: latencySummary(done.map((d) => d.finishedAt - d.enqueuedAt)),
    outcomes,
  };
}

async function answerRun(deps: JobDeps, runner: BullJobRunner, connection: Redis, concurrency: number, targets: AnswerData[]) {
  const workers = startWorkers(deps, runner, registry, connection, concurrency);
  try {
    await Promise.all(workers.workers.map((w) => w.waitUntilReady()));
    const ai = watch(workers.workers.find((w) => w.name === QUEUES.ai)!);
    const enqueue = (d: AnswerData) => runner.enqueue(answerJob, d, { jobId: `${d.conversationId}:${d.replyToSeq}` });

    // Burst: everything at once.
    const burstTargets = targets.slice(0, ANSWER_JOBS);
    const load = loadMeter();
    const t0 = Date.now();
    await inSlices(burstTargets, 100, enqueue);
    const enqueuedMs = Date.now() - t0;
    await ai.until(burstTargets.length);
    const burstLoad = load();
    const burstDone = ai.done.splice(0);
    const lastFinish = Math.max(...burstDone.map((d) => d.finishedAt));
    const throughput = burstDone.length / ((lastFinish - t0) / 1000);
    const burst = { jobs: burstDone.length, jobsPerS: round(throughput, 1), enqueueAllMs: enqueuedMs, ...burstLoad, ...summarise(burstDone) };
    log(
      `  c=${concurrency} burst: ${burst.jobs} jobs at ${burst.jobsPerS} jobs/s; enqueue→start p50 ${burst.enqueueToStart.p50} ms p95 ${burst.enqueueToStart.p95} ms; ` +
        `processing p50 ${burst.processing.p50} ms p95 ${burst.processing.p95} ms; ${JSON.stringify(burst.outcomes)}; ` +
        `worker event loop ${burst.elu}, worker CPU ${burst.processCpu} cores, host CPU ${burst.hostCpu}%`,
    );

    // Paced: open-loop arrivals at half that rate.
    const rate = Math.max(1, throughput / 2);
    const pacedTargets = targets.slice(ANSWER_JOBS, ANSWER_JOBS + Math.min(PACED_MAX, Math.max(20, Math.round((rate * PACED_MS) / 1000))));
    const p0 = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < pacedTargets.length; i++) {
      const wait = p0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(enqueue(pacedTargets[i]!));
    }
    await Promise.all(pending);
    await ai.until(pacedTargets.length);
    const paced = { jobs: pacedTargets.length, arrivalPerS: round(rate, 1), ...summarise(ai.done.splice(0)) };
    log(
      `  c=${concurrency} paced at ${paced.arrivalPerS}/s: ${paced.jobs} jobs; enqueue→start p50 ${paced.enqueueToStart.p50} ms p95 ${paced.enqueueToStart.p95} ms; ` +
        `enqueue→finish p50 ${paced.enqueueToFinish.p50} ms p95 ${paced.enqueueToFinish.p95} ms; ${JSON.stringify(paced.outcomes)}`,
    );
    return { concurrency, burst, paced };
  } finally {
    await workers.close();
  }
}

// ---------------------------------------------------------------- overhead

const noopJob: JobDefinition<{ i: number }> = { name: 'bench.noop', queue: QUEUES.ai, handle: async () => null };

async function noopRun(kind: 'ours' | 'bare', deps: JobDeps, connection: Redis, concurrency: number, round_: number) {
  const prefix = `${PREFIX}-noop-${kind}-c${concurrency}-r${round_}`;
  const items = Array.from({ length: NOOP_JOBS }, (_, i) => ({ i }));
  let close: () => Promise<void>;
  let worker: Worker;
  let t0: number;
  if (kind === 'ours') {
    const runner = new BullJobRunner(connection, prefix, 1000);
    await inSlices(items, 200, (d) => runner.enqueue(noopJob, d));
    await runner.close();
    const ours = { ...deps, config: { ...deps.config, queuePrefix: prefix } };
    t0 = performance.now();
    const workers = startWorkers(ours, runner, new Map([[noopJob.name, noopJob as JobDefinition<never>]]), connection, concurrency);
    worker = workers.workers.find((w) => w.name === QUEUES.ai)!;
    close = workers.close;
  } else {
    const queue = new Queue(QUEUES.ai, { connection, prefix });
    await inSlices(items, 200, (d) => queue.add(noopJob.name, d, JOB_OPTS));
    await queue.close();
    t0 = performance.now();
    const conn = connection.duplicate({ maxRetriesPerRequest: null });
    worker = new Worker(QUEUES.ai, async () => null, { connection: conn, concurrency, prefix });
    close = async () => {
      await worker.close();
      conn.disconnect();
    };
  }
  const w = watch(worker);
  try {
    await w.until(NOOP_JOBS);
    const wall = performance.now() - t0;
    const first = Math.min(...w.done.map((d) => d.startedAt));
    const last = Math.max(...w.done.map((d) => d.finishedAt));
    return {
      jobsPerS: round(NOOP_JOBS / ((last - first) / 1000), 0),
      wallJobsPerS: round(NOOP_JOBS / (wall / 1000), 0),
      failed: w.done.filter((d) => d.failed).length,
    };
  } finally {
    await close();
  }
}

async function dropKeys(redisUrl: string, pattern: string) {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

// ---------------------------------------------------------------- main

export async function main() {
  const started = performance.now();
  const db = await createScratchDatabase(ADMIN_URL, 'sb_bench');
  const config: Config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-signing',
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    AI_PROVIDER: 'local',
    AI_AUTO_REPLY: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
  });
  let orm: Orm | null = null;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const pubSub = createAppPubSub(REDIS_URL);
  const runner = new BullJobRunner(connection, PREFIX, 1000);
  try {
    orm = await createOrm({ databaseUrl: db.url, dataDir: 'memory://', poolMax: POOL });
    await migrate(orm);
    const deps: JobDeps = { orm, logger: createLogger('silent'), pubSub: pubSub.pubSub, config, ai: new AiProviders(config) };
    const corpus = loadCorpus();
    const perRun = ANSWER_JOBS + PACED_MAX;
    const t0 = performance.now();
    const seeded = await seed(deps, runner, corpus, perRun * CONCURRENCIES.length);
    log(
      `database ${db.name}, Redis prefix ${PREFIX}; seeded ${seeded.faqs} ${corpus.source} FAQs (${seeded.chunks} chunks, embedded by knowledge.embed) ` +
        `and ${seeded.targets.length} conversations in ${round((performance.now() - t0) / 1000, 1)} s; PostgreSQL pool ${POOL}`,
    );

    log('\nai.answer (local provider) through BullJobRunner + startWorkers:');
    const answer = [];
    for (const [i, c] of CONCURRENCIES.entries()) answer.push(await answerRun(deps, runner, connection, c, seeded.targets.slice(i * perRun, (i + 1) * perRun)));

    log(`\nno-op job, ${NOOP_JOBS} jobs per run, queue filled first (${NOOP_ROUNDS} alternating rounds):`);
    const noop: { concurrency: number; ours: number[]; bare: number[]; oursWall: number[]; bareWall: number[] }[] = [];
    for (const c of CONCURRENCIES) {
      const entry = { concurrency: c, ours: [] as number[], bare: [] as number[], oursWall: [] as number[], bareWall: [] as number[] };
      for (let r = 0; r < NOOP_ROUNDS; r++) {
        for (const kind of (r % 2 ? ['ours', 'bare'] : ['bare', 'ours']) as ('ours' | 'bare')[]) {
          const res = await noopRun(kind, deps, connection, c, r);
          if (res.failed) throw new Error(`${kind} no-op run had ${res.failed} failed jobs`);
          entry[kind].push(res.jobsPerS);
          entry[kind === 'ours' ? 'oursWall' : 'bareWall'].push(res.wallJobsPerS);
          log(`  c=${c} round ${r + 1} ${kind.padEnd(4)} ${res.jobsPerS} jobs/s (${res.wallJobsPerS} incl. worker start-up)`);
        }
      }
      noop.push(entry);
    }

    const median = (xs: number[]) => percentile(xs, 50);
    log('\nai.answer throughput and latency (ms):\n');
    log(
      table(
        [
          'concurrency',
          'phase',
          'jobs',
          'jobs/s',
          'worker ELU / CPU cores / host CPU %',
          'enq→start p50',
          'enq→start p95',
          'processing p50',
          'processing p95',
          'enq→finish p50',
          'enq→finish p95',
          'outcomes',
        ],
        answer.flatMap((a) => [
          [
            a.concurrency,
            'burst',
            a.burst.jobs,
            a.burst.jobsPerS,
            `${a.burst.elu} / ${a.burst.processCpu} / ${a.burst.hostCpu}`,
            a.burst.enqueueToStart.p50,
            a.burst.enqueueToStart.p95,
            a.burst.processing.p50,
            a.burst.processing.p95,
            a.burst.enqueueToFinish.p50,
            a.burst.enqueueToFinish.p95,
            fmtOutcomes(a.burst.outcomes),
          ],
          [
            a.concurrency,
            `paced ${a.paced.arrivalPerS}/s`,
            a.paced.jobs,
            '-',
            '-',
            a.paced.enqueueToStart.p50,
            a.paced.enqueueToStart.p95,
            a.paced.processing.p50,
            a.paced.processing.p95,
            a.paced.enqueueToFinish.p50,
            a.paced.enqueueToFinish.p95,
            fmtOutcomes(a.paced.outcomes),
          ],
        ]),
      ),
    );
    const noopRows = noop.map((n) => {
      const ours = median(n.ours);
      const bare = median(n.bare);
      return {
        concurrency: n.concurrency,
        oursJobsPerS: round(ours, 0),
        bareJobsPerS: round(bare, 0),
        ratio: round(ours / bare, 2),
        oursRuns: n.ours,
        bareRuns: n.bare,
        oursWallRuns: n.oursWall,
        bareWallRuns: n.bareWall,
        pass: ours / bare >= TARGET_RATIO,
      };
    });
    log(`\nno-op overhead, median of ${NOOP_ROUNDS} (target ours >= ${TARGET_RATIO}x bare):\n`);
    log(
      table(
        ['concurrency', 'bare BullMQ jobs/s', 'startWorkers jobs/s', 'ratio', 'runs bare', 'runs ours', 'target'],
        noopRows.map((n) => [n.concurrency, n.bareJobsPerS, n.oursJobsPerS, n.ratio, n.bareRuns.join(' / '), n.oursRuns.join(' / '), n.pass ? 'PASS' : 'FAIL']),
      ),
    );
    const result = {
      bench: 'jobs',
      corpus: corpus.source,
      faqs: seeded.faqs,
      chunks: seeded.chunks,
      pool: POOL,
      answer: answer.map((a) => ({
        concurrency: a.concurrency,
        burst: {
          jobs: a.burst.jobs,
          jobsPerS: a.burst.jobsPerS,
          elu: a.burst.elu,
          processCpu: a.burst.processCpu,
          hostCpu: a.burst.hostCpu,
          enqueueToStart: a.burst.enqueueToStart,
          processing: a.burst.processing,
          outcomes: a.burst.outcomes,
        },
        paced: {
          jobs: a.paced.jobs,
          arrivalPerS: a.paced.arrivalPerS,
          enqueueToStart: a.paced.enqueueToStart,
          processing: a.paced.processing,
          enqueueToFinish: a.paced.enqueueToFinish,
          outcomes: a.paced.outcomes,
        },
      })),
      noop: { jobs: NOOP_JOBS, rounds: NOOP_ROUNDS, targetRatio: TARGET_RATIO, results: noopRows },
      elapsedS: round((performance.now() - started) / 1000, 1),
    };
    log(`\nRESULT ${JSON.stringify(result)}`);
  } finally {
    await runner.close();
    await pubSub.close();
    await orm?.close(true).catch((err) => console.error('orm close failed', err));
    connection.disconnect();
    await db.drop();
    const keys = await dropKeys(REDIS_URL, `${PREFIX}*`);
    log(`database ${db.name} dropped; ${keys} Redis keys under ${PREFIX}* deleted`);
  }
}

const fmtOutcomes = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
