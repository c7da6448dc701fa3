import { defineConfig } from 'vitest/config';
import { nodeTestConfig } from '../../vitest.node.ts';

export default defineConfig(
  nodeTestConfig({
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Generous: each file boots its own server, and the suite must pass on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  }),
);
