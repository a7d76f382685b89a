import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { hostArg, localTime, newUserArgs, parseHubArgs, passwordArg, plainError, portArg, USAGE, UsageError } from './args'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

describe('hub CLI arguments (in-process)', () => {
  it('--help and -h are read for each program; an unknown program or flag is bad usage', () => {
    expect(parseHubArgs(['hub', '--help']).help).toBe(true)
    expect(parseHubArgs(['admin', '-h']).help).toBe(true)
    expect(parseHubArgs(['desk', '--port', '0']).help).toBe(false)
    expect(() => parseHubArgs(['hubb'])).toThrow(UsageError)
    expect(() => parseHubArgs([])).toThrow(/unknown program/)
    expect(() => parseHubArgs(['hub', '--hots', '1.2.3.4'])).toThrow(/Pilihan tidak dikenal.*--hots/)
    expect(() => parseHubArgs(['hub', 'extra'])).toThrow(/unexpected argument: extra/)
    expect(parseHubArgs(['admin', 'revoke', 'd1', '--data-dir', '/x'])).toMatchObject({ command: 'admin', positionals: ['revoke', 'd1'], values: { 'data-dir': '/x' } })
  })

  it('each usage names its own commands, Indonesian and English', () => {
    expect(USAGE.hub).toMatch(/^Pemakaian \/ usage: npm run hub -- --host[\s\S]*--backup-dir/)
    for (const c of ['code', 'desks', 'revoke', 'add-user', 'export-key', 'restore']) expect(USAGE.admin).toContain(c)
    expect(USAGE.admin).toMatch(/counter \(loket/)
    expect(USAGE.desk).toMatch(/127\.0\.0\.1/)
  })

  it('port: 8443 for the hub and 0 for a desk by default; out of range or not a number is bad usage', () => {
    expect(portArg('hub', undefined)).toBe(8443)
    expect(portArg('desk', undefined)).toBe(0)
    expect(portArg('hub', '9443')).toBe(9443)
    expect(() => portArg('hub', '70000')).toThrow(/0\.\.65535/)
    expect(() => portArg('hub', 'abc')).toThrow(UsageError)
    expect(() => portArg('hub', ' ')).toThrow(/kosong/)
    expect(() => hostArg(undefined)).toThrow(/--host wajib/)
    expect(hostArg(' 192.168.1.10 ')).toBe('192.168.1.10')
  })

  it('add-user: an unknown role (the "loket" the trial typed) is named with the roles to choose, not a CHECK failure', () => {
    expect(() => newUserArgs('loket1', 'loket')).toThrow(/Peran "loket" tidak dikenal[\s\S]*counter \(loket/)
    expect(() => newUserArgs('loket1', undefined)).toThrow(/butuh NAMA dan PERAN/)
    expect(() => newUserArgs('Lo', 'counter')).toThrow(/Nama pengguna 3–40[\s\S]* \/ User name/)
    expect(newUserArgs('loket1', 'counter')).toEqual({ username: 'loket1', role: 'counter' })
    expect(() => passwordArg('short')).toThrow(/minimal 10 karakter\. \/ A password has at least 10/)
    expect(passwordArg('sepuluh-karakter')).toBe('sepuluh-karakter')
  })

  it('failures an admin can cause are said plainly; desks times are local', () => {
    expect(plainError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }))).toMatch(/^Port sudah dipakai/)
    expect(plainError(Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' }))).toMatch(/--host bukan alamat PC ini/)
    expect(plainError(Object.assign(new Error('Nama pengguna sudah dipakai'), { key: 'auth.usernameTaken', params: { username: 'a' } }))).toMatch(/ \/ /)
    expect(plainError(new Error('other'))).toBe('other')
    const at = new Date(2026, 10, 30, 7, 5).getTime()
    expect(localTime(at)).toBe('2026-11-30 07:05')
  })
})

describe('hub CLI as the admin runs it (spawned)', () => {
  const run = (args: string[]) => spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['tools/hub/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, input: '' })

  it('--help prints the usage and exits 0; a wrong role exits 2 with the roles, before any data folder is made', () => {
    const help = run(['admin', '--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('add-user NAMA PERAN')
    const dir = mkdtempSync(join(tmpdir(), 'hub-args-'))
    try {
      const data = join(dir, 'hub')
      const bad = run(['admin', 'add-user', 'loket1', 'loket', '--data-dir', data])
      expect(bad.status).toBe(2)
      expect(bad.stderr).toMatch(/Peran "loket" tidak dikenal/)
      expect(bad.stderr).not.toMatch(/CHECK constraint/)
      expect(existsSync(data)).toBe(false)
      const noHost = run(['hub', '--data-dir', data])
      expect(noHost.status).toBe(2)
      expect(noHost.stderr).toMatch(/--host wajib[\s\S]*Pemakaian \/ usage: npm run hub/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
