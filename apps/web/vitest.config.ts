import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Component and unit tests (jsdom). The end-to-end suite has its own config in e2e/.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
    restoreMocks: true,
    // Vitest's 5 s default fails render-heavy tests (the analytics page) on a busy 2-core machine.
    testTimeout: 30_000,
    reporters: ['default', '../../test-support/summary-reporter.ts'],
  },
});
