import { defineConfig } from 'vitest/config';

/**
 * The chaos suite (`npm run test:chaos`): kills, restarts and storms against real processes on
 * loopback. One file at a time (they load the machine on purpose); not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: process.env.CHAOS_CLUSTER ? ['test/chaos/cluster.chaos.ts'] : ['test/chaos/**/*.chaos.ts'],
    // The cluster case stalled once in CI (13,100 of 100,000 events not acked within 120 s after the
    // leader's kill; 3 other runs passed): run apart with `npm run test:chaos:cluster` until found.
    exclude: process.env.CHAOS_CLUSTER ? [] : ['test/chaos/cluster.chaos.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
