import { defineConfig } from 'vitest/config';

/**
 * Tests live next to their code (`*.test.ts`); browser flows in e2e/ run against the built apps
 * in Debian's Chromium. The machine has two cores, so files run two at a time.
 */
export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'server/**/*.test.ts', 'db/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts', 'display/**/*.test.ts', 'web/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { TZ: 'UTC' },
    reporters: ['default', 'json'],
    outputFile: { json: 'artifacts/vitest-results.json' },
  },
});
