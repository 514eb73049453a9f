import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The heap-bound test of test/reliability/faults.test.ts collects garbage before measuring;
    // without --expose-gc it would measure garbage and could not fail for the right reason.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
