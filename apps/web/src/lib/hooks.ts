import { useEffect, useState, type DependencyList } from 'react';

/**
 * Creates an object in an effect and disposes of it on change or unmount, so
 * React's StrictMode remount never hands out an already disposed instance.
 * Null during the first render, and during the render in which `deps` change
 * (the old instance is about to be disposed: nothing may start work on it).
 */
export function useDisposable<T extends { dispose(): void }>(factory: () => T, deps: DependencyList): T | null {
  const [current, setCurrent] = useState<{ value: T; deps: DependencyList } | null>(null);
  useEffect(() => {
    const value = factory();
    setCurrent({ value, deps });
    return () => {
      value.dispose();
      setCurrent(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  if (!current || current.deps.length !== deps.length || current.deps.some((d, i) => !Object.is(d, deps[i]))) return null;
  return current.value;
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
