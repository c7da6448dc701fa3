// Shares a read between concurrent callers without ever handing anyone a
// result read before they asked: a caller joins a read that has not started
// yet, or queues the next one behind the read in flight. When thousands of
// subscribers arrive at once, that is a handful of reads instead of
// thousands, and each still sees the state as of (or after) its own call.

export class FreshReads<K, V> {
  private readonly queued = new Map<K, Promise<V>>();
  private readonly running = new Map<K, Promise<unknown>>();

  read(key: K, load: () => Promise<V>): Promise<V> {
    const queued = this.queued.get(key);
    if (queued) return queued;
    const before = this.running.get(key) ?? Promise.resolve();
    const next: Promise<V> = before.then(
      () => this.start(key, next, load),
      () => this.start(key, next, load),
    );
    this.queued.set(key, next);
    return next;
  }

  private start(key: K, self: Promise<V>, load: () => Promise<V>): Promise<V> {
    if (this.queued.get(key) === self) this.queued.delete(key);
    const run = load();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.running.set(key, settled);
    void settled.then(() => {
      if (this.running.get(key) === settled) this.running.delete(key);
    });
    return run;
  }
}
