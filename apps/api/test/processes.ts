// Runs the API and the worker as separate processes, as production does
// (`src/main.ts`, `src/worker.ts` through the same loader as `npm run dev`),
// collecting their JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './testkit.js';

const apiDir = fileURLToPath(new URL('../', import.meta.url));
const node = fileURLToPath(new URL('../../../node_modules/.bin/node', import.meta.url));

export interface Proc {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, any>[];
  output: () => string;
  stop(): Promise<void>;
}

export function spawnEntry(entry: 'main' | 'worker', env: Record<string, string>): Proc {
  const child = spawn(node, ['--experimental-async-context-frame', '--import', '@swc-node/register/esm-register', `src/${entry}.ts`], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, any>[] = [];
  let text = '';
  let partial = '';
  const read = (chunk: Buffer) => {
    text += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  return {
    child,
    logs,
    output: () => text,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The environment a test's API and worker processes share: a scratch
 * database, the given Redis, no demo data, warnings only, jobs on workers.
 */
export function clusterEnv(databaseUrl: string, redisUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    RUN_WORKERS: 'false',
    ...extra,
  };
}

/** Waits until `url` answers 200 (the process is up), failing early if it exits. */
export async function waitUp(proc: Proc, url: string, timeoutMs = 90_000) {
  await eventually(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}: ${proc.output().slice(-2000)}`);
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => null);
      return res?.status === 200;
    },
    timeoutMs,
    `${url} (${proc.output().slice(-500)})`,
  );
}
