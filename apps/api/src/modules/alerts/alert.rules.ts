// The alert rules. Shared rules read figures every node sees alike
// (PostgreSQL, the BullMQ queues in Redis) and run on one node per interval;
// node rules read this process's own figures (its event loop, its model calls
// and handoffs, as counted for /metrics) and run on every node. The same
// conditions ship as Prometheus rules in deploy/prometheus/.
import type { Queue } from 'bullmq';
import type { Config } from '../../platform/config.js';
import { forkFor, type Orm } from '../../platform/database.js';
import { AlertSeverity } from './alert.entity.js';

export interface Finding {
  /** Null: installation-wide. */
  workspaceId: string | null;
  value: number;
  threshold: number;
  summary: string;
  details?: Record<string, unknown>;
}

/** One sample of this node's running totals (see localFigures in platform/metrics.ts). */
export interface NodeSample {
  at: number;
  modelCalls: number;
  modelErrors: number;
  handoffs: number;
  /** Event-loop delay p99 over the interval that ended at `at`, in ms. */
  lagP99Ms: number;
}

export interface RuleInput {
  orm: Orm;
  config: Config;
  queues: Queue[];
  /** This node's samples, oldest first (the last is the current one). */
  samples: NodeSample[];
}

export interface AlertRule {
  name: string;
  severity: AlertSeverity;
  /** shared: one node evaluates for the cluster; node: every node for itself. */
  kind: 'shared' | 'node';
  evaluate(input: RuleInput): Promise<Finding[]>;
}

const MINUTE = 60_000;
export const FAILED_JOBS_WINDOW_MINUTES = 15;
export const MODEL_WINDOW_MINUTES = 5;
export const MODEL_MIN_ERRORS = 3;
export const MODEL_ERROR_RATIO = 0.5;
export const HANDOFF_WINDOW_MINUTES = 15;
export const HANDOFF_MIN = 10;
export const HANDOFF_SPIKE_FACTOR = 3;
export const LAG_CONSECUTIVE = 3;

/** The sample closest to (and not after) `ago` ms before the last one. */
function sampleBefore(samples: NodeSample[], ago: number): NodeSample | undefined {
  const last = samples[samples.length - 1];
  if (!last) return undefined;
  let found: NodeSample | undefined;
  for (const s of samples) if (s.at <= last.at - ago) found = s;
  return found ?? samples[0];
}

export const rules: AlertRule[] = [
  {
    name: 'queue_backlog',
    severity: AlertSeverity.CRITICAL,
    kind: 'shared',
    async evaluate({ queues, config }) {
      const { queueBacklog, queueBacklogMinutes } = config.alerts;
      const backed: { queue: string; waiting: number; oldestWaitingMinutes: number }[] = [];
      for (const q of queues) {
        const waiting = await q.getWaitingCount();
        if (waiting <= queueBacklog) continue;
        // Above the threshold for M minutes: the oldest job still waiting has waited that long.
        const [oldest] = await q.getJobs(['wait'], 0, 0, true);
        const minutes = oldest ? (Date.now() - oldest.timestamp) / MINUTE : 0;
        if (minutes >= queueBacklogMinutes) backed.push({ queue: q.name, waiting, oldestWaitingMinutes: Math.round(minutes * 10) / 10 });
      }
      if (!backed.length) return [];
      const worst = Math.max(...backed.map((b) => b.waiting));
      return [
        {
          workspaceId: null,
          value: worst,
          threshold: queueBacklog,
          summary: `Job backlog: ${backed.map((b) => `${b.queue} ${b.waiting} waiting`).join(', ')} for ${queueBacklogMinutes} min or more`,
          details: { queues: backed },
        },
      ];
    },
  },
  {
    name: 'failed_jobs',
    severity: AlertSeverity.WARNING,
    kind: 'shared',
    async evaluate({ orm, config }) {
      const [row] = await forkFor(orm, null).execute<{ n: number; jobs: string[] | null }[]>(
        `select count(*)::int as n, array_agg(distinct name) as jobs from job_failure where retried_at is null and failed_at > now() - interval '${FAILED_JOBS_WINDOW_MINUTES} minutes'`,
      );
      const n = Number(row?.n ?? 0);
      if (n < config.alerts.failedJobs) return [];
      return [
        {
          workspaceId: null,
          value: n,
          threshold: config.alerts.failedJobs,
          summary: `${n} jobs failed for good in the last ${FAILED_JOBS_WINDOW_MINUTES} minutes`,
          details: { jobs: row?.jobs ?? [] },
        },
      ];
    },
  },
  {
    name: 'sla_breach',
    severity: AlertSeverity.WARNING,
    kind: 'shared',
    async evaluate({ orm }) {
      const rows = await forkFor(orm, null).execute<{ workspace_id: string; n: number }[]>(
        `select workspace_id, count(*)::int as n from ticket where status not in ('RESOLVED', 'CLOSED') and due_at < now() group by workspace_id`,
      );
      return rows.map((r) => ({
        workspaceId: r.workspace_id,
        value: Number(r.n),
        threshold: 1,
        summary: `${r.n} open ticket${Number(r.n) === 1 ? ' is' : 's are'} past due`,
      }));
    },
  },
  {
    // Raised while a workspace has endpoints disabled for failing for days
    // (the deliver job disables them and notifies the admins); resolves when
    // they are re-enabled or deleted. A 410 is the partner's own request and raises nothing.
    name: 'webhook_endpoint_disabled',
    severity: AlertSeverity.WARNING,
    kind: 'shared',
    async evaluate({ orm }) {
      const rows = await forkFor(orm, null).execute<{ workspace_id: string; n: number; urls: string[] }[]>(
        `select workspace_id, count(*)::int as n, array_agg(url order by url) as urls from webhook_endpoint where disabled_reason = 'FAILING' group by workspace_id`,
      );
      return rows.map((r) => ({
        workspaceId: r.workspace_id,
        value: Number(r.n),
        threshold: 1,
        summary: `${r.n} webhook endpoint${Number(r.n) === 1 ? ' was' : 's were'} disabled after failing every delivery for days`,
        details: { urls: r.urls },
      }));
    },
  },
  {
    name: 'model_provider_failing',
    severity: AlertSeverity.CRITICAL,
    kind: 'node',
    async evaluate({ samples }) {
      const now = samples[samples.length - 1];
      const then = sampleBefore(samples, MODEL_WINDOW_MINUTES * MINUTE);
      if (!now || !then) return [];
      const errors = now.modelErrors - then.modelErrors;
      const calls = now.modelCalls - then.modelCalls;
      if (errors < MODEL_MIN_ERRORS || errors / calls < MODEL_ERROR_RATIO) return [];
      return [
        {
          workspaceId: null,
          value: errors / calls,
          threshold: MODEL_ERROR_RATIO,
          summary: `The model provider failed ${errors} of ${calls} calls in the last ${MODEL_WINDOW_MINUTES} minutes`,
          details: { errors, calls },
        },
      ];
    },
  },
  {
    name: 'handoff_spike',
    severity: AlertSeverity.WARNING,
    kind: 'node',
    async evaluate({ samples }) {
      const now = samples[samples.length - 1];
      const windowStart = sampleBefore(samples, HANDOFF_WINDOW_MINUTES * MINUTE);
      const first = samples[0];
      if (!now || !windowStart || !first) return [];
      const recent = now.handoffs - windowStart.handoffs;
      // The usual rate: handoffs per window before this one, over what this node has seen (up to an hour).
      const earlierMs = windowStart.at - first.at;
      const usual = earlierMs > 0 ? ((windowStart.handoffs - first.handoffs) / earlierMs) * HANDOFF_WINDOW_MINUTES * MINUTE : 0;
      const threshold = Math.max(HANDOFF_MIN, usual * HANDOFF_SPIKE_FACTOR);
      if (recent < threshold) return [];
      return [
        {
          workspaceId: null,
          value: recent,
          threshold,
          summary: `${recent} conversations handed to humans in the last ${HANDOFF_WINDOW_MINUTES} minutes (usually ${Math.round(usual)})`,
        },
      ];
    },
  },
  {
    name: 'event_loop_lag',
    severity: AlertSeverity.WARNING,
    kind: 'node',
    async evaluate({ samples, config }) {
      const last = samples.slice(-LAG_CONSECUTIVE);
      const limit = config.alerts.eventLoopLagMs;
      if (last.length < LAG_CONSECUTIVE || !last.every((s) => s.lagP99Ms > limit)) return [];
      const worst = Math.max(...last.map((s) => s.lagP99Ms));
      return [
        {
          workspaceId: null,
          value: worst,
          threshold: limit,
          summary: `Event-loop delay p99 above ${limit} ms for ${LAG_CONSECUTIVE} evaluations in a row (worst ${Math.round(worst)} ms)`,
        },
      ];
    },
  },
];
