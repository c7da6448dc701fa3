import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTypingNotifier } from './typing';

describe('createTypingNotifier', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says "typing" once, repeats it while typing goes on, and "stopped" after a pause', () => {
    const send = vi.fn();
    const n = createTypingNotifier(send, { idleMs: 3_000, resendMs: 4_000, now: () => Date.now() });
    n.input();
    n.input();
    vi.advanceTimersByTime(2_000);
    n.input();
    expect(send.mock.calls).toEqual([[true]]);
    vi.advanceTimersByTime(2_500);
    n.input(); // 4.5 s after the first: refreshed
    expect(send.mock.calls).toEqual([[true], [true]]);
    vi.advanceTimersByTime(3_000);
    expect(send.mock.calls).toEqual([[true], [true], [false]]);
  });

  it('stops at once when the message is sent, and only if it had started', () => {
    const send = vi.fn();
    const n = createTypingNotifier(send);
    n.stop();
    expect(send).not.toHaveBeenCalled();
    n.input();
    n.stop();
    expect(send.mock.calls).toEqual([[true], [false]]);
    vi.advanceTimersByTime(10_000);
    expect(send).toHaveBeenCalledTimes(2);
  });
});
