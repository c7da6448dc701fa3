import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CombinedGraphQLErrors } from '@apollo/client';
import { Outbox } from './outbox';

describe('Outbox', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('sends messages one at a time, in order', async () => {
    const sent: string[] = [];
    let release: (() => void) | undefined;
    const outbox = new Outbox({
      newId: (() => {
        let n = 0;
        return () => `id${++n}`;
      })(),
      send: ({ body }) =>
        new Promise<void>((resolve) => {
          sent.push(body);
          release = resolve;
        }),
    });
    outbox.enqueue('one');
    outbox.enqueue('two');
    expect(sent).toEqual(['one']);
    expect(outbox.get().map((m) => m.status)).toEqual(['sending', 'queued']);
    release!();
    await vi.waitFor(() => expect(sent).toEqual(['one', 'two']));
    release!();
    await vi.waitFor(() => expect(outbox.get()).toEqual([]));
    outbox.dispose();
  });

  it('retries a transient failure with the same clientMessageId, at once when back online', async () => {
    const attempts: string[] = [];
    let fail = true;
    const onSent = vi.fn();
    const outbox = new Outbox({
      newId: () => 'cm-1',
      send: async ({ clientMessageId }) => {
        attempts.push(clientMessageId);
        if (fail) throw new TypeError('Failed to fetch');
        return { seq: 9 };
      },
      onSent,
    });
    outbox.enqueue('hello');
    await vi.waitFor(() => expect(outbox.get()[0]?.status).toBe('retrying'));
    expect(outbox.get()[0]?.error?.code).toBe('NETWORK');
    fail = false;
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(onSent).toHaveBeenCalledWith({ seq: 9 }, expect.objectContaining({ clientMessageId: 'cm-1' })));
    expect(attempts).toEqual(['cm-1', 'cm-1']);
    expect(outbox.get()).toEqual([]);
    outbox.dispose();
  });

  it('retries by itself after a back-off', async () => {
    let calls = 0;
    const outbox = new Outbox({
      send: async () => {
        calls += 1;
        if (calls === 1) throw new TypeError('Failed to fetch');
      },
      backoffMs: () => 1_000,
    });
    outbox.enqueue('x');
    await vi.waitFor(() => expect(outbox.get()[0]?.status).toBe('retrying'));
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(outbox.get()).toEqual([]));
    expect(calls).toBe(2);
    outbox.dispose();
  });

  it('keeps a rejected message for the user to retry or discard', async () => {
    const outbox = new Outbox({
      send: async () => {
        throw new CombinedGraphQLErrors({ data: null, errors: [{ message: 'body must be shorter', extensions: { code: 'BAD_USER_INPUT' } }] });
      },
    });
    const id = outbox.enqueue('too long');
    await vi.waitFor(() => expect(outbox.get()[0]?.status).toBe('failed'));
    expect(outbox.get()[0]?.error).toMatchObject({ code: 'BAD_USER_INPUT', message: 'body must be shorter' });
    outbox.discard(id);
    expect(outbox.get()).toEqual([]);
    outbox.dispose();
  });

  it('forgets a message the live feed already delivered', () => {
    const outbox = new Outbox({ send: () => new Promise(() => undefined), newId: () => 'a' });
    outbox.enqueue('one');
    outbox.confirm('a'); // still in flight: kept until the mutation answers
    expect(outbox.get()).toHaveLength(1);
    outbox.dispose();
  });
});
