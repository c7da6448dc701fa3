import { jestBase } from '../../jest.base.js';

export default {
  ...jestBase,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
};
