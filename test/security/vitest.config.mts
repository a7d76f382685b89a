import { defineConfig } from 'vitest/config'

// The security suite (issue 13): each finding of the access review replayed as an attacker on the same machine would,
// through the browser shell over HTTP for the channel ones and against core for the rest. Each file is one topic,
// `<topic>.security.test.ts`; every test expects a refusal or the safe behaviour. Needs no Fabric network.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/security/**/*.security.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
