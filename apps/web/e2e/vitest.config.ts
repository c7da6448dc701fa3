import { defineConfig } from 'vitest/config';

// End-to-end: real API + built web app + headless Chromium. One file, in order.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    expect: { poll: { timeout: 15_000, interval: 100 } },
    reporters: ['verbose', '../../test-support/summary-reporter.ts'],
  },
});
