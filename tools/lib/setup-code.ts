import { existsSync } from 'node:fs'

/** When the first-run setup code is printed again after startup (ms after the first print). */
const REMINDERS_MS = [15_000, 60_000, 300_000] as const

/**
 * Prints the browser shell's one-time setup code again a few times after startup (15 s, 1 min, 5 min), so the engine's
 * startup lines do not scroll it out of sight, as long as it is unspent (its file exists: setup-gate.ts removes it
 * once the first admin is made). Timers are unref'd and the returned function stops them (shutdown).
 */
export function remindSetupCode(code: string, file: string, log: (line: string) => void, delays: readonly number[] = REMINDERS_MS): () => void {
  const timers = delays.map((ms) =>
    setTimeout(() => {
      if (existsSync(file)) log(`Kode penyiapan pertama / first-run setup code (belum dipakai / still unused): ${code} (also in ${file})`)
    }, ms).unref(),
  )
  return () => timers.forEach(clearTimeout)
}
