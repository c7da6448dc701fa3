import { defineConfig } from 'vitest/config';
import { nodeTestConfig } from '../../vitest.node.ts';

export default defineConfig(nodeTestConfig({ include: ['src/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 }));
