import { jestBase } from '../../jest.base.js';

export default {
  ...jestBase,
  setupFiles: ['<rootDir>/test/setup.ts'],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // Generous: servers boot per file, and the suite must pass on a busy 2-core machine.
  testTimeout: 120_000,
  maxWorkers: 2,
};
