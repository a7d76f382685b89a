import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, setMessageLocale } from './api'

afterEach(() => setMessageLocale('id'))

describe('ApiError from core', () => {
  it('follows a language switch: the message and the field messages are read in the page language each time', () => {
    setMessageLocale('id')
    const err = ApiError.from({
      code: 'UNAUTHENTICATED',
      message: 'as sent',
      key: 'auth.badCredentials',
      fields: [{ field: 'username', message: 'as sent', key: 'auth.badCredentials' }],
    })
    expect(err.message).toBe('Nama pengguna, kata sandi atau kode autentikator salah.')
    expect(err.fieldMessage('username')).toBe('Nama pengguna, kata sandi atau kode autentikator salah.')
    setMessageLocale('en')
    expect(err.message).toBe('Wrong user name, password or authenticator code.')
    expect(err.fieldMessage('username')).toBe('Wrong user name, password or authenticator code.')
  })

  it('shows the text as sent when core gave no known key, and keeps a text made on the page as it is', () => {
    expect(ApiError.from({ code: 'INTERNAL', message: 'plain text', key: 'no.such.key' }).message).toBe('plain text')
    const local = new ApiError('INVALID_INPUT', 'Periksa isian')
    setMessageLocale('en')
    expect(local.message).toBe('Periksa isian')
  })
})
