import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { remindSetupCode } from './setup-code'

describe('first-run setup code reminder', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => {
    vi.useFakeTimers()
    tmp = tempDir('faskes-setup-code-')
  })
  afterEach(() => {
    vi.useRealTimers()
    tmp.cleanup()
  })

  it('prints the code again after the startup lines while it is unused, and stops once it is spent', () => {
    const file = join(tmp.dir, 'setup-code')
    writeFileSync(file, 'ABCD-EFGH-JKLM\n')
    const lines: string[] = []
    remindSetupCode('ABCD-EFGH-JKLM', file, (l) => lines.push(l), [1_000, 5_000])
    expect(lines).toEqual([])
    vi.advanceTimersByTime(1_000)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('ABCD-EFGH-JKLM')
    rmSync(file)
    vi.advanceTimersByTime(10_000)
    expect(lines).toHaveLength(1)
  })

  it('stops when the shell closes', () => {
    const file = join(tmp.dir, 'setup-code')
    writeFileSync(file, 'x\n')
    const lines: string[] = []
    const stop = remindSetupCode('ABCD-EFGH-JKLM', file, (l) => lines.push(l), [1_000])
    stop()
    vi.advanceTimersByTime(5_000)
    expect(lines).toEqual([])
  })
})
