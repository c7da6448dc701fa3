// `npm run dev`: builds the shared packages first, picks free ports, then
// starts the API and the web dev server through turbo.
//
// Building before any long-running task starts means a dev server that dies
// (a busy port, a bad setting) cannot interrupt a half-written package build.
// Ports: PORT (API, default 4000) and WEB_PORT (web, default 5173) are the
// preferred ones; when one is taken the next free port above it is used and
// the web dev server's proxy is pointed at wherever the API ended up.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const turbo = join(root, 'node_modules', '.bin', 'turbo');
const SEARCH = 50;

function parsePort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`Invalid environment variable ${name}: must be a port number (1-65535)`);
    process.exit(1);
  }
  return port;
}

/** True when nothing listens on the port (checked on the wildcard address the dev servers bind). */
function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '0.0.0.0', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

async function freePortFrom(preferred, taken) {
  for (let port = preferred; port < Math.min(preferred + SEARCH, 65536); port++) {
    if (!taken.has(port) && (await isFree(port))) return port;
  }
  console.error(`No free port in ${preferred}-${preferred + SEARCH - 1}; set PORT / WEB_PORT to a free one.`);
  process.exit(1);
}

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(turbo, args, { cwd: root, env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const apiPreferred = parsePort('PORT', 4000);
const webPreferred = parsePort('WEB_PORT', 5173);

const built = await run(['run', 'build', '--filter=@switchboard/api^...', '--filter=@switchboard/web^...', '--output-logs=errors-only'], process.env);
if (built !== 0) process.exit(built);

const apiPort = await freePortFrom(apiPreferred, new Set());
const webPort = await freePortFrom(webPreferred, new Set([apiPort]));
if (apiPort !== apiPreferred) console.log(`Port ${apiPreferred} is in use; the API uses ${apiPort}.`);
if (webPort !== webPreferred) console.log(`Port ${webPreferred} is in use; the web app uses ${webPort}.`);

const env = {
  ...process.env,
  PORT: String(apiPort),
  WEB_PORT: String(webPort),
  API_URL: process.env.API_URL || `http://localhost:${apiPort}`,
  // The API prints the widget demo, console and admin links with this base.
  WEB_URL: process.env.WEB_URL || `http://localhost:${webPort}`,
};
process.exit(await run(['run', 'dev', '--filter=@switchboard/api', '--filter=@switchboard/web'], env));
