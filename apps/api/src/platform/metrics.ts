// Prometheus metrics (prom-client) for the API and the worker: one registry
// per process, scraped at /metrics. Labels are bounded by construction:
// operation names outside the contract's documents collapse to `other`,
// handoff reasons outside the known set to `other`, and nothing carries an id.
import { performance } from 'node:perf_hooks';
import * as contract from '@switchboard/schema';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';

export const registry = new Registry();

let enabled = true;
let processMetrics = false;
/**
 * METRICS_ENABLED, set once per process by the server or the worker. Off:
 * no per-operation observation, no process metrics (no event-loop monitor),
 * and /metrics answers 404. The domain counters the in-process alert rules
 * read (model calls, handoffs, jobs) keep counting: a few increments per job.
 */
export function configureMetrics(on: boolean) {
  enabled = on;
  if (on && !processMetrics) {
    processMetrics = true;
    collectDefaultMetrics({ register: registry, prefix: 'switchboard_', eventLoopMonitoringPrecision: 20 });
  }
}

const SECONDS_FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SECONDS_SLOW = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Operation names the product's own clients send (packages/schema's documents). */
const KNOWN_OPERATIONS: ReadonlySet<string> = new Set(
  Object.values(contract)
    .filter((v): v is DocumentNode => typeof v === 'object' && v !== null && (v as DocumentNode).kind === 'Document')
    .flatMap((d) => d.definitions)
    .filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && Boolean(d.name))
    .map((d) => d.name!.value),
);

/** The label for an operation name: known names as they are, anything else `other` (or `anonymous`). */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return KNOWN_OPERATIONS.has(name) ? name : 'other';
}

const HANDOFF_REASONS = new Set(['missing_knowledge', 'customer_request', 'low_confidence', 'provider_error', 'job_failed', 'agent_request']);

const operations = new Counter({
  name: 'switchboard_graphql_operations_total',
  help: 'GraphQL operations by name (contract operations; others as `other`), type, transport and result code (`OK` or the first error code).',
  labelNames: ['operation', 'type', 'transport', 'code'] as const,
  registers: [registry],
});
const operationSeconds = new Histogram({
  name: 'switchboard_graphql_operation_duration_seconds',
  help: 'GraphQL operation latency (for subscriptions: until the subscription is established).',
  labelNames: ['operation', 'type', 'transport'] as const,
  buckets: SECONDS_FAST,
  registers: [registry],
});
const rateLimited = new Counter({
  name: 'switchboard_rate_limit_refusals_total',
  help: 'Operations refused with RATE_LIMITED, by transport.',
  labelNames: ['transport'] as const,
  registers: [registry],
});
const subscriptionsByTopic = new Gauge({
  name: 'switchboard_subscriptions_active',
  help: 'Live GraphQL subscriptions on this node, by root field.',
  labelNames: ['topic'] as const,
  registers: [registry],
});
const jobs = new Counter({
  name: 'switchboard_jobs_total',
  help: 'Job runs by job name and outcome (completed, retried, failed: out of attempts).',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
});
const jobSeconds = new Histogram({
  name: 'switchboard_job_duration_seconds',
  help: 'Job run time, by job name.',
  labelNames: ['job'] as const,
  buckets: SECONDS_SLOW,
  registers: [registry],
});
const jobWaitSeconds = new Histogram({
  name: 'switchboard_job_wait_seconds',
  help: 'Time from enqueue (or the end of the delay) to the start of a run, by job name.',
  labelNames: ['job'] as const,
  buckets: SECONDS_SLOW,
  registers: [registry],
});
const aiAnswers = new Counter({
  name: 'switchboard_ai_answers_total',
  help: 'Outcomes of ai.answer: answered, small_talk, handed_off, skipped.',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const handoffs = new Counter({
  name: 'switchboard_handoffs_total',
  help: 'Conversations handed to a human, by reason.',
  labelNames: ['reason'] as const,
  registers: [registry],
});
const assignmentSeconds = new Histogram({
  name: 'switchboard_assignment_decision_seconds',
  help: 'Routing of a handoff to a team and an agent, including the wait for the team lock, by policy and outcome (assigned, waiting).',
  labelNames: ['policy', 'outcome'] as const,
  buckets: SECONDS_FAST,
  registers: [registry],
});
const slaBreaches = new Counter({
  name: 'switchboard_sla_breaches_total',
  help: 'Ticket SLA targets missed, by target (first_response, resolution), recorded once per ticket and target.',
  labelNames: ['target'] as const,
  registers: [registry],
});
const modelTokens = new Counter({
  name: 'switchboard_ai_tokens_total',
  help: 'Model tokens by provider, model and kind (prompt, completion).',
  labelNames: ['provider', 'model', 'kind'] as const,
  registers: [registry],
});
const modelSeconds = new Histogram({
  name: 'switchboard_ai_model_duration_seconds',
  help: 'Model call latency by provider and model.',
  labelNames: ['provider', 'model'] as const,
  buckets: SECONDS_SLOW,
  registers: [registry],
});
const modelCalls = new Counter({
  name: 'switchboard_ai_model_calls_total',
  help: 'Model calls by provider, model and result (ok, error).',
  labelNames: ['provider', 'model', 'result'] as const,
  registers: [registry],
});

const WEBHOOK_EVENT_TYPES = new Set([
  'conversation.created',
  'conversation.assigned',
  'conversation.handed_off',
  'conversation.resolved',
  'message.created',
  'ticket.created',
  'ticket.updated',
  'csat.submitted',
  'faq.published',
  'webhook.test',
]);
const webhookEvents = new Counter({
  name: 'switchboard_webhook_events_total',
  help: 'Webhook events written (committed or not: counted when staged in the transaction), by type.',
  labelNames: ['type'] as const,
  registers: [registry],
});
const webhookAttempts = new Counter({
  name: 'switchboard_webhook_attempts_total',
  help: 'Webhook delivery attempts by result: delivered (2xx), retrying (failed, a retry is scheduled), refused (address refused by the SSRF guard, retrying), failed (given up), gone (410: endpoint disabled).',
  labelNames: ['result'] as const,
  registers: [registry],
});
const webhookAttemptSeconds = new Histogram({
  name: 'switchboard_webhook_attempt_duration_seconds',
  help: 'Webhook delivery attempt latency (DNS, connect, request, capped response read).',
  buckets: SECONDS_FAST,
  registers: [registry],
});
const webhookDeliveredSeconds = new Histogram({
  name: 'switchboard_webhook_delivered_after_seconds',
  help: 'Time from the event to its successful delivery (includes retries).',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 600, 3600, 21600, 86400],
  registers: [registry],
});
const webhookEndpointsDisabled = new Counter({
  name: 'switchboard_webhook_endpoints_disabled_total',
  help: 'Webhook endpoints disabled automatically, by reason (gone: 410; failing: failed for days).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const countWebhookEvent = (type: string) => webhookEvents.inc({ type: WEBHOOK_EVENT_TYPES.has(type) ? type : 'other' });
export type WebhookAttemptResult = 'delivered' | 'retrying' | 'refused' | 'failed' | 'gone';
/** One attempt; `deliveredAfterMs` (event to delivery) for successful ones. */
export function observeWebhookAttempt(result: WebhookAttemptResult, latencyMs: number, deliveredAfterMs?: number) {
  webhookAttempts.inc({ result });
  webhookAttemptSeconds.observe(latencyMs / 1000);
  if (deliveredAfterMs !== undefined) webhookDeliveredSeconds.observe(Math.max(0, deliveredAfterMs) / 1000);
}
export const countWebhookEndpointDisabled = (reason: string) => webhookEndpointsDisabled.inc({ reason: reason.toLowerCase() });

/** Figures gathered at scrape time from whatever this process runs (API nodes, workers, queues, pools). */
type Source<T> = () => T;
const socketSources = new Set<Source<{ sockets: number; subscriptions: number }>>();
const queueSources = new Set<Source<Promise<QueueCounts[]>>>();
const poolSources = new Set<Source<Promise<PoolCounts | null>>>();
/** Fan-out counts, kept as plain numbers: they move once per frame. */
export const fanout = { sent: 0, dropped: 0 };

export interface QueueCounts {
  name: string;
  waiting: number;
  active: number;
  failed: number;
  delayed: number;
}
export interface PoolCounts {
  total: number;
  idle: number;
  waiting: number;
}

new Gauge({
  name: 'switchboard_sockets_active',
  help: 'Open graphql-ws sockets on this process.',
  registers: [registry],
  collect() {
    let n = 0;
    for (const s of socketSources) n += s().sockets;
    this.set(n);
  },
});
new Gauge({
  name: 'switchboard_socket_subscriptions_active',
  help: 'Operations running on graphql-ws sockets of this process (all topics).',
  registers: [registry],
  collect() {
    let n = 0;
    for (const s of socketSources) n += s().subscriptions;
    this.set(n);
  },
});
let fanoutSeen = { sent: 0, dropped: 0 };
new Counter({
  name: 'switchboard_fanout_frames_total',
  help: 'Subscription frames written to sockets by the shared fan-out (sent) or not written because the socket was closed or too far behind (dropped).',
  labelNames: ['result'] as const,
  registers: [registry],
  collect() {
    this.inc({ result: 'sent' }, fanout.sent - fanoutSeen.sent);
    this.inc({ result: 'dropped' }, fanout.dropped - fanoutSeen.dropped);
    fanoutSeen = { ...fanout };
  },
});
new Gauge({
  name: 'switchboard_queue_jobs',
  help: 'BullMQ jobs per queue and state (waiting, active, failed, delayed).',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const all = await Promise.all([...queueSources].map((s) => s().catch(() => [] as QueueCounts[])));
    // Sources on one Redis and prefix report the same queues: keep one figure per queue.
    const byQueue = new Map<string, QueueCounts>();
    for (const counts of all) for (const c of counts) byQueue.set(c.name, c);
    for (const c of byQueue.values()) {
      for (const state of ['waiting', 'active', 'failed', 'delayed'] as const) this.set({ queue: c.name, state }, c[state]);
    }
  },
});
new Gauge({
  name: 'switchboard_db_pool_connections',
  help: 'PostgreSQL pool connections by state (total, idle, waiting: requests queued for a connection). Absent on the embedded database.',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const pools = await Promise.all([...poolSources].map((s) => s().catch(() => null)));
    const sum = { total: 0, idle: 0, waiting: 0 };
    let any = false;
    for (const p of pools) {
      if (!p) continue;
      any = true;
      sum.total += p.total;
      sum.idle += p.idle;
      sum.waiting += p.waiting;
    }
    if (any) for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, sum[state]);
  },
});

const overdueSources = new Set<Source<Promise<number>>>();
new Gauge({
  name: 'switchboard_tickets_overdue',
  help: 'Open tickets past their due date, in all workspaces (read from the database at scrape time; every node reports the same figure).',
  registers: [registry],
  async collect() {
    const [source] = overdueSources;
    if (source) this.set(await source());
  },
});

export function watchOverdueTickets(source: Source<Promise<number>>) {
  overdueSources.add(source);
  return () => void overdueSources.delete(source);
}

/** Registers a figure source for the life of a server or worker; returns its removal. */
export function watchSockets(source: Source<{ sockets: number; subscriptions: number }>) {
  socketSources.add(source);
  return () => void socketSources.delete(source);
}
export function watchQueues(source: Source<Promise<QueueCounts[]>>) {
  queueSources.add(source);
  return () => void queueSources.delete(source);
}
export function watchPool(source: Source<Promise<PoolCounts | null>>) {
  poolSources.add(source);
  return () => void poolSources.delete(source);
}

export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';
export type Transport = 'http' | 'ws';

export interface ObservedOperation {
  name: string | null | undefined;
  type: OperationType;
  transport: Transport;
  /** performance.now() when the operation arrived (defaults to now). */
  startedAt?: number;
}

/**
 * Starts observing one GraphQL operation, whichever transport carries it;
 * call the returned `end` once with `OK` or the first error's code.
 */
export function observeOperation(op: ObservedOperation): (code: string) => void {
  if (!enabled) return noop;
  const startedAt = op.startedAt ?? performance.now();
  const operation = operationLabel(op.name);
  let ended = false;
  return (code) => {
    if (ended) return;
    ended = true;
    operations.inc({ operation, type: op.type, transport: op.transport, code });
    operationSeconds.observe({ operation, type: op.type, transport: op.transport }, (performance.now() - startedAt) / 1000);
    if (code === 'RATE_LIMITED') rateLimited.inc({ transport: op.transport });
  };
}

const noop = () => {};
export const subscriptionStarted = (topic: string) => enabled && subscriptionsByTopic.inc({ topic });
export const subscriptionEnded = (topic: string) => enabled && subscriptionsByTopic.dec({ topic });

export type JobOutcome = 'completed' | 'retried' | 'failed';

/** Starts timing one job run; `waitedMs` is how long it sat ready in the queue. */
export function observeJob(job: string, waitedMs?: number): (outcome: JobOutcome) => void {
  const started = performance.now();
  if (waitedMs !== undefined && waitedMs >= 0) jobWaitSeconds.observe({ job }, waitedMs / 1000);
  return (outcome) => {
    jobs.inc({ job, outcome });
    jobSeconds.observe({ job }, (performance.now() - started) / 1000);
  };
}

export type AnswerOutcome = 'answered' | 'small_talk' | 'handed_off' | 'skipped';
export const countAnswer = (outcome: AnswerOutcome) => aiAnswers.inc({ outcome });
export const countHandoff = (reason: string) => handoffs.inc({ reason: HANDOFF_REASONS.has(reason) ? reason : 'other' });
export const countSlaBreach = (target: 'first_response' | 'resolution') => enabled && slaBreaches.inc({ target });
export const observeAssignment = (policy: string, outcome: 'assigned' | 'waiting', seconds: number) => assignmentSeconds.observe({ policy, outcome }, seconds);

/** One model call: latency, tokens and result per provider and model. */
export function observeModelCall(provider: string, model: string) {
  const started = performance.now();
  return {
    ok(usage: { promptTokens: number; completionTokens: number }) {
      modelCalls.inc({ provider, model, result: 'ok' });
      modelSeconds.observe({ provider, model }, (performance.now() - started) / 1000);
      if (usage.promptTokens) modelTokens.inc({ provider, model, kind: 'prompt' }, usage.promptTokens);
      if (usage.completionTokens) modelTokens.inc({ provider, model, kind: 'completion' }, usage.completionTokens);
    },
    failed() {
      modelCalls.inc({ provider, model, result: 'error' });
      modelSeconds.observe({ provider, model }, (performance.now() - started) / 1000);
    },
  };
}

/** The exposition text and its content type, for /metrics handlers. */
export async function scrape(): Promise<{ contentType: string; body: string } | null> {
  if (!enabled) return null;
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** This process's running totals that the in-process alert rules watch. */
export async function localFigures(): Promise<{ modelCalls: number; modelErrors: number; handoffs: number }> {
  const calls = (await modelCalls.get()).values;
  const handed = (await handoffs.get()).values;
  return {
    modelCalls: calls.reduce((n, v) => n + v.value, 0),
    modelErrors: calls.filter((v) => v.labels.result === 'error').reduce((n, v) => n + v.value, 0),
    handoffs: handed.reduce((n, v) => n + v.value, 0),
  };
}
