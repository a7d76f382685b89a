import { defineConfig } from 'vitest/config'

// The e2e suite drives Debian's Chromium through the browser shell; it needs the built renderer
// (`npm run test:e2e` builds first) and is kept out of the unit run.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Fail at once, with the reason, when the network is down or half up.
    globalSetup: ['test/helpers/network-ready.ts'],
    pool: 'forks',
    fileParallelism: false,
  },
})
