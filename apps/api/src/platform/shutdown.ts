// Graceful shutdown in bounded steps, shared by the API and the worker.
// A step that hangs (a dependency that is down, a peer that never
// acknowledges a close) is logged and skipped, so everything after it still
// closes and the process exits within its grace period.
import type { Logger } from './logger.js';

/** Time kept back from the grace period for closing connections after active work is given up. */
export const CLOSE_RESERVE_MS = 2_000;

export interface Shutdown {
  /** Active work (requests, jobs) may run until then; the rest of the grace period closes connections. */
  readonly workDeadline: number;
  step(name: string, work: () => unknown): Promise<void>;
}

export function startShutdown(logger: Logger, graceMs: number): Shutdown {
  const deadline = Date.now() + graceMs;
  return {
    workDeadline: deadline - Math.min(CLOSE_RESERVE_MS, graceMs / 2),
    async step(name, work) {
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not finished within ${Date.now() - t0} ms`)), Math.max(500, deadline - t0));
      });
      try {
        await Promise.race([Promise.resolve().then(work), timeout]);
      } catch (err) {
        logger.warn({ err, step: name }, 'shutdown step did not finish cleanly');
      } finally {
        clearTimeout(timer);
      }
      const ms = Date.now() - t0;
      if (ms > 1_000) logger.warn({ step: name, ms }, 'slow shutdown step');
      else logger.debug({ step: name, ms }, 'shutdown step');
    },
  };
}
