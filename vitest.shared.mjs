// Shared vitest settings: every project resolves sibling libs from their TypeScript source
// (the `@idp/source` export condition), so tests never need a prior build.
import { defineConfig } from 'vitest/config';

/** @param {{ testTimeout?: number, hookTimeout?: number, include?: string[] }} [options] */
export function projectVitestConfig(options = {}) {
  return defineConfig({
    resolve: { conditions: ['@idp/source', 'import', 'module', 'node', 'default'] },
    ssr: {
      resolve: {
        conditions: ['@idp/source', 'import', 'module', 'node', 'default'],
        externalConditions: ['@idp/source'],
      },
    },
    test: {
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: options.hookTimeout ?? 30_000,
      pool: 'forks',
    },
  });
}
