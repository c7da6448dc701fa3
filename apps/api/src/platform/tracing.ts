// OpenTelemetry traces, configured only by the standard OTEL_* variables and
// off unless OTEL_EXPORTER_OTLP_ENDPOINT (or a traces-specific endpoint) or
// OTEL_TRACES_EXPORTER is set. One trace per GraphQL operation (an HTTP
// request, or one operation on a socket), with PostgreSQL and Redis
// statements, jobs (the trace context travels in the job's data, so a job
// run on another process continues the trace of whoever enqueued it) and
// model calls with their token counts. Without the SDK started, every helper
// here is a no-op through @opentelemetry/api.
import { createRequire } from 'node:module';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context as OtelContext,
  type Span,
} from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from './config.js';

const tracer = trace.getTracer('switchboard');
let sdk: { shutdown(): Promise<void> } | undefined;

/** Whether traces are exported (see config.ts: the OTEL_* variables). */
export const tracingEnabled = () => sdk !== undefined;

/**
 * Starts the SDK once per process, before any database or Redis client is
 * created. The pg and ioredis instrumentations patch those libraries'
 * prototypes in place, so loading them through `require` here also covers
 * the copies already imported as ES modules.
 */
export async function startTracing(config: Config, role: 'api' | 'worker'): Promise<void> {
  if (sdk || !config.tracing.enabled) return;
  const [{ NodeSDK }, { PgInstrumentation }, { IORedisInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const node = new NodeSDK({
    serviceName: config.tracing.serviceName ?? `switchboard-${role}`,
    // No pg-pool.connect spans: one per statement batch, they doubled the span count for
    // what switchboard_db_pool_connections{state="waiting"} already shows.
    instrumentations: [new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }), new IORedisInstrumentation({ requireParentSpan: true })],
    // Metrics are Prometheus's (/metrics); logs go to stdout (with trace ids).
    metricReaders: [],
    logRecordProcessors: [],
  });
  node.start();
  // As the ORM's driver and BullMQ resolve them (the ORM may carry its own copy of pg).
  const ours = createRequire(import.meta.url);
  const orms = createRequire(ours.resolve('@mikro-orm/postgresql'));
  for (const load of [ours, orms]) for (const name of ['pg', 'pg/lib/client.js', 'pg-pool', 'ioredis']) load(name);
  sdk = node;
}

/** Flushes and stops the exporter (on shutdown). */
export async function stopTracing(): Promise<void> {
  const s = sdk;
  sdk = undefined;
  await s?.shutdown();
}

/** The active trace id, for log lines. */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/**
 * Express middleware for /graphql: one server span per request, continuing
 * an incoming `traceparent`, active for everything the request does. The
 * operation observer names it after the operation once it is known.
 */
export function httpTracing() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!sdk) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `${req.method} /graphql`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': '/graphql' } },
      parent,
    );
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

const operationAttributes = (type: string, name: string | null | undefined): Attributes => ({
  'graphql.operation.type': type,
  ...(name ? { 'graphql.operation.name': name } : {}),
});

/** Names the active (HTTP request) span after its GraphQL operation. */
export function nameActiveOperation(type: string, name: string | null | undefined) {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(`${type} ${name ?? 'anonymous'}`);
  span.setAttributes(operationAttributes(type, name));
}

/** Records the active operation's result code (OK or the first error's code). */
export function endActiveOperation(code: string) {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttribute('graphql.result.code', code);
  if (code === 'INTERNAL') span.setStatus({ code: SpanStatusCode.ERROR });
}

/** A trace of its own for one operation on a socket; `run` executes inside it. */
export function startSocketOperation(type: string, name: string | null | undefined) {
  if (!sdk) return undefined;
  const span = tracer.startSpan(`${type} ${name ?? 'anonymous'}`, {
    kind: SpanKind.SERVER,
    root: true,
    attributes: { ...operationAttributes(type, name), 'network.transport': 'websocket' },
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, span);
  return {
    run: <T>(fn: () => T): T => context.with(ctx, fn),
    end(code: string) {
      span.setAttribute('graphql.result.code', code);
      if (code === 'INTERNAL') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

/** The key job data carries the trace context under (removed before handlers see the data). */
export const TRACE_KEY = '_trace';

/**
 * Job data with the current trace context added (unchanged when tracing is
 * off, or when the data already carries one: an outbox entry captures the
 * context of the request that wrote it, and keeps it when dispatched later).
 */
export function withTraceContext<D>(data: D, jobName: string): D {
  if (!sdk || typeof data !== 'object' || data === null || TRACE_KEY in data) return data;
  const span = tracer.startSpan(`enqueue ${jobName}`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'bullmq', 'messaging.operation.name': 'publish', 'messaging.destination.name': jobName },
  });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  span.end();
  return { ...data, [TRACE_KEY]: carrier };
}

/** Splits job data into what the handler gets and the trace context it came with. */
export function takeTraceContext<D>(data: D): { data: D; parent: OtelContext } {
  if (typeof data !== 'object' || data === null || !(TRACE_KEY in data)) return { data, parent: ROOT_CONTEXT };
  const { [TRACE_KEY]: carrier, ...rest } = data as Record<string, unknown>;
  return { data: rest as D, parent: propagation.extract(ROOT_CONTEXT, carrier as Record<string, string>) };
}

/** Runs one attempt of a job in a consumer span, a child of the enqueuer's span. */
export function runJobSpan<T>(jobName: string, parent: OtelContext, attempt: number, fn: () => Promise<T>): Promise<T> {
  if (!sdk) return fn();
  return tracer.startActiveSpan(
    `process ${jobName}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'bullmq', 'messaging.operation.name': 'process', 'messaging.destination.name': jobName, 'job.attempt': attempt },
    },
    parent,
    (span) => finish(span, fn),
  );
}

async function finish<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/** A model call: provider and model, then the token counts once known. */
export function traceModelCall<T extends { usage: { promptTokens: number; completionTokens: number } }>(
  provider: string,
  model: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!sdk) return fn();
  return tracer.startActiveSpan(
    `chat ${model}`,
    { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': provider, 'gen_ai.request.model': model } },
    (span) =>
      finish(span, async () => {
        const result = await fn();
        span.setAttributes({ 'gen_ai.usage.input_tokens': result.usage.promptTokens, 'gen_ai.usage.output_tokens': result.usage.completionTokens });
        return result;
      }),
  );
}
