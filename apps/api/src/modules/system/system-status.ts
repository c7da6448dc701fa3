// Health of this node and its dependencies, for the admin status panel.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Repeater } from '@repeaterjs/repeater';
import type { Queue } from 'bullmq';
import { openQueue } from '../../platform/jobs.js';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { AppDeps } from '../../platform/context.js';
import { QUEUES } from '../../platform/queue.js';
import { forkFor } from '../../platform/database.js';

@ObjectType()
export class ComponentHealth {
  @Field()
  ok!: boolean;

  @Field(() => Float, { nullable: true })
  latencyMs!: number | null;

  @Field(() => String, { nullable: true })
  detail!: string | null;
}

@ObjectType()
export class QueueStatus {
  @Field()
  name!: string;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  active!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  delayed!: number;
}

@ObjectType()
export class ConnectionCounts {
  @Field(() => Int, { description: 'API nodes reporting (1 without Redis).' })
  nodes!: number;

  @Field(() => Int)
  sockets!: number;

  @Field(() => Int)
  subscriptions!: number;
}

@ObjectType()
export class AiStatus {
  @Field({ description: '`local` (offline) or `openai` (any OpenAI-compatible server).' })
  provider!: string;

  @Field({ description: 'Whether retrieval can use pgvector; without it, knowledge search is full-text only.' })
  vectorSearch!: boolean;
}

@ObjectType({ description: 'Health of the API node that serves this subscription and of what it depends on.' })
export class SystemStatus {
  @Field({ description: '`ok` when every configured dependency answers, else `degraded`.' })
  status!: string;

  @Field(() => ID)
  nodeId!: string;

  @Field(() => ComponentHealth)
  database!: ComponentHealth;

  @Field(() => ComponentHealth, { nullable: true, description: 'Null when the node runs without Redis.' })
  redis!: ComponentHealth | null;

  @Field(() => [QueueStatus], { description: 'BullMQ queues (empty when jobs run in-process).' })
  queues!: QueueStatus[];

  @Field(() => ConnectionCounts, { description: 'This node.' })
  node!: ConnectionCounts;

  @Field(() => ConnectionCounts, { description: 'All API nodes.' })
  cluster!: ConnectionCounts;

  @Field(() => Float, { description: 'Event-loop delay p99 over the last interval, in ms.' })
  eventLoopLagMs!: number;

  @Field(() => Float)
  memoryRssMb!: number;

  @Field(() => Float)
  heapUsedMb!: number;

  @Field(() => Int)
  uptimeSeconds!: number;

  @Field(() => AiStatus)
  ai!: AiStatus;

  @Field()
  at!: Date;
}

async function timed(fn: () => Promise<unknown>): Promise<ComponentHealth> {
  const start = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: Math.round((performance.now() - start) * 100) / 100, detail: null };
  } catch (err) {
    return { ok: false, latencyMs: null, detail: (err as Error).message };
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export class SystemMonitor {
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private readonly queues: Queue[];
  private vectorSearch: boolean | undefined;
  private readonly streams = new Set<(reason?: unknown) => void>();

  constructor(private readonly deps: Omit<AppDeps, 'system'>) {
    this.lag.enable();
    this.queues = deps.redis ? Object.values(QUEUES).map((name) => openQueue(name, deps.redis!, deps.config.queuePrefix)) : [];
  }

  async snapshot(): Promise<SystemStatus> {
    const { orm, redis, realtime, config } = this.deps;
    const em = forkFor(orm, null);
    const [database, redisHealth, queues, cluster] = await Promise.all([
      timed(() => em.execute('select 1')),
      redis ? timed(() => redis.ping()) : Promise.resolve(null),
      Promise.all(
        this.queues.map(async (q) => {
          const c = await q.getJobCounts('waiting', 'active', 'failed', 'delayed').catch(() => ({}) as Record<string, number>);
          return { name: q.name, waiting: c.waiting ?? 0, active: c.active ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 };
        }),
      ),
      realtime.clusterTotals().catch(() => ({ nodes: 1, sockets: realtime.sockets, subscriptions: realtime.subscriptions })),
    ]);
    if (this.vectorSearch === undefined && database.ok) {
      const rows = await em.execute<{ n: number }[]>("select count(*)::int as n from pg_available_extensions where name = 'vector'").catch(() => [{ n: 0 }]);
      this.vectorSearch = (rows[0]?.n ?? 0) > 0;
    }
    const lagMs = Math.round((this.lag.percentile(99) / 1e6) * 100) / 100;
    this.lag.reset();
    const memory = process.memoryUsage();
    return {
      status: database.ok && (redisHealth?.ok ?? true) ? 'ok' : 'degraded',
      nodeId: realtime.nodeId,
      database,
      redis: redisHealth,
      queues,
      node: { nodes: 1, sockets: realtime.sockets, subscriptions: realtime.subscriptions },
      cluster,
      eventLoopLagMs: lagMs,
      memoryRssMb: mb(memory.rss),
      heapUsedMb: mb(memory.heapUsed),
      uptimeSeconds: Math.round((Date.now() - realtime.startedAt) / 1000),
      ai: { provider: config.ai.provider, vectorSearch: this.vectorSearch ?? false },
      at: new Date(),
    };
  }

  /** A snapshot at once, then on every change of what matters, and at least every `everyMs`. */
  stream(everyMs = 5000, pollMs = 1000): Repeater<SystemStatus> {
    return new Repeater<SystemStatus>(async (push, stop) => {
      let last = '';
      let lastAt = 0;
      const tick = async () => {
        const s = await this.snapshot();
        const signature = JSON.stringify([s.status, s.database.ok, s.redis?.ok, s.queues, s.node, s.cluster]);
        if (signature !== last || Date.now() - lastAt >= everyMs) {
          last = signature;
          lastAt = Date.now();
          await push(s);
        }
      };
      let running = tick();
      const timer = setInterval(() => {
        running = running.then(tick).catch((err) => stop(err));
      }, pollMs);
      this.streams.add(stop);
      await stop;
      clearInterval(timer);
      this.streams.delete(stop);
    });
  }

  async close() {
    for (const stop of this.streams) stop();
    this.lag.disable();
    await Promise.allSettled(this.queues.map((q) => q.close()));
  }
}

declare module '../../platform/context.js' {
  interface AppDeps {
    system: SystemMonitor;
  }
}
