import { defineConfig } from 'vitest/config'

// The SATUSEHAT client against the simulator over real HTTP on 127.0.0.1 (started in-process by each file).
export default defineConfig({
  test: {
    environment: 'node',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/satusehat/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
})
