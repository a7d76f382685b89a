import { defineConfig } from 'vitest/config'

// Sync integration, fault and crash suites: real SQLite files, the PCare simulator and the local Fabric network
// (`npm run network:up` first). Files run one at a time: they share the network and stop/start its nodes.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/sync/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Fail at once, with the reason, when the network is down or half up.
    globalSetup: ['test/helpers/network-ready.ts'],
    pool: 'forks',
    fileParallelism: false,
  },
})
