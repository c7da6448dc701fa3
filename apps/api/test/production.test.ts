// The two ways an operator deploys: `npm run build && npm start` (one process
// serving the API and the built web app) and docker compose. Both must refuse
// a secret anyone could know.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig, secretStrengthBits } from '../src/platform/config.js';
import { eventually } from './testkit.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);
const SECRET = 'b3f1c2d4e5a6978877665544332211ffeeddccbbaa99887766554433221100aa';
const PORT = 18060;

interface Started {
  output(): string;
  exited: Promise<number | null>;
  done(): boolean;
  stop(): Promise<void>;
}

/** Runs the root `npm start` (NODE_ENV defaults to production there) on the embedded database. */
function npmStart(env: Record<string, string>): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: 'memory://', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  delete childEnv.DATABASE_URL;
  delete childEnv.REDIS_URL;
  delete childEnv.NODE_ENV;
  const child = spawn('npm', ['start'], { cwd: repoRoot, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => out,
    exited,
    done: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] };
}

describe('JWT_SECRET in production', () => {
  const prod = (JWT_SECRET: string) => () => loadConfig({ NODE_ENV: 'production', JWT_SECRET });

  it('refuses published placeholders and predictable values, accepts generated ones', () => {
    expect(prod('change-me-in-production-please-32chars')).toThrow('Invalid environment variable JWT_SECRET: is a published placeholder');
    expect(prod('switchboard-development-only-secret-change-me')).toThrow(/JWT_SECRET: is a published placeholder/);
    expect(prod('a'.repeat(64))).toThrow('Invalid environment variable JWT_SECRET: is too predictable');
    expect(prod('abababababababababababababababababab')).toThrow(/too predictable/);
    expect(secretStrengthBits(SECRET)).toBeGreaterThan(128);
    expect(prod(SECRET)().jwtSecret).toBe(SECRET);
    expect(prod('Zx9_kQ2-mW7pL4vR8tY1uI6oP3aS5dF0gH')().nodeEnv).toBe('production');
    // Development keeps working without one.
    expect(loadConfig({}).jwtSecret.length).toBeGreaterThanOrEqual(32);
  });
});

describe('npm start', () => {
  let webDist: string;

  beforeAll(async () => {
    // What `npm run build` produces for the API (turbo replays it from its cache when unchanged).
    await run(join(repoRoot, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--filter=@switchboard/api', '--output-logs=errors-only'], { cwd: repoRoot });
    // A stand-in for apps/web/dist: Vite's layout (index.html + fingerprinted assets).
    webDist = mkdtempSync(join(tmpdir(), 'sb-web-dist-'));
    mkdirSync(join(webDist, 'assets'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/index-Ab12Cd34.js"></script>');
    writeFileSync(join(webDist, 'assets', 'index-Ab12Cd34.js'), 'console.log("app")');
    writeFileSync(join(webDist, 'embed.js'), '/* widget loader */');
  }, 180_000);

  afterAll(() => rmSync(webDist, { recursive: true, force: true }));

  it('refuses to start with the placeholder secret', async () => {
    const started = npmStart({ PORT: String(PORT), JWT_SECRET: 'change-me-in-production-please-32chars' });
    try {
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain('Invalid environment variable JWT_SECRET: is a published placeholder');
    } finally {
      await started.stop();
    }
  }, 60_000);

  it('serves the web app, the API and exports from one process; the first admin signs up, then sign-up closes', async () => {
    const started = npmStart({ PORT: String(PORT), JWT_SECRET: SECRET, WEB_DIST_DIR: webDist });
    try {
      await eventually(
        async () => {
          if (started.done()) throw new Error(started.output());
          return started.output().includes('Switchboard API');
        },
        60_000,
        'start-up',
      );
      const out = started.output();
      expect(out).toContain('WARNING: production is running on the embedded PGlite database');
      expect(out).toContain(`Admin              http://127.0.0.1:${PORT}/admin`);

      const home = await fetch(`http://127.0.0.1:${PORT}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('cache-control')).toBe('no-cache');
      expect(await home.text()).toContain('<div id="root">');
      const asset = await fetch(`http://127.0.0.1:${PORT}/assets/index-Ab12Cd34.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await fetch(`http://127.0.0.1:${PORT}/embed.js`)).headers.get('cache-control')).toBe('no-cache');
      // Client-side routes get the app; unknown assets and the API's own paths do not.
      const route = await fetch(`http://127.0.0.1:${PORT}/admin/team`);
      expect(route.status).toBe(200);
      expect(await route.text()).toContain('<div id="root">');
      expect((await fetch(`http://127.0.0.1:${PORT}/assets/missing-123.js`)).status).toBe(404);
      expect(await (await fetch(`http://127.0.0.1:${PORT}/healthz`)).json()).toEqual({ status: 'ok' });
      const badExport = await fetch(`http://127.0.0.1:${PORT}/exports/conversations?token=nope`);
      expect(badExport.status).toBe(401);
      expect(badExport.headers.get('content-type')).toMatch(/application\/json/);

      // First run: sign-up is open only while there is no workspace.
      expect((await gql('{ signUpOpen }')).data).toEqual({ signUpOpen: true });
      const signUp = 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { email role } } }';
      const input = { workspaceName: 'Acme Support', name: 'Ops Admin', email: 'ops@acme.test', password: 'first-admin-password' };
      const first = await gql(signUp, { input });
      expect(first.data.signUp.user).toEqual({ email: 'ops@acme.test', role: 'ADMIN' });
      expect((await gql('{ signUpOpen }')).data).toEqual({ signUpOpen: false });
      const second = await gql(signUp, { input: { ...input, email: 'intruder@acme.test' } });
      expect(second.errors?.[0]?.extensions.code).toBe('FORBIDDEN');

      // A real export link streams from the same process.
      const link = await gql(
        'mutation($range: DateRangeInput!) { exportConversations(range: $range) { url } }',
        { range: { from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' } },
        first.data.signUp.accessToken,
      );
      const url = new URL(link.data.exportConversations.url, `http://127.0.0.1:${PORT}`);
      expect(url.pathname).toBe('/exports/conversations');
      const csv = await fetch(url);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    } finally {
      await started.stop();
    }
  }, 90_000);
});

describe('docker compose', () => {
  const compose = (env: Record<string, string>, ...args: string[]) =>
    run('docker-compose', ['-f', join(repoRoot, 'docker-compose.yml'), ...args], { cwd: repoRoot, env: { PATH: process.env.PATH, ...env } });

  it('has no default JWT secret and is otherwise valid', async () => {
    await expect(compose({}, 'config', '-q')).rejects.toMatchObject({ stderr: expect.stringContaining('set JWT_SECRET to a random secret') });
    await compose({ JWT_SECRET: SECRET }, 'config', '-q');
    const { stdout } = await compose({ JWT_SECRET: SECRET }, 'config');
    expect(stdout).toContain(`JWT_SECRET: ${SECRET}`);
    expect(stdout).toContain('TRUST_PROXY: loopback, uniquelocal');
  });
});
