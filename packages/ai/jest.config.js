import { jestBase } from '../../jest.base.js';

export default {
  ...jestBase,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
