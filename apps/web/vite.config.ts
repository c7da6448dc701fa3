import { defineConfig } from 'vite';
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

// Apollo Client 4 picks its development-only checks and messages by the
// `development`/`production` export conditions, which Vite sets per mode: no
// `__DEV__` define is needed.
export default defineConfig(() => ({
  plugins: [react()],
  server: { port: webPort ?? 5173, strictPort: false, proxy },
  preview: { port: webPort, strictPort: false, proxy },
  build: {
    // bench/ reads the manifest to report the gzip size of each route.
    manifest: true,
    sourcemap: false,
    target: 'es2022',
  },
}));
