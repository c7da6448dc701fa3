// `npm run dev` as a newcomer runs it: through the root script, turbo and the
// real processes. Settings documented in the README must arrive, a bad one
// must stop the launcher with its one-line error, and a busy web port must
// not stop anything.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ENV_VARIABLES } from '../src/platform/config.js';
import { eventually } from './testkit.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

/** The variables named in the first column of the README's Configuration table. */
function documentedVariables(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    for (const m of line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1]!);
  }
  return [...names];
}

interface Launch {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `npm run dev` at the repository root on the embedded defaults, in its own process group. */
function launch(env: Record<string, string>): Launch {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: 'memory://', LOG_LEVEL: 'warn', TURBO_TELEMETRY_DISABLED: '1', ...env };
  // The suite may run against shared servers; the launcher gets the embedded database.
  delete childEnv.DATABASE_URL;
  delete childEnv.REDIS_URL;
  delete childEnv.NODE_ENV;
  const child = spawn('npm', ['run', 'dev'], { cwd: repoRoot, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port, host: '0.0.0.0' }, () => resolve(srv));
  });
}

describe('npm run dev', () => {
  it('documents every setting the API reads and passes each one through turbo', async () => {
    const documented = documentedVariables();
    expect(documented).toEqual(expect.arrayContaining(ENV_VARIABLES));
    const { stdout } = await run(
      join(repoRoot, 'node_modules', '.bin', 'turbo'),
      ['run', 'dev', '--filter=@switchboard/api', '--filter=@switchboard/web', '--dry=json'],
      {
        cwd: repoRoot,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const dry = JSON.parse(stdout);
    expect(dry.envMode).toBe('strict');
    const passed: string[] = dry.globalCacheInputs.environmentVariables.specified.passThroughEnv;
    expect(passed).toEqual(expect.arrayContaining(documented));
  });

  it('stops with the one-line error when a setting is invalid', async () => {
    const dev = launch({ AI_AUTO_REPLY: 'notabool', PORT: '18040', WEB_PORT: '18050' });
    try {
      const code = await Promise.race([dev.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 100_000))]);
      expect(code).not.toBe('timeout');
      expect(code).not.toBe(0);
      expect(dev.output()).toContain('Invalid environment variable AI_AUTO_REPLY: Invalid option: expected one of "true"|"false"');
    } finally {
      await dev.stop();
    }
  }, 120_000);

  it('moves to the next free port when the preferred web port is taken, and passes settings through', async () => {
    const busy = await occupy(18020);
    const dev = launch({ PORT: '18030', WEB_PORT: '18020', DEMO_ADMIN_EMAIL: 'boss@launcher.test', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '77' });
    try {
      await eventually(
        async () => dev.output().includes('Agent console') || (dev.child.exitCode !== null && Promise.reject(new Error(dev.output()))),
        110_000,
        'the start-up banner',
      );
      const out = dev.output();
      expect(out).toContain('Port 18020 is in use; the web app uses 18021.');
      expect(out).toContain('Switchboard API    http://localhost:18030/graphql');
      expect(out).toMatch(/Widget demo {8}http:\/\/localhost:18021\/embed-demo\.html\?widgetKey=wk_[\w-]{22}(?:&open=1)?\s/);
      expect(out).toContain('Agent console      http://localhost:18021/agent');
      expect(out).toContain('Admin              http://localhost:18021/admin');
      expect(out).toContain('Admin log-in       boss@launcher.test');

      // The web dev server on the fallback port answers, and proxies to the API wherever it went.
      const page = await eventually(
        async () => {
          const res = await fetch('http://127.0.0.1:18021/admin');
          return res.ok && (await res.text());
        },
        30_000,
        'the web dev server',
      );
      expect(page).toContain('<div id="root">');
      const res = await fetch('http://127.0.0.1:18021/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($input: LogInInput!) { logIn(input: $input) { user { email role } } }',
          variables: { input: { email: 'boss@launcher.test', password: 'switchboard-demo' } },
        }),
      });
      expect(await res.json()).toEqual({ data: { logIn: { user: { email: 'boss@launcher.test', role: 'ADMIN' } } } });
      expect(res.headers.get('ratelimit-limit')).toBe('77');
    } finally {
      await dev.stop();
      busy.close();
    }
  }, 150_000);
});
