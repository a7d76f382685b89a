import { defineConfig } from 'vitest/config'

// Integration tests against the real local Fabric network (npm run network:up first). Files run one after another:
// they share one network, and the event tests count blocks.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    environment: 'node',
    include: ['test/ledger/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fail at once, with the reason, when the network is down or half up.
    globalSetup: ['test/helpers/network-ready.ts'],
    pool: 'forks',
    fileParallelism: false,
  },
})
