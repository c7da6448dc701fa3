// The API's shape, checked in CI (`npm run lint:deps`):
//   app/       the composition root: the only code that knows every module
//   platform/  infrastructure: imports no module and nothing from app/
//   modules/   features: never import app/; reach other modules through their
//              index.ts; no import cycles
// Entry points (main.ts, worker.ts, migrate.ts), tests, benches and scripts
// may import anything. There is no baseline: any violation fails.
// A module's index.ts is what other modules may use; app/ may also wire a
// module's resolvers and jobs from their own files (a resolver that reads a
// higher module, e.g. teams' resolvers reading conversations, stays out of
// its index so that the index imports nothing that imports back).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-imports-no-module',
      comment:
        'platform/ is infrastructure: it must not import a module or the composition root (declare an interface in platform and let app/ or the module provide it).',
      severity: 'error',
      from: { path: '^apps/api/src/platform/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/api/src/(modules|app)/' },
    },
    {
      name: 'modules-never-import-app',
      comment: 'app/ composes the modules; a module that imports it depends on every other module.',
      severity: 'error',
      from: { path: '^apps/api/src/modules/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/api/src/app/' },
    },
    {
      name: 'module-through-index',
      comment: "A module reaches another module only through that module's index.ts (its public surface).",
      severity: 'error',
      from: { path: '^apps/api/src/modules/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/api/src/modules/', pathNot: ['^apps/api/src/modules/$1/', '^apps/api/src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make module initialisation order fragile and the modules inseparable.',
      severity: 'error',
      from: { path: '^apps/api/src/', pathNot: '\\.test\\.ts$' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '/dist/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'apps/api/tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    moduleSystems: ['es6'],
  },
};
