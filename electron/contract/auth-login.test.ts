import { expect, it } from 'vitest'
import { contract } from '.'

// An empty user name reached the sign-in throttle, whose key must not be empty (CHECK in migration 0011), and the
// person read "internal error". It is a field error of its own instead.
it('auth.login refuses an empty user name as a required field', () => {
  const r = contract['auth.login'].input.safeParse({ username: '  ', password: 'x' })
  expect(r.success).toBe(false)
  expect(r.error?.issues[0]).toMatchObject({ path: ['username'], message: 'v.required' })
  expect(contract['auth.login'].input.safeParse({ username: 'admin', password: 'x' }).success).toBe(true)
})
