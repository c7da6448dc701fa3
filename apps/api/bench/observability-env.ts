// The variables that switch tracing and metrics, passed from a bench's
// environment to the servers it builds with an explicit config (so
// bench/observability.ts can run the same bench with them on and off).
export function observabilityEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && (e[0].startsWith('OTEL_') || e[0] === 'METRICS_ENABLED')),
  );
}
