import { pino, type Logger } from 'pino';
import { currentTraceId } from './tracing.js';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchboard-api' },
    redact: ['req.headers.authorization', '*.password', '*.token', '*.secret'],
    // Lines logged while a traced operation or job runs carry its trace id.
    mixin() {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
  });
}
