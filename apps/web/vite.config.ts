import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The API (apps/api) listens on :4000 unless `npm run dev` found that port
// taken and passed another one in API_URL. Proxying /graphql keeps the browser
// on one origin, so no CORS set-up is needed; `ws: true` also forwards the
// graphql-ws subscription upgrade.
const apiTarget = process.env.API_URL || 'http://localhost:4000';
// WEB_PORT is the preferred port; without strictPort Vite moves on to the next
// free one when it is taken instead of stopping.
const webPort = process.env.WEB_PORT ? Number(process.env.WEB_PORT) : undefined;

const proxy = {
  '/graphql': { target: apiTarget, changeOrigin: true, ws: true },
  // Signed analytics export downloads (exportConversations returns /exports/…).
  '/exports': { target: apiTarget, changeOrigin: true },
  // Signed attachment downloads (Attachment.url is /attachments/…), e.g. <img src>.
  '/attachments': { target: apiTarget, changeOrigin: true },
};

/**
 * @switchboard/schema's generated documents live in one module, and a module
 * is the smallest unit Rollup puts in a chunk: every route would carry every
 * document. This serves each `export const XDocument = {…}` as its own virtual
 * module behind a re-exporting barrel, so each route bundles only the
 * documents it uses (the customer widget needs six of seventy).
 */
export function splitGeneratedDocuments(): Plugin {
  const prefix = '\0sb-doc:';
  const schemaEntry = createRequire(import.meta.url).resolve('@switchboard/schema/client');
  const generated = join(dirname(schemaEntry), 'generated', 'graphql.js');
  const docs = new Map<string, string>();
  const read = () => {
    docs.clear();
    for (const line of readFileSync(generated, 'utf8').split('\n')) {
      const m = /^export const (\w+) = (.*);\s*$/.exec(line);
      if (m) docs.set(m[1]!, m[2]!);
    }
  };
  return {
    name: 'switchboard-split-generated-documents',
    enforce: 'pre',
    apply: 'build',
    resolveId: (id) => (id.startsWith(prefix) ? id : null),
    load(id) {
      if (id.startsWith(prefix)) return `export const ${id.slice(prefix.length)} = ${docs.get(id.slice(prefix.length))};`;
      if (id.split('?')[0] !== generated) return null;
      read();
      this.addWatchFile(generated);
      return [...docs.keys()].map((name) => `export { ${name} } from ${JSON.stringify(prefix + name)};`).join('\n');
    },
  };
}

// Apollo Client 4 picks its development-only checks and messages by the
// `development`/`production` export conditions, which Vite sets per mode: no
// `__DEV__` define is needed.
export default defineConfig(() => ({
  plugins: [react(), splitGeneratedDocuments()],
  server: { port: webPort ?? 5173, strictPort: false, proxy },
  preview: { port: webPort, strictPort: false, proxy },
  build: {
    // bench/ reads the manifest to report the gzip size of each route.
    manifest: true,
    sourcemap: false,
    target: 'es2022',
  },
}));
