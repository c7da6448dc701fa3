// Shared Vitest settings for the Node workspaces (apps/api, packages/ai,
// packages/schema); the web app has its own config (jsdom, React).
import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import type { ViteUserConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export function nodeTestConfig(test: NonNullable<ViteUserConfig['test']>): ViteUserConfig {
  return {
    // Decorators with emitted metadata (type-graphql, MikroORM), which Vite's
    // own transform (oxc/esbuild) does not emit.
    plugins: [
      swc.vite({
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
          target: 'es2022',
        },
        module: { type: 'es6' },
      }),
    ],
    // graphql ships an ESM and a CommonJS build. The packages loaded from
    // node_modules (type-graphql, Apollo) use the CommonJS one, so our sources
    // must too: two instances of graphql refuse each other's types.
    resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
    test: {
      globals: true,
      // A child process per file, like the servers the API tests start.
      pool: 'forks',
      reporters: ['default', `${import.meta.dirname}/test-support/summary-reporter.ts`],
      ...test,
    },
  };
}
