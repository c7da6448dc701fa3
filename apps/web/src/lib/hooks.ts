import { useEffect, useState, type DependencyList } from 'react';

/**
 * Creates an object in an effect and disposes of it on change or unmount, so
 * React's StrictMode remount never hands out an already disposed instance.
 * Null during the first render.
 */
export function useDisposable<T extends { dispose(): void }>(factory: () => T, deps: DependencyList): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    const v = factory();
    setValue(v);
    return () => {
      v.dispose();
      setValue(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}

/** Re-renders every `ms` while `active`, for relative times and typing expiry. */
export function useTick(ms: number, active = true): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(id);
  }, [ms, active]);
  return tick;
}
