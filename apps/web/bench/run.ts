// npm run bench -w @switchboard/web
//
// 1. Bundle size: gzip size of what each route loads (entry + the route's lazy
//    chunk and everything it imports, JS and CSS), from dist/.vite/manifest.json.
// 2. Widget open → first AI token on the embedded default (PGlite in memory,
//    in-process jobs, `local` AI), in headless Chromium: a host page with
//    embed.js, the launcher is clicked, the customer asks a seeded FAQ question.
//
// Options: --runs=N (default 5), --sizes-only, --json (machine-readable output last).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { apiCall, DEMO_ADMIN, hasChromium, CHROMIUM, launchBrowser, startApi, startWeb, webRoot, type ApiHandle } from '../e2e/harness.ts';

interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

const args = new Map<string, string | undefined>(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v];
  }),
);
const RUNS = Number(args.get('runs') ?? 5);
const dist = join(webRoot, 'dist');

const BUDGETS: Record<string, number> = { '/chat': 150, '/agent': 400, '/admin/knowledge': 400, '/admin/analytics': 400, '/admin/evaluations': 400 };

/** Routes and the lazy modules they load on first render. */
const ROUTES: { route: string; modules: string[] }[] = [
  { route: '/', modules: ['src/HomePage.tsx'] },
  { route: '/chat', modules: ['src/widget/WidgetPage.tsx'] },
  { route: '/agent', modules: ['src/agent/AgentApp.tsx'] },
  { route: '/admin/knowledge', modules: ['src/admin/AdminApp.tsx', 'src/admin/KnowledgePage.tsx'] },
  { route: '/admin/models', modules: ['src/admin/AdminApp.tsx', 'src/admin/ModelsPage.tsx'] },
  { route: '/admin/evaluations', modules: ['src/admin/AdminApp.tsx', 'src/admin/EvaluationsPage.tsx', 'src/admin/charts/EvaluationComparisonChart.tsx'] },
  { route: '/admin/status', modules: ['src/admin/AdminApp.tsx', 'src/admin/StatusPage.tsx', 'src/admin/charts/StatusChart.tsx'] },
  { route: '/admin/analytics', modules: ['src/admin/AdminApp.tsx', 'src/admin/AnalyticsPage.tsx', 'src/admin/charts/AnalyticsCharts.tsx'] },
  { route: '/admin/team', modules: ['src/admin/AdminApp.tsx', 'src/admin/TeamPage.tsx'] },
  { route: '/admin/jobs', modules: ['src/admin/AdminApp.tsx', 'src/admin/JobsPage.tsx'] },
  { route: '/admin/api-keys', modules: ['src/admin/AdminApp.tsx', 'src/admin/ApiKeysPage.tsx'] },
  { route: '/admin/audit', modules: ['src/admin/AdminApp.tsx', 'src/admin/AuditPage.tsx'] },
  { route: '/admin/settings', modules: ['src/admin/AdminApp.tsx', 'src/admin/SettingsPage.tsx'] },
];

const gzipCache = new Map<string, number>();
function gz(file: string): number {
  let n = gzipCache.get(file);
  if (n === undefined) {
    n = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
    gzipCache.set(file, n);
  }
  return n;
}

/** Every file a chunk loads statically (itself, its imports, their CSS), not its dynamic imports. */
function closure(manifest: Manifest, key: string, files = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imp of chunk.imports ?? []) closure(manifest, imp, files);
  return files;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function bundleSizes() {
  const manifestPath = join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error('dist/.vite/manifest.json is missing: build first (npm run build -w @switchboard/web)');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const entryFiles = closure(manifest, entryKey);
  const sum = (files: Iterable<string>) => [...files].reduce((s, f) => s + gz(f), 0);

  const rows = ROUTES.map(({ route, modules }) => {
    const files = new Set(entryFiles);
    const own = new Set<string>();
    for (const m of modules) {
      // A module merged into a shared chunk is listed under that chunk's name.
      const name = m
        .split('/')
        .pop()!
        .replace(/\.tsx?$/, '');
      const key = manifest[m] ? m : Object.keys(manifest).find((k) => manifest[k]!.isDynamicEntry && manifest[k]!.name === name);
      if (!key) throw new Error(`${m} is not a chunk in the manifest`);
      for (const f of closure(manifest, key)) {
        files.add(f);
        if (!entryFiles.has(f)) own.add(f);
      }
    }
    const js = [...files].filter((f) => f.endsWith('.js'));
    const css = [...files].filter((f) => f.endsWith('.css'));
    return { route, totalGzip: sum(files), jsGzip: sum(js), cssGzip: sum(css), routeOnlyGzip: sum(own), files: files.size, budgetKb: BUDGETS[route] };
  });

  console.log('\nBundle size per route (gzip -9, what the route loads on first render: shell + route chunks, JS + CSS)\n');
  console.log(`  shell (index.html entry): ${kb(sum(entryFiles))}`);
  console.log(`  ${'route'.padEnd(20)} ${'total'.padStart(10)} ${'JS'.padStart(10)} ${'CSS'.padStart(10)} ${'route-only'.padStart(11)}  budget`);
  let over = false;
  for (const r of rows) {
    const budget = r.budgetKb ? (r.totalGzip / 1024 <= r.budgetKb ? `≤ ${r.budgetKb} KB ok` : `> ${r.budgetKb} KB OVER`) : '';
    if (budget.includes('OVER')) over = true;
    console.log(
      `  ${r.route.padEnd(20)} ${kb(r.totalGzip).padStart(10)} ${kb(r.jsGzip).padStart(10)} ${kb(r.cssGzip).padStart(10)} ${kb(r.routeOnlyGzip).padStart(11)}  ${budget}`,
    );
  }
  return { shellGzip: sum(entryFiles), routes: rows, over };
}

/** Waits until the seeded FAQs are indexed (re-queueing any that are not, as an admin would: older seeds never indexed them). */
async function ensureSeedIndexed(api: ApiHandle) {
  const { logIn } = await apiCall<{ logIn: { accessToken: string } }>(api, 'mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }', { i: DEMO_ADMIN });
  const token = logIn.accessToken;
  const list = () =>
    apiCall<{ faqs: { edges: { node: { id: string; status: string; embeddingStatus: string } }[] } }>(
      api,
      'query { faqs(first: 100) { edges { node { id status embeddingStatus } } } }',
      {},
      token,
    ).then((d) => d.faqs.edges.map((e) => e.node).filter((f) => f.status === 'PUBLISHED'));
  const pending = (await list()).filter((f) => f.embeddingStatus !== 'READY');
  // Give the start-up indexing a moment before re-queueing anything.
  const settle = Date.now() + 5_000;
  let stillPending = pending;
  while (stillPending.length && Date.now() < settle) {
    await new Promise((r) => setTimeout(r, 200));
    stillPending = (await list()).filter((f) => f.embeddingStatus !== 'READY');
  }
  if (stillPending.length) console.log(`  (re-indexing ${stillPending.length} seeded FAQ(s) that were not indexed)`);
  for (const f of stillPending) await apiCall(api, 'mutation($id: ID!) { updateFaq(input: { id: $id }) { id } }', { id: f.id }, token);
  const deadline = Date.now() + 30_000;
  while ((await list()).some((f) => f.embeddingStatus !== 'READY')) {
    if (Date.now() > deadline) throw new Error('seeded FAQs were not indexed within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Run {
  launcherToFormMs: number;
  openToFirstTokenMs: number;
  sendToFirstTokenMs: number;
  openToFirstTokenVisibleMs: number;
}

async function firstTokenTimes() {
  const api = await startApi();
  const web = await startWeb(api.url);
  const browser = await launchBrowser();
  const runs: Run[] = [];
  try {
    await ensureSeedIndexed(api);
    for (let i = 0; i < RUNS + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${web.url}/embed-demo.html?widgetKey=${encodeURIComponent(api.widgetKey)}`);
      await page.getByRole('button', { name: 'Chat with us' }).waitFor();
      // Epoch ms of the click, as the host page sees it.
      await page.evaluate(() => {
        const w = window as unknown as { __clickedAt?: number };
        document
          .getElementById('switchboard-launcher')!
          .addEventListener('click', () => (w.__clickedAt ??= performance.timeOrigin + performance.now()), { capture: true });
      });
      await page.getByRole('button', { name: 'Chat with us' }).click();
      const openedAt = await page.evaluate(() => (window as unknown as { __clickedAt: number }).__clickedAt);
      const frame = page.frameLocator('#switchboard-frame');
      await frame.getByRole('button', { name: 'Start chat' }).waitFor();
      const iframe = page.frame({ url: /\/chat\?/ })!;
      // Watch for the first AI text to be on screen.
      await iframe.evaluate(() => {
        const w = window as unknown as { __firstTokenVisible?: number };
        const seen = () => document.querySelector('[data-testid="ai-stream"], [data-testid="message"][data-author="AI"]');
        new MutationObserver((_, obs) => {
          if (seen()) {
            w.__firstTokenVisible = performance.timeOrigin + performance.now();
            obs.disconnect();
          }
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await frame.getByLabel('Your name').fill(`Bench ${i}`);
      await frame.getByLabel(/How can we help/).fill('How do I get a refund?');
      await frame.getByRole('button', { name: 'Start chat' }).click();
      await frame.locator('[data-testid="message"][data-author="AI"]').first().waitFor({ timeout: 30_000 });
      const marks = await iframe.evaluate(() => {
        const at = (name: string) => {
          const m = performance.getEntriesByName(name)[0];
          return m ? performance.timeOrigin + m.startTime : null;
        };
        return {
          mounted: at('switchboard:widget-mounted'),
          send: at('switchboard:first-send'),
          token: at('switchboard:first-token'),
          visible: (window as unknown as { __firstTokenVisible?: number }).__firstTokenVisible ?? null,
        };
      });
      await context.close();
      if (!marks.mounted || !marks.send || !marks.token || !marks.visible) throw new Error(`run ${i}: missing marks ${JSON.stringify(marks)}`);
      const run: Run = {
        launcherToFormMs: marks.mounted - openedAt,
        openToFirstTokenMs: marks.token - openedAt,
        sendToFirstTokenMs: marks.token - marks.send,
        openToFirstTokenVisibleMs: marks.visible - openedAt,
      };
      // The first run warms up the API (JIT, PGlite caches) and the browser; it is not counted.
      if (i > 0) runs.push(run);
    }
  } finally {
    await browser.close().catch(() => undefined);
    await web.stop().catch(() => undefined);
    await api.stop().catch(() => undefined);
  }
  const stat = (key: keyof Run) => {
    const v = runs.map((r) => r[key]).sort((a, b) => a - b);
    return { median: v[Math.floor(v.length / 2)]!, min: v[0]!, max: v[v.length - 1]! };
  };
  const result = {
    runs: runs.length,
    openToFirstToken: stat('openToFirstTokenMs'),
    openToFirstTokenVisible: stat('openToFirstTokenVisibleMs'),
    sendToFirstToken: stat('sendToFirstTokenMs'),
    launcherToForm: stat('launcherToFormMs'),
  };
  const fmt = (s: { median: number; min: number; max: number }) => `median ${Math.round(s.median)} ms (min ${Math.round(s.min)}, max ${Math.round(s.max)})`;
  console.log(`\nWidget open → first AI token, embedded default (PGlite in memory, local AI), ${runs.length} runs after a warm-up, headless Chromium\n`);
  console.log(`  launcher click → widget rendered (iframe)   ${fmt(result.launcherToForm)}`);
  console.log(`  launcher click → first AiAnswerChunk        ${fmt(result.openToFirstToken)}   (includes the scripted form fill)`);
  console.log(`  launcher click → first token on screen      ${fmt(result.openToFirstTokenVisible)}`);
  console.log(`  first message sent → first AiAnswerChunk    ${fmt(result.sendToFirstToken)}`);
  return result;
}

const sizes = bundleSizes();
let timing: Awaited<ReturnType<typeof firstTokenTimes>> | null = null;
if (args.has('sizes-only')) {
  console.log('\n(--sizes-only: first-token timing skipped)');
} else if (!hasChromium()) {
  console.log(`\nFirst-token timing SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium).`);
} else {
  timing = await firstTokenTimes();
}
if (args.has('json')) console.log(JSON.stringify({ sizes, timing }, null, 2));
if (sizes.over) {
  console.error('\nA route is over its size budget.');
  process.exitCode = 1;
}
