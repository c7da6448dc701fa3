// Push-based event sources: a subscriber hands in callbacks and gets events
// synchronously, in order, without a promise chain per subscriber and event.
// Fan-out (shared-execution.ts) attaches to them directly; anything else
// (tests, graphql-js's own subscribe) iterates them as ordinary async
// iterables.

export const PUSH = Symbol.for('switchboard.pushSource');

export interface PushSink<T> {
  next(value: T): void;
  error(err: unknown): void;
  complete(): void;
}

export interface PushSource<T> extends AsyncIterable<T> {
  /** Starts delivering to `sink`; returns the function that stops it. A source is started at most once. */
  [PUSH](sink: PushSink<T>): () => void;
}

export function isPushSource<T = unknown>(value: unknown): value is PushSource<T> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[PUSH] === 'function';
}

/**
 * A PushSource from a start function (called once, on attach or on the first
 * `next()` when iterated). Iterating buffers without bound, as pushing does
 * (a WebSocket buffers what it cannot write yet): sources must not outrun
 * their own reads by much (the conversation feed pushes at most one page of
 * the replay per database read).
 */
export function pushSource<T>(start: (sink: PushSink<T>) => () => void): PushSource<T> {
  let started = false;
  const attach = (sink: PushSink<T>) => {
    if (started) throw new Error('A push source can be started only once');
    started = true;
    return start(sink);
  };
  return {
    [PUSH]: attach,
    [Symbol.asyncIterator](): AsyncIterableIterator<T> {
      const queue: T[] = [];
      let head = 0;
      let waiting: { resolve: (r: IteratorResult<T>) => void; reject: (err: unknown) => void } | undefined;
      let finished = false;
      let failure: { err: unknown } | undefined;
      let stop: (() => void) | undefined;
      const settle = () => {
        if (!waiting) return;
        const w = waiting;
        if (head < queue.length) {
          waiting = undefined;
          const value = queue[head++]!;
          if (head === queue.length) queue.length = head = 0;
          w.resolve({ value, done: false });
        } else if (failure) {
          waiting = undefined;
          const { err } = failure;
          failure = undefined;
          w.reject(err);
        } else if (finished) {
          waiting = undefined;
          w.resolve({ value: undefined, done: true });
        }
      };
      const end = () => {
        if (finished) return;
        finished = true;
        stop?.();
        stop = undefined;
      };
      const iterator: AsyncIterableIterator<T> = {
        next() {
          if (!started) {
            stop = attach({
              next: (value) => {
                if (finished) return;
                queue.push(value);
                settle();
              },
              error: (err) => {
                if (finished) return;
                failure = { err };
                end();
                settle();
              },
              complete: () => {
                end();
                settle();
              },
            });
            if (finished) {
              stop?.();
              stop = undefined;
            }
          }
          return new Promise<IteratorResult<T>>((resolve, reject) => {
            if (waiting) return reject(new Error('next() called again before the previous call settled'));
            waiting = { resolve, reject };
            settle();
          });
        },
        return() {
          end();
          queue.length = head = 0;
          failure = undefined;
          settle();
          return Promise.resolve({ value: undefined, done: true });
        },
        throw(err) {
          end();
          queue.length = head = 0;
          settle();
          return Promise.reject(err);
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
