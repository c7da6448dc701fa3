// Outgoing chat messages. Each gets a clientMessageId up front, so sending it
// again after a network failure is idempotent (the API returns the message it
// already stored). Messages go out one at a time, in order; transient failures
// (offline, rate limit, server error) are retried automatically with back-off
// and as soon as the browser is back online; other failures wait for the user.
import { describeError, isTransient, type DescribedError } from './errors';

export type OutgoingStatus = 'queued' | 'sending' | 'retrying' | 'failed';

/** A file already uploaded (unsent) that goes out with the message. */
export interface OutgoingAttachment {
  id: string;
  filename: string;
}

export interface OutgoingMessage {
  clientMessageId: string;
  body: string;
  attachments?: readonly OutgoingAttachment[];
  status: OutgoingStatus;
  attempts: number;
  error?: DescribedError;
}

export interface OutboxOptions<T> {
  send(message: { clientMessageId: string; body: string; attachmentIds?: string[] }): Promise<T>;
  onSent?(result: T, message: OutgoingMessage): void;
  newId?(): string;
  /** Back-off before automatic retry number n (1-based). */
  backoffMs?(attempt: number): number;
}

export function newClientMessageId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class Outbox<T = unknown> {
  private items: OutgoingMessage[] = [];
  private listeners = new Set<() => void>();
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly onOnline = () => this.retryWaiting();

  constructor(private readonly opts: OutboxOptions<T>) {
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  get = (): readonly OutgoingMessage[] => this.items;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(next: OutgoingMessage[]) {
    this.items = next;
    for (const l of this.listeners) l();
  }

  private patch(id: string, patch: Partial<OutgoingMessage>) {
    this.update(this.items.map((m) => (m.clientMessageId === id ? { ...m, ...patch } : m)));
  }

  /** Queues a message and returns its clientMessageId. */
  enqueue(body: string, attachments: readonly OutgoingAttachment[] = []): string {
    const clientMessageId = (this.opts.newId ?? newClientMessageId)();
    this.update([...this.items, { clientMessageId, body, ...(attachments.length && { attachments }), status: 'queued', attempts: 0 }]);
    this.pump();
    return clientMessageId;
  }

  /** The feed delivered the stored message: it no longer needs sending. */
  confirm(clientMessageId: string | null | undefined) {
    if (!clientMessageId || !this.items.some((m) => m.clientMessageId === clientMessageId)) return;
    this.update(this.items.filter((m) => m.clientMessageId !== clientMessageId || m.status === 'sending'));
  }

  retry(clientMessageId: string) {
    this.patch(clientMessageId, { status: 'queued', error: undefined });
    this.pump();
  }

  discard(clientMessageId: string) {
    this.update(this.items.filter((m) => m.clientMessageId !== clientMessageId || m.status === 'sending'));
  }

  /** Retries messages that wait for the network now (e.g. the browser came back online). */
  retryWaiting() {
    if (!this.items.some((m) => m.status === 'retrying')) return;
    clearTimeout(this.timer);
    this.update(this.items.map((m) => (m.status === 'retrying' ? { ...m, status: 'queued' } : m)));
    this.pump();
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.timer);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
  }

  private pump() {
    if (this.inFlight || this.disposed) return;
    // Keep order: a message waiting to be retried holds back the ones after it.
    const next = this.items.find((m) => m.status !== 'failed');
    if (!next || next.status !== 'queued') return;
    this.inFlight = true;
    const attempts = next.attempts + 1;
    this.patch(next.clientMessageId, { status: 'sending', attempts });
    this.opts
      .send({ clientMessageId: next.clientMessageId, body: next.body, ...(next.attachments?.length && { attachmentIds: next.attachments.map((a) => a.id) }) })
      .then(
        (result) => {
          const sent = this.items.find((m) => m.clientMessageId === next.clientMessageId) ?? next;
          this.update(this.items.filter((m) => m.clientMessageId !== next.clientMessageId));
          this.opts.onSent?.(result, sent);
        },
        (error: unknown) => {
          if (this.disposed) return;
          const described = describeError(error);
          if (isTransient(error)) {
            this.patch(next.clientMessageId, { status: 'retrying', error: described });
            const wait = this.opts.backoffMs?.(attempts) ?? Math.min(1_000 * 2 ** (attempts - 1), 15_000);
            clearTimeout(this.timer);
            this.timer = setTimeout(() => this.retryWaiting(), wait);
          } else {
            this.patch(next.clientMessageId, { status: 'failed', error: described });
          }
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.pump();
      });
  }
}
