import { describe, expect, it } from 'vitest';
import { renderHook } from '@testing-library/react';
import { useDisposable } from './hooks';

describe('useDisposable', () => {
  it('never hands out an instance made for other deps, and disposes each one', () => {
    const made: { id: string; disposed: boolean; dispose(): void }[] = [];
    const renders: { wanted: string; got: string | null }[] = [];
    const { rerender, unmount } = renderHook(
      ({ id }) => {
        const v = useDisposable(() => {
          const o = { id, disposed: false, dispose: () => void (o.disposed = true) };
          made.push(o);
          return o;
        }, [id]);
        if (v) expect(v.disposed).toBe(false);
        renders.push({ wanted: id, got: v ? v.id : null });
        return v;
      },
      { initialProps: { id: 'a' } },
    );
    rerender({ id: 'b' });
    // Every render got either nothing yet or the instance for its own deps (never the old one).
    expect(renders.every((r) => r.got === null || r.got === r.wanted)).toBe(true);
    expect(renders.at(-1)).toEqual({ wanted: 'b', got: 'b' });
    expect(made.find((o) => o.id === 'a')!.disposed).toBe(true);
    unmount();
    expect(made.every((o) => o.disposed)).toBe(true);
  });
});
