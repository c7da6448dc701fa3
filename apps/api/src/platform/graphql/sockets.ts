// Credentials live as long as the socket. graphql-ws authenticates once, in
// `connection_init`; afterwards every open socket's principal is re-checked
// on an interval, at once when any node announces a revocation
// (`principalRevoked`), and its token's expiry is a timer. A socket whose
// principal is no longer valid gets an error for each running operation and
// is closed: 4401 when it should sign in again (token expired, role changed),
// 4403 when its credential was revoked (key revoked, account deactivated,
// session logged out, contact erased).
import type { Actor } from '../actor.js';
import type { Logger } from '../logger.js';

export type Verdict = { ok: true } | { ok: false; why: 'expired' | 'revoked'; message: string };

export interface SessionSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveSocket {
  readonly actor: Actor;
  /** The actor's verdict key (`keyOf`), null when it needs no re-check. */
  readonly key: string | null;
  readonly socket: SessionSocket;
  /** graphql-ws operation ids running on this socket. */
  readonly operations: Set<string>;
  ended: boolean;
  expiry?: NodeJS.Timeout;
}

export interface SocketSessionOptions {
  /** Fresh verdicts for many actors (keyed by `keyOf`). */
  check(actors: Actor[]): Promise<Map<string, Verdict>>;
  keyOf(actor: Actor): string | null;
  intervalMs: number;
  logger: Logger;
}

const OPEN = 1;
/** setTimeout's ceiling (~24.8 days); longer expiries re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SocketSessions {
  private readonly live = new Set<LiveSocket>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly opts: SocketSessionOptions) {}

  get size() {
    return this.live.size;
  }

  start() {
    this.timer ??= setInterval(() => void this.sweep(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.live) clearTimeout(s.expiry);
    this.live.clear();
  }

  add(actor: Actor, socket: SessionSocket): LiveSocket {
    const s: LiveSocket = { actor, key: this.opts.keyOf(actor), socket, operations: new Set(), ended: false };
    this.live.add(s);
    const expiresAt = 'expiresAt' in actor ? actor.expiresAt : undefined;
    if (expiresAt !== undefined) this.armExpiry(s, expiresAt);
    return s;
  }

  remove(s: LiveSocket) {
    clearTimeout(s.expiry);
    this.live.delete(s);
  }

  private armExpiry(s: LiveSocket, expiresAt: number) {
    const wait = expiresAt - Date.now();
    if (wait <= 0) return this.end(s, { ok: false, why: 'expired', message: 'Token expired' });
    s.expiry = setTimeout(() => this.armExpiry(s, expiresAt), Math.min(wait + 5, MAX_TIMER_MS));
    s.expiry.unref();
  }

  /** Re-checks the sockets whose actor matches (after a revocation event). */
  async recheck(matches: (actor: Actor) => boolean): Promise<void> {
    await this.checkAndEnd([...this.live].filter((s) => !s.ended && matches(s.actor)));
  }

  /** Re-checks every socket; one pass at a time. */
  sweep(): Promise<void> {
    this.sweeping ??= this.checkAndEnd([...this.live].filter((s) => !s.ended)).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async checkAndEnd(sockets: LiveSocket[]) {
    // One actor per verdict key: thousands of sockets often share a few principals.
    const actors = new Map<string, Actor>();
    for (const s of sockets) if (s.key !== null) actors.set(s.key, s.actor);
    if (!actors.size) return;
    let verdicts: Map<string, Verdict>;
    try {
      verdicts = await this.opts.check([...actors.values()]);
    } catch (err) {
      // The database is away: keep the sockets (their credentials were valid) and ask again next time.
      this.opts.logger.warn({ err }, 'socket credential re-check failed');
      return;
    }
    for (const s of sockets) {
      const verdict = s.key === null ? undefined : verdicts.get(s.key);
      if (verdict && !verdict.ok) this.end(s, verdict);
    }
  }

  /** Fails each running operation with the reason, then closes the socket. */
  end(s: LiveSocket, verdict: Extract<Verdict, { ok: false }>) {
    if (s.ended) return;
    s.ended = true;
    this.remove(s);
    const code = verdict.why === 'expired' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
    if (s.socket.readyState === OPEN) {
      const payload = [{ message: verdict.message, extensions: { code } }];
      for (const id of s.operations) s.socket.send(JSON.stringify({ id, type: 'error', payload }));
      s.socket.close(verdict.why === 'expired' ? 4401 : 4403, verdict.why === 'expired' ? 'Unauthorized' : 'Forbidden');
    }
  }
}
