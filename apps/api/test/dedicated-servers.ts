// A PostgreSQL cluster and a Redis server of one's own, on fixed spare ports,
// for suites and benchmarks that stop and restart them (so nothing shared is
// disturbed). Needs Debian's postgresql-common (`pg_createcluster`) and
// `redis-server` / `redis-cli` on PATH.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './testkit.js';

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
};

/** The binaries these helpers need that are not on PATH. */
export function missingServerTools(): string[] {
  return ['pg_createcluster', 'pg_ctlcluster', 'pg_dropcluster', 'redis-server', 'redis-cli'].filter(
    (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0,
  );
}

export interface PgCluster {
  url: string;
  start(): void;
  /** Fast shutdown (open connections are cut). */
  stop(): void;
  /** Stops and removes the cluster and its data. */
  drop(): void;
}

/** Creates (replacing a leftover of the same name) and starts a trust-auth cluster. */
export function createPgCluster(name: string, port: number, version = '15'): PgCluster {
  spawnSync('pg_dropcluster', [version, name, '--stop']);
  run('pg_createcluster', [version, name, '-p', String(port), '--', '--auth=trust']);
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run('pg_ctlcluster', [version, name, 'start']),
    stop: () => run('pg_ctlcluster', [version, name, 'stop', '-m', 'fast']),
    drop: () => void spawnSync('pg_dropcluster', [version, name, '--stop']),
  };
  cluster.start();
  return cluster;
}

export interface RedisServer {
  url: string;
  readonly child: ChildProcess | null;
  /** Starts it (on the same data directory: the append-only file brings its data back). */
  start(): Promise<void>;
  /** SIGTERM (a clean shutdown that flushes the append-only file), or the given signal. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

export async function startRedisServer(port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), `redis-${port}-`));
  let child: ChildProcess | null = null;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    get child() {
      return child;
    },
    async start() {
      const c = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
        { stdio: 'ignore' },
      );
      child = c;
      await eventually(
        async () => {
          if (c.exitCode !== null) throw new Error(`redis-server exited with ${c.exitCode}`);
          return spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
        },
        20_000,
        `redis-server on ${port}`,
      );
    },
    async stop(signal = 'SIGTERM') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill(signal);
      await exited;
    },
    async destroy() {
      await server.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
