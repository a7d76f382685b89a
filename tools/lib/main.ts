/** What every command-line tool of tools/ writes to and reads from, when run as a process. */
export interface ProcessIo {
  env: NodeJS.ProcessEnv
  out: (line: string) => void
  err: (line: string) => void
}

/**
 * Runs a tool's `run(argv, io)` as the process's entry: argv after the script, lines to stdout/stderr, the exit code
 * `run` returns; a crash (a rejected promise) prints `<name>: <message>` and exits 2 (bad usage or a bug, as the tools
 * document).
 */
export function runAsMain(name: string, run: (argv: string[], io: ProcessIo) => Promise<number>): void {
  run(process.argv.slice(2), {
    env: process.env,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(2)
    },
  )
}
