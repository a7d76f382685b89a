// House rules, checked by `npm run lint` and by test/unit/lint.test.ts.
// Recommended rules only (no style rules: formatting is not a review topic). The import rules keep the
// process split honest: core runs under plain Node and the page never reaches main-process code.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

const ELECTRON = /^(electron|electron-updater|@electron\/.*)(\/.*)?$/
// The same pattern for esquery selectors, whose regex literals cannot contain a `/`.
const ELECTRON_SELECTOR = String(ELECTRON).replaceAll('\\/', '\\u002F')

// Applies to core and contract: they must load under plain Node, where `electron` cannot be required.
const noElectronMessage =
  'electron/core and electron/contract run under plain Node and must not import electron (or electron-updater, which requires it). Take the Electron object as a parameter and do the wiring in electron/main.'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

// A relative import through a tools/, test/ or chaincode/ folder: developer tools, test helpers and the chaincode's own
// package are not part of the shipped app, so shipped core and contract code never loads them (their tests may).
const DEV_ONLY = /^\.\.?\/(.*\/)?(tools|test|chaincode)(\/|$)/
const DEV_ONLY_SELECTOR = String(DEV_ONLY).replaceAll('\\/', '\\u002F')
const devOnlyMessage =
  'electron/core and electron/contract are shipped: they never import tools/, test/ or chaincode/ (only their *.test.ts files may). Move what both need into core.'

// Every way to load a module that no-restricted-imports does not see (import(), require(), import x = require()).
const loadsMatching = (selector, message) => [
  { selector: `ImportExpression[source.value=${selector}]`, message },
  { selector: `CallExpression[callee.name='require'][arguments.0.value=${selector}]`, message },
  { selector: `TSImportEqualsDeclaration[moduleReference.expression.value=${selector}]`, message },
]
const electronImports = {
  paths: ['electron', 'electron-updater'].map((name) => ({ name, message: noElectronMessage })),
  patterns: [{ regex: ELECTRON.source, message: noElectronMessage }],
}
const noTransactionMessage =
  'Open a write transaction with writeTx(db, fn) from electron/core/db/tx: it begins IMMEDIATE, so a second process on the same file waits instead of failing with SQLITE_BUSY_SNAPSHOT.'
const noPrepareMessage =
  'Handlers stay thin: SQL lives in the core module that owns the data (clinic/, sync/, reference/…); the handler calls it in one line.'

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      'out/**',
      'dist/**',
      'coverage/**',
      'test-results/**',
      'chaincode/**',
      'network/.runtime/**',
      '.runtime/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // db.transaction(fn)() is DEFERRED by default; writeTx is the one place that opens a transaction (tests may set up fixtures freely).
    ignores: ['**/*.test.ts', 'electron/core/db/tx.ts'],
    rules: { 'no-restricted-properties': ['error', { property: 'transaction', message: noTransactionMessage }] },
  },
  {
    rules: {
      // TypeScript already reports undefined names; for the few plain JS files the browser is the judge.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests may use loose casts on fixtures.
    files: ['**/*.test.ts', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // A later block's rule options replace an earlier one's for the files both match, so each narrower block below
  // repeats the wider block's entries and adds its own.
  {
    files: ['electron/core/**', 'electron/contract/**'],
    rules: {
      'no-restricted-imports': ['error', electronImports],
      'no-restricted-syntax': ['error', ...loadsMatching(ELECTRON_SELECTOR, noElectronMessage)],
    },
  },
  {
    files: ['electron/core/**', 'electron/contract/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...electronImports, patterns: [...electronImports.patterns, { regex: DEV_ONLY.source, message: devOnlyMessage }] }],
      'no-restricted-syntax': ['error', ...loadsMatching(ELECTRON_SELECTOR, noElectronMessage), ...loadsMatching(DEV_ONLY_SELECTOR, devOnlyMessage)],
    },
  },
  {
    files: ['electron/core/ipc/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...loadsMatching(ELECTRON_SELECTOR, noElectronMessage),
        ...loadsMatching(DEV_ONLY_SELECTOR, devOnlyMessage),
        // db.prepare(…), db?.prepare(…) and db['prepare'](…).
        { selector: "CallExpression[callee.property.name='prepare'], CallExpression[callee.property.value='prepare']", message: noPrepareMessage },
      ],
    },
  },
  {
    files: ['electron/preload/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(core|main)(/|$)',
              message: 'The preload only forwards to main; it never loads core or main code.',
            },
            {
              // contract/index pulls zod into a sandboxed preload; the channel list lives in contract/channels.
              regex: '(^|/)contract(/index)?$',
              allowTypeImports: true,
              message: 'The preload imports the contract with `import type` only; channel names come from contract/channels.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...['electron', 'electron-updater', 'better-sqlite3', '@github/keytar', 'keytar', '@hyperledger/fabric-gateway', '@grpc/grpc-js'].map(
              (name) => ({ name, message: 'The page runs in a sandbox with no Node: reach the main process through window.faskes.' }),
            ),
            ...nodeBuiltins.map((name) => ({ name, message: 'The page has no Node built-ins: ask the main process through window.faskes.' })),
          ],
          patterns: [
            {
              regex: '(^|/)electron/(main|core|preload)(/|$)',
              message: 'The renderer never imports main-process code; only the contract TYPES (import type … from electron/contract).',
            },
            {
              // contract/messages (the server messages in both languages), contract/vitals (the vital-sign rules the
              // page checks while typing) and contract/remote-url (which remote addresses may be used: Pengaturan marks
              // a saved one that needs changing) are plain data and pure functions, so they may be imported as values;
              // so is contract/session (the idle and lifetime limits the lock screen shares with core),
              // contract/fingerprint (the grouped form of a certificate fingerprint `npm run hub` prints too), and
              // contract/desk-ids (a desk's local visit id, which the page drops once the hub has the visit).
              regex: '(^|/)electron/contract(/(?!messages$|vitals$|remote-url$|session$|fingerprint$|desk-ids$)|$)',
              allowTypeImports: true,
              message: 'The renderer may import electron/contract with `import type` only (schemas stay in the main process).',
            },
            { regex: ELECTRON.source, message: 'The page never imports Electron; use window.faskes.' },
            { regex: '^node:', message: 'The page has no Node built-ins: ask the main process through window.faskes.' },
          ],
        },
      ],
    },
  },
)
