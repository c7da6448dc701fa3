// Shared by the end-to-end tests and the benchmark: the real API (embedded
// PGlite in memory, demo seed), the built web app served by `vite preview`
// with /graphql proxied to that API, and Debian's headless Chromium driven by
// playwright-core (nothing is downloaded).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createLogger, preview, type PreviewServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = join(webRoot, '..', '..');
export const apiRoot = join(repoRoot, 'apps', 'api');
export const artifactsDir = join(webRoot, 'test-artifacts');

export const DEMO_ADMIN = { email: 'admin@demo.switchboard.dev', password: 'switchboard-demo' };
export const DEMO_AGENT = { email: 'agent@demo.switchboard.dev', password: 'switchboard-demo' };

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export function ensureArtifactsDir(): string {
  mkdirSync(artifactsDir, { recursive: true });
  return artifactsDir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ApiHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 (GraphQL at /graphql). */
  url: string;
  widgetKey: string;
  output(): string;
  stop(): Promise<void>;
}

/** One GraphQL request to the API itself (no browser); throws on errors. */
export async function apiCall<T>(api: ApiHandle, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`);
  return body.data;
}

/** Starts apps/api from source on a free port with the embedded defaults and the demo seed. */
export async function startApi(extraEnv: Record<string, string> = {}): Promise<ApiHandle> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    SEED_DEMO: 'true',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--experimental-async-context-frame', '--enable-source-maps', '--import', '@swc-node/register/esm-register', 'src/main.ts'],
    {
      cwd: apiRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Never leave the API running when this process ends, even on a crash.
  const killChild = () => {
    if (child.exitCode == null) child.kill('SIGKILL');
  };
  process.once('exit', killChild);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

  const ready = await new Promise<{ url: string; widgetKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start within 90 s:\n${out.slice(-4000)}`)), 90_000);
    const check = () => {
      const url = /Switchboard API\s+(http:\/\/\S+?)\/graphql/.exec(out)?.[1];
      const widgetKey = /Widget key\s+(\S+)/.exec(out)?.[1];
      if (url && widgetKey) {
        clearTimeout(timer);
        resolve({ url, widgetKey });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API exited with code ${code}:\n${out.slice(-4000)}`));
    });
  });
  return {
    ...ready,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode != null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          process.off('exit', killChild);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export interface WebHandle {
  url: string;
  stop(): Promise<void>;
}

/** Serves the built app (dist/) with `vite preview`, proxying /graphql (HTTP + WebSocket) to the API. */
export async function startWeb(apiUrl: string): Promise<WebHandle> {
  if (!existsSync(join(webRoot, 'dist', 'index.html'))) throw new Error('apps/web/dist is missing: run `npm run build -w @switchboard/web` first');
  const port = await freePort();
  process.env.API_URL = apiUrl;
  const server: PreviewServer = await preview({
    root: webRoot,
    configFile: join(webRoot, 'vite.config.ts'),
    logLevel: 'warn',
    customLogger: quietProxyLogger(),
    preview: {
      host: '127.0.0.1',
      port,
      strictPort: true,
      proxy: {
        '/graphql': { target: apiUrl, changeOrigin: true, ws: true },
        '/exports': { target: apiUrl, changeOrigin: true },
        '/attachments': { target: apiUrl, changeOrigin: true },
      },
    },
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
    },
  };
}

/** Vite's logger without the socket resets the WebSocket proxy reports when pages or the API go away. */
function quietProxyLogger() {
  const logger = createLogger('warn');
  const error = logger.error.bind(logger);
  logger.error = (msg, options) => {
    if (/ECONNRESET|EPIPE|socket hang up/.test(`${msg} ${options?.error?.message ?? ''}`)) return;
    error(msg, options);
  };
  return logger;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
