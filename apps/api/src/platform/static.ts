// Serves the built web app (apps/web/dist) from the API process, so that
// `npm run build && npm start` is a complete deployment without a separate web
// server. Vite fingerprints everything under assets/, so those files are
// cached for a year; index.html is revalidated on every load so a new release
// is picked up at once. Client-side routes (/agent/…, /admin/…) get index.html;
// the API's own paths never do.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { Config } from './config.js';

/** apps/web/dist, seen from apps/api/src/platform or apps/api/dist/platform. */
const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));
const API_PATHS = /^\/(graphql|exports|healthz|readyz|metrics)(\/|$)/;

/** The directory to serve: WEB_DIST_DIR, or apps/web/dist in production when it has been built. */
export function webDistDir(config: Config): string | undefined {
  if (config.webDistDir) return resolve(config.webDistDir);
  if (config.nodeEnv === 'production' && existsSync(join(DEFAULT_WEB_DIST, 'index.html'))) return DEFAULT_WEB_DIST;
  return undefined;
}

/** Mounts the web app after the API routes; returns the directory served, if any. */
export function serveWebApp(app: Express, config: Config): string | undefined {
  const dir = webDistDir(config);
  if (!dir) return undefined;
  const index = join(dir, 'index.html');
  app.use(
    express.static(dir, {
      index: false,
      setHeaders(res, path) {
        res.setHeader('cache-control', path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path) || req.path.startsWith('/assets/')) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index, (err) => err && next(err));
  });
  return dir;
}
