import { createHash, randomInt, timingSafeEqual } from 'node:crypto'
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SetupGate } from '../ipc/dispatch'

/** The one-time setup code's file in the data folder (mode 0600): for whoever started the browser shell. */
export const SETUP_CODE_FILE = 'setup-code'
/** Letters and digits that cannot be mistaken for each other when copied by hand (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
/** 12 characters of 31: about 59 bits, far beyond guessing over a local HTTP port. */
const CODE_LENGTH = 12

/**
 * Electron's proof: the IPC invoker (core/security/ipc.ts) answers only the app's own top-level page, which no other
 * process can drive, so the person at that window is the person at the machine. No code is asked.
 */
export const windowSetupGate: SetupGate = Object.freeze({ needsCode: false, admits: () => true, spend: () => {} })

/** A gate that admits nobody: the browser shell once a user exists (setup is closed anyway). */
const closedGate: SetupGate = Object.freeze({ needsCode: true, admits: () => false, spend: () => {} })

/** Upper case without spaces or dashes: the code is shown as XXXX-XXXX-XXXX, typed any way. */
function normalize(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '')
}

const digest = (code: string) => createHash('sha256').update(normalize(code)).digest()

/** A fresh code, grouped in fours for reading aloud and typing. */
function newSetupCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)])
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-')
}

/**
 * The browser shell's first-run proof. Any local process can reach its HTTP port, so creating the first admin also
 * needs a one-time code that only the person who started the shell can read: it is printed on the shell's console and
 * written to `<dataDir>/setup-code` with mode 0600. While users exist no code is made and a stale file is removed.
 * The code is spent (file removed) once the admin exists. Returns the gate and the code to print (null when none).
 */
export function openSetupCodeGate(dataDir: string, usersExist: boolean): { gate: SetupGate; code: string | null; file: string } {
  const file = join(dataDir, SETUP_CODE_FILE)
  rmSync(file, { force: true })
  if (usersExist) return { gate: closedGate, code: null, file }
  const code = newSetupCode()
  // Removed first, so the mode below is the one the new file is created with (not an older file's).
  writeFileSync(file, `${code}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  let expected: Buffer | null = digest(code)
  const gate: SetupGate = {
    needsCode: true,
    admits: (typed) => expected !== null && typed !== undefined && timingSafeEqual(digest(typed), expected),
    spend() {
      expected = null
      rmSync(file, { force: true })
    },
  }
  return { gate, code, file }
}
