import { describe, expect, it, vi } from 'vitest';
import type { AuthPayloadFieldsFragment } from '@switchboard/schema/client';
import { SessionStore } from './session';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

const payload = (n: number, expiresInMs = 15 * 60_000): AuthPayloadFieldsFragment => ({
  accessToken: `access-${n}`,
  accessTokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  refreshToken: `refresh-${n}`,
  user: {
    id: 'u1',
    name: 'Alex',
    email: 'alex@example.com',
    role: 'AGENT',
    status: 'ACTIVE',
    lastLoginAt: null,
    createdAt: '2026-01-01T00:00:00Z',
    workspace: {
      id: 'w1',
      name: 'Demo',
      widgetKey: 'wk',
      createdAt: '2026-01-01T00:00:00Z',
      retentionDays: null,
      moderationEnabled: true,
      supportedLanguages: ['en'],
    },
  },
});

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

describe('SessionStore', () => {
  it('keeps the session across reloads (storage) and hands out the access token', async () => {
    const storage = memoryStorage();
    new SessionStore(storage, vi.fn()).signIn(payload(1));
    const reloaded = new SessionStore(storage, vi.fn());
    expect(await reloaded.accessToken()).toBe('access-1');
  });

  it('refreshes shortly before expiry, once even when asked concurrently', async () => {
    const fetchImpl = vi.fn(async () => json({ data: { refreshToken: payload(2) } }));
    const store = new SessionStore(memoryStorage(), fetchImpl);
    store.signIn(payload(1, 10_000));
    const [a, b] = await Promise.all([store.accessToken(), store.accessToken()]);
    expect([a, b]).toEqual(['access-2', 'access-2']);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    const body = JSON.parse((fetchImpl.mock.calls[0] as unknown as [string, RequestInit])[1].body as string);
    expect(body.variables).toEqual({ token: 'refresh-1' });
  });

  it('ends the session when the refresh token is rejected', async () => {
    const fetchImpl = vi.fn(async () => json({ errors: [{ message: 'Refresh token already used', extensions: { code: 'UNAUTHENTICATED' } }] }));
    const store = new SessionStore(memoryStorage(), fetchImpl);
    store.signIn(payload(1));
    const listener = vi.fn();
    store.subscribe(listener);
    expect(await store.refresh()).toBe(false);
    expect(store.get()).toBeNull();
    expect(store.endReason).toBe('expired');
    expect(listener).toHaveBeenCalled();
  });

  it('keeps the session when the refresh fails for network reasons', async () => {
    const store = new SessionStore(
      memoryStorage(),
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    store.signIn(payload(1));
    expect(await store.refresh()).toBe(false);
    expect(store.get()?.accessToken).toBe('access-1');
  });
});
