// Shared vitest settings: every project resolves sibling libs from their TypeScript source
// (the `@idp/source` export condition), so tests never need a prior build.
import { defineConfig } from 'vitest/config';

/** @param {{ testTimeout?: number, hookTimeout?: number, include?: string[], exclude?: string[], globalSetup?: string }} [options] */
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
      exclude: ['**/node_modules/**', ...(options.exclude ?? [])],
      ...(options.globalSetup && { globalSetup: options.globalSetup }),
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: options.hookTimeout ?? 30_000,
      pool: 'forks',
      // Two test files at once even on two cores (vitest's default there is one): most of a file's
      // time is spent waiting on nats-server and service processes to start and on timers, so two
      // overlap well (services/edge: 87 s → 57 s). The e2e project turns this off: whole systems
      // compete for the CPU.
      maxWorkers: 2,
    },
  });
}
