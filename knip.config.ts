import type { KnipConfig } from 'knip'

/**
 * Unused files, exports and dependencies (`npm run -s knip`). Entries are every file something outside the code
 * graph starts: Electron's main and preload bundles, the page, the command-line tools and dev scripts, the test and
 * bench files, the build and test configs, and the contract and locale files. The chaincode is its own package
 * (own package.json, loaded by fabric-chaincode-node through its "main"), so it is a second workspace.
 */
const config: KnipConfig = {
  workspaces: {
    '.': {
      // electron.vite.config.ts (main, preload, page), the vitest and eslint configs are found by knip's plugins.
      entry: [
        'tools/**/*.ts',
        'test/**/*.ts',
        'bench/**/*.ts',
        '**/*.test.{ts,tsx}',
        'test/*/vitest.config.mts',
        // The contract is the page's API (through window.d.ts, which knip does not follow) and the locale
        // dictionaries are read by key: their exports are the surface, not dead code.
        'electron/contract/*.ts',
        'renderer/src/locales/*.ts',
      ],
      project: ['electron/**/*.ts', 'renderer/src/**/*.{ts,tsx}', 'tools/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
      // System tools the e2e and ledger enrolment tests call, installed by tools/dev/setup.sh from Debian packages.
      ignoreBinaries: ['ffmpeg', 'pdfinfo', 'pdftotext', 'pdftoppm', 'openssl', 'softhsm2-util'],
      // test/unit/electron-builder.test.ts validates our config with electron-builder's OWN copies of these (the
      // versions it resolves and globs with); listing them separately would let them drift from the packager's.
      ignoreDependencies: ['builder-util', 'app-builder-lib', 'minimatch'],
    },
    chaincode: {
      // src/index.ts is found through the package's "main".
      entry: ['test/**/*.ts'],
      project: ['src/**/*.ts', 'test/**/*.ts'],
    },
  },
}

export default config
