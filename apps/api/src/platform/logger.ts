import { redactPii } from '@switchboard/ai';
import { pino, type Logger } from 'pino';
import { currentTraceId } from './tracing.js';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchboard-api' },
    redact: ['req.headers.authorization', '*.password', '*.token', '*.secret'],
    // Free text in log lines (messages, error texts) may quote what a customer wrote: no emails, phone or card numbers in logs.
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((a) => (typeof a === 'string' ? redactPii(a) : a && typeof a === 'object' ? redactFields(a as Record<string, unknown>) : a));
        method.apply(this, redacted as Parameters<typeof method>);
      },
    },
    // Lines logged while a traced operation or job runs carry its trace id.
    mixin() {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
  });
}

/** A shallow copy with string fields (and an error's message) redacted. */
function redactFields(obj: Record<string, unknown>): Record<string, unknown> {
  if (obj instanceof Error) return obj;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] =
      typeof v === 'string'
        ? redactPii(v)
        : v instanceof Error
          ? Object.assign(Object.create(Object.getPrototypeOf(v) as object) as Error, v, {
              message: redactPii(v.message),
              stack: v.stack && redactPii(v.stack),
            })
          : v;
  }
  return out;
}
