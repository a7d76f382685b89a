import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A simulator's state from its JSON file (`--state`): the empty state when there is no file, else the file's fields
 * over the empty state (a file from an older simulator lacks newer fields).
 */
export function loadSimState<S extends object>(file: string | undefined, empty: () => S): S {
  if (!file || !existsSync(file)) return empty()
  return { ...empty(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<S>) }
}

/** Atomic replace, so a simulator killed mid-write (the restart fault tests do that) never leaves half a file. */
export function saveSimState(file: string | undefined, state: object): void {
  if (!file) return
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(state))
  renameSync(tmp, file)
}

/** Listen on 127.0.0.1 only (`port` 0 or absent: any free port); resolves with the port and `http://127.0.0.1:<port>`. */
export async function listenLocal(server: Server, port: number | undefined): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port ?? 0, '127.0.0.1', () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  return { port: bound, url: `http://127.0.0.1:${bound}` }
}

/** Close the server now: open keep-alive and in-flight connections are cut, not waited for. */
export function closeNow(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
}

/**
 * Runs a simulator as the process: `start()` it, print its `banner` lines, and on SIGINT/SIGTERM close it and exit 0.
 * A failed start (bad flag, port in use) prints `<name>: <message>` and exits 2.
 */
export function serveUntilSignal<T extends { close(): Promise<void> }>(name: string, start: () => Promise<T>, banner: (sim: T) => string[]): void {
  start().then(
    (sim) => {
      process.stdout.write([...banner(sim), ''].join('\n'))
      const stop = (): void => {
        void sim.close().then(() => process.exit(0))
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    },
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(2)
    },
  )
}
