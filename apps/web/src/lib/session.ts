// The staff session: access and refresh tokens from `logIn`, kept in
// localStorage so a reload (and other tabs) stay signed in. The access token is
// refreshed shortly before it expires and after an UNAUTHENTICATED answer;
// refresh tokens are single-use, so tabs take turns (Web Locks) and adopt a
// token another tab already rotated.
import { print } from 'graphql';
import { RefreshTokenDocument, type AuthPayloadFieldsFragment, type RefreshTokenMutation } from '@switchboard/schema/client';

export type StaffUser = AuthPayloadFieldsFragment['user'];

export interface StaffSession {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: StaffUser;
}

export type SessionEndReason = 'signed_out' | 'expired';

const KEY = 'switchboard.session';
const REFRESH_AHEAD_MS = 30_000;
const REFRESH_QUERY = print(RefreshTokenDocument);

function read(storage: Storage | undefined): StaffSession | null {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as StaffSession;
    return s && typeof s.accessToken === 'string' && typeof s.refreshToken === 'string' && s.user ? s : null;
  } catch {
    return null;
  }
}

export class SessionStore {
  private session: StaffSession | null;
  private listeners = new Set<() => void>();
  private refreshing: Promise<boolean> | null = null;
  /** Why the last session ended (shown on the sign-in form). */
  endReason: SessionEndReason | null = null;

  constructor(
    private readonly storage: Storage | undefined = typeof localStorage === 'undefined' ? undefined : localStorage,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly url = '/graphql',
  ) {
    this.session = read(storage);
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (e) => {
        if (e.key !== KEY) return;
        const next = read(this.storage);
        if (next?.refreshToken === this.session?.refreshToken) return;
        this.session = next;
        this.emit();
      });
    }
  }

  get = (): StaffSession | null => this.session;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit() {
    for (const l of this.listeners) l();
  }

  private save(next: StaffSession | null) {
    this.session = next;
    try {
      if (next) this.storage?.setItem(KEY, JSON.stringify(next));
      else this.storage?.removeItem(KEY);
    } catch {
      // Private mode without storage: the session lives in memory only.
    }
    this.emit();
  }

  /** Starts a session from a `logIn`, `acceptInvite` or `refreshToken` payload. */
  signIn(payload: AuthPayloadFieldsFragment) {
    this.endReason = null;
    this.save({
      accessToken: payload.accessToken,
      accessTokenExpiresAt: payload.accessTokenExpiresAt,
      refreshToken: payload.refreshToken,
      user: payload.user,
    });
  }

  end(reason: SessionEndReason) {
    this.endReason = reason;
    this.save(null);
  }

  /** The access token to send, refreshed first when it is about to expire. */
  accessToken = async (): Promise<string | null> => {
    const s = this.session;
    if (!s) return null;
    const expiresAt = Date.parse(s.accessTokenExpiresAt);
    if (Number.isFinite(expiresAt) && expiresAt - Date.now() < REFRESH_AHEAD_MS) await this.refresh();
    return this.session?.accessToken ?? null;
  };

  /** Rotates the tokens. Resolves false (and ends the session) when the refresh token is no longer valid. */
  refresh = (): Promise<boolean> => {
    this.refreshing ??= this.withLock(() => this.doRefresh()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  };

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? locks.request('switchboard-session-refresh', fn) : fn();
  }

  private async doRefresh(): Promise<boolean> {
    const current = this.session;
    if (!current) return false;
    // Another tab may have rotated the token while this one waited for the lock.
    const stored = read(this.storage);
    if (stored && stored.refreshToken !== current.refreshToken && Date.parse(stored.accessTokenExpiresAt) - Date.now() > REFRESH_AHEAD_MS) {
      this.session = stored;
      this.emit();
      return true;
    }
    let res: Response;
    try {
      res = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: REFRESH_QUERY, variables: { token: current.refreshToken } }),
      });
    } catch {
      // Offline: keep the session; the next request tries again.
      return false;
    }
    const body = (await res.json().catch(() => null)) as { data?: RefreshTokenMutation; errors?: { extensions?: { code?: string } }[] } | null;
    const payload = body?.data?.refreshToken;
    if (payload) {
      this.signIn(payload);
      return true;
    }
    const code = body?.errors?.[0]?.extensions?.code;
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'BAD_USER_INPUT') this.end('expired');
    return false;
  }
}
