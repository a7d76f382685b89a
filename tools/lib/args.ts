import { parseArgs, type ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>
const HELP = { help: { type: 'boolean', short: 'h' } } as const

/**
 * A tool's command line with `--help`/`-h` added: the values, or what to print and the exit code instead (0 and the
 * usage for --help; 2 and the parser's message with the usage for an unknown option or a missing value), so a wrong
 * option gets the usage rather than a stack trace (ERR_PARSE_ARGS_UNKNOWN_OPTION). `exit` is null with values.
 */
export function parseToolArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    const { values } = parseArgs({ args, options: { ...options, ...HELP }, strict: true, allowPositionals: false })
    if ((values as { help?: boolean }).help) return { exit: 0, text: usage } as const
    return { exit: null, values }
  } catch (err) {
    return { exit: 2, text: `${(err as Error).message}\n${usage}` } as const
  }
}
