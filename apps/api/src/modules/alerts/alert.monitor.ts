// Evaluates the alert rules in-process, every ALERT_EVALUATION_SECONDS: node
// rules on every API node and worker, shared rules on one process per
// interval (whoever takes the Redis lock first; the only process without
// Redis). Started by the server and the worker entry point.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { openQueue } from '../../platform/jobs.js';
import type { Redis } from 'ioredis';
import type { Config } from '../../platform/config.js';
import type { Orm } from '../../platform/database.js';
import type { Logger } from '../../platform/logger.js';
import { forkFor } from '../../platform/database.js';
import { localFigures, watchOverdueTickets } from '../../platform/metrics.js';
import type { PubSub } from '../../platform/pubsub.js';
import { QUEUES } from '../../platform/queue.js';
import { applyFindings, openAlerts } from './alert.service.js';
import { rules, type NodeSample } from './alert.rules.js';

/** Samples kept for node rules: a little over an hour's worth. */
const HISTORY_MS = 75 * 60_000;
const OVERDUE_TICKETS = `select count(*)::int as n from ticket where status not in ('RESOLVED', 'CLOSED') and due_at < now()`;

export interface AlertMonitorDeps {
  orm: Orm;
  pubSub: PubSub;
  config: Config;
  logger: Logger;
  redis?: Redis;
}

export class AlertMonitor {
  readonly nodeId = randomUUID();
  private readonly lag = monitorEventLoopDelay({ resolution: 20 });
  private readonly queues: Queue[];
  private readonly samples: NodeSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private unwatch: (() => void) | undefined;

  constructor(private readonly deps: AlertMonitorDeps) {
    const { redis, config } = deps;
    this.queues = redis ? Object.values(QUEUES).map((name) => openQueue(name, redis, config.queuePrefix)) : [];
  }

  start() {
    this.lag.enable();
    this.unwatch = watchOverdueTickets(async () => {
      const [row] = await forkFor(this.deps.orm, null).execute<{ n: number }[]>(OVERDUE_TICKETS);
      return Number(row?.n ?? 0);
    });
    const every = this.deps.config.alerts.evaluationSeconds * 1000;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.evaluate()).catch((err) => this.deps.logger.warn({ err }, 'alert evaluation failed'));
    }, every);
    this.timer.unref();
  }

  /** One evaluation of every rule this node runs. */
  async evaluate() {
    const { orm, pubSub, config } = this.deps;
    const figures = await localFigures();
    const now = Date.now();
    this.samples.push({ at: now, ...figures, lagP99Ms: this.lag.percentile(99) / 1e6 });
    this.lag.reset();
    while (this.samples.length > 2 && this.samples[0]!.at < now - HISTORY_MS) this.samples.shift();
    const shared = await this.takeSharedTurn();
    const open = await openAlerts(orm);
    for (const rule of rules) {
      if (rule.kind === 'shared' && !shared) continue;
      const findings = await rule.evaluate({ orm, config, queues: this.queues, samples: this.samples });
      await applyFindings(orm, pubSub, rule, findings, this.nodeId, open);
    }
  }

  /** Whether this node evaluates the shared rules this interval. */
  private async takeSharedTurn(): Promise<boolean> {
    const { redis, config } = this.deps;
    if (!redis) return true;
    const ttl = Math.max(100, Math.floor(config.alerts.evaluationSeconds * 1000 * 0.9));
    return (await redis.set(`${config.queuePrefix}:alerts:turn`, this.nodeId, 'PX', ttl, 'NX')) === 'OK';
  }

  async stop() {
    clearInterval(this.timer);
    this.unwatch?.();
    await this.running;
    this.lag.disable();
    await Promise.allSettled(this.queues.map((q) => q.close()));
  }
}
