import { randomBytes, scryptSync } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../app'
import { tempDir } from '../../../test/helpers/tmp'
import { AuthService } from './index'
import { SCRYPT_COST, hashPassword, verifyPassword } from './password'

/** A hash as the workstation stored it before issue 13: scrypt N=2^14, r=8, p=1, 32 bytes. */
function oldHash(password: string): string {
  const salt = randomBytes(16)
  const hash = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 })
  return `scrypt$16384$8$1$${salt.toString('base64')}$${hash.toString('base64')}`
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('password hashing at OWASP cost, with upgrade', () => {
  it('new hashes are made at N=2^17, r=8, p=1 and need no upgrade', async () => {
    const h = await hashPassword('kata-sandi-baru-1')
    expect(h.split('$').slice(0, 4)).toEqual(['scrypt', String(2 ** 17), '8', '1'])
    expect(SCRYPT_COST.N).toBe(2 ** 17)
    expect(await verifyPassword('kata-sandi-baru-1', h)).toEqual({ ok: true, upgrade: false })
  })

  it('an old hash verifies with its own parameters and asks for an upgrade only when the password is right', async () => {
    const h = oldHash('kata-sandi-lama-1')
    expect(await verifyPassword('kata-sandi-lama-1', h)).toEqual({ ok: true, upgrade: true })
    expect(await verifyPassword('kata-sandi-lama-2', h)).toEqual({ ok: false, upgrade: false })
  })

  it('unreadable or absurd stored values verify nothing and allocate nothing', async () => {
    const salt = randomBytes(16).toString('base64')
    for (const stored of ['', 'bcrypt$x', `scrypt$abc$8$1$${salt}$AAAA`, `scrypt$${2 ** 30}$8$1$${salt}$AAAA`, `scrypt$16384$8$1$${salt}$`]) {
      expect(await verifyPassword('apa-saja', stored)).toEqual({ ok: false, upgrade: false })
    }
  })

  it('the next successful sign-in rehashes an old hash at the current cost; a failed one leaves it', async () => {
    const tmp = tempDir('faskes-pw-')
    const core = createCore({ dataDir: tmp.dir, version: 'test', keychain: false })
    cleanups.push(() => tmp.cleanup(), () => core.close())
    const auth = new AuthService(core.db, null)
    await auth.createUser('perawat1', 'sementara-123', 'clinician')
    const old = oldHash('kata-sandi-lama-1')
    core.db.prepare("UPDATE users SET password_hash = ? WHERE username = 'perawat1'").run(old)
    const stored = () => (core.db.prepare("SELECT password_hash FROM users WHERE username = 'perawat1'").get() as { password_hash: string }).password_hash

    await expect(auth.login('perawat1', 'salah-sekali-1', undefined, 'test')).rejects.toMatchObject({ key: 'auth.badCredentials' })
    expect(stored()).toBe(old)
    await auth.login('perawat1', 'kata-sandi-lama-1', undefined, 'test')
    expect(stored()).not.toBe(old)
    expect(stored().startsWith(`scrypt$${2 ** 17}$8$1$`)).toBe(true)
    expect(await verifyPassword('kata-sandi-lama-1', stored())).toEqual({ ok: true, upgrade: false })
    expect((await auth.login('perawat1', 'kata-sandi-lama-1', undefined, 'test')).user.username).toBe('perawat1')
  })
})
