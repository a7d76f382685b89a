import { defineConfig } from 'vitest/config'

// Unit tests sit beside the code; cross-cutting suites (ledger, sync, e2e) are run by their own scripts
// because they need the Fabric network, the simulator or Chromium started first.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['electron/**/*.test.ts', 'tools/**/*.test.ts', 'test/unit/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
