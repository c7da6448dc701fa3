// Benchmarks: `npm run bench -w @switchboard/api -- <name>`.
import 'reflect-metadata';

const benches: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  conversations: () => import('./conversations.js'),
  fanout: () => import('./fanout.js'),
  retrieval: () => import('./retrieval.js'),
  jobs: () => import('./jobs.js'),
  quality: () => import('./quality.js'),
  calibration: () => import('./calibration.js'),
  guards: () => import('./guards.js'),
  analytics: () => import('./analytics.js'),
  soak: () => import('./soak.js'),
  webhooks: () => import('./webhooks.js'),
  observability: () => import('./observability.js'),
  semantic: () => import('./semantic.js'),
  search: () => import('./search.js'),
  assignment: () => import('./assignment.js'),
};

const name = process.argv[2];
const load = name ? benches[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -w @switchboard/api -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
await (await load()).main();
