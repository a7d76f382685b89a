import { describe, expect, it } from 'vitest'
import { parseToolArgs } from './args'

const OPTIONS = { port: { type: 'string', default: '5180' }, 'data-dir': { type: 'string' } } as const
const USAGE = 'usage: tool [--port N] [--data-dir DIR]'

describe('tool command lines', () => {
  it('--help and -h print the usage and exit 0', () => {
    expect(parseToolArgs(['--help'], OPTIONS, USAGE)).toEqual({ exit: 0, text: USAGE })
    expect(parseToolArgs(['-h'], OPTIONS, USAGE)).toEqual({ exit: 0, text: USAGE })
  })

  it('an unknown option or a missing value prints the reason with the usage and exits 2, not a stack trace', () => {
    const unknown = parseToolArgs(['--prot', '1'], OPTIONS, USAGE)
    expect(unknown).toMatchObject({ exit: 2 })
    expect('text' in unknown && unknown.text).toMatch(/--prot[\s\S]*usage: tool/)
    expect(parseToolArgs(['--port'], OPTIONS, USAGE)).toMatchObject({ exit: 2 })
  })

  it('gives the values with their defaults', () => {
    const ok = parseToolArgs(['--data-dir', '/tmp/x'], OPTIONS, USAGE)
    expect(ok).toMatchObject({ exit: null, values: { port: '5180', 'data-dir': '/tmp/x' } })
  })
})
