import { defineConfig } from 'vitest/config';
import { nodeTestConfig } from '../../vitest.node.ts';

export default defineConfig(nodeTestConfig({ include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 }));
