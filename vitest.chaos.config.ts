import { defineConfig } from 'vitest/config';

/**
 * The chaos suite (`npm run test:chaos`): kills, restarts and storms against real processes on
 * loopback. One file at a time (they load the machine on purpose); not part of `npm test`.
 */
export default defineConfig({
  test: {
    // `npm run test:chaos:cluster` runs the cluster case alone (it is part of the whole suite too).
    include: process.env.CHAOS_CLUSTER ? ['test/chaos/cluster.chaos.ts'] : ['test/chaos/**/*.chaos.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
