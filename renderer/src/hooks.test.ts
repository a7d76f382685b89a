import { describe, expect, it } from 'vitest'
import { ApiError } from './api'
import { runSubmit, type SubmitOptions } from './hooks'

/** Runs one submit and records, in order, what it did to the event, the form state and the options' callbacks. */
async function trace(action: () => Promise<unknown>, opts: SubmitOptions = {}) {
  const steps: string[] = []
  const errors: (ApiError | null)[] = []
  await runSubmit(
    { preventDefault: () => steps.push('preventDefault') },
    async () => {
      steps.push('action')
      return action()
    },
    {
      busy: (b) => steps.push(`busy=${b}`),
      error: (e) => {
        errors.push(e)
        steps.push(e ? `error=${e.code}` : 'error=null')
      },
    },
    {
      check: opts.check && (() => (steps.push('check'), opts.check!())),
      onError: opts.onError && ((e) => (steps.push('onError'), opts.onError!(e))),
    },
  )
  return { steps, errors }
}

describe('runSubmit', () => {
  it('clears the old error, goes busy and stays busy after a success', async () => {
    const { steps } = await trace(async () => 'ok')
    expect(steps).toEqual(['preventDefault', 'error=null', 'busy=true', 'action'])
  })

  it('keeps a failure as ApiError, clears busy and then calls onError', async () => {
    const refused = new ApiError('UNAUTHENTICATED', 'Nama pengguna atau kata sandi salah')
    const seen: ApiError[] = []
    const { steps, errors } = await trace(() => Promise.reject(refused), { onError: (e) => seen.push(e) })
    expect(steps).toEqual(['preventDefault', 'error=null', 'busy=true', 'action', 'error=UNAUTHENTICATED', 'busy=false', 'onError'])
    expect(errors.at(-1)).toBe(refused)
    expect(seen).toEqual([refused])
  })

  it('turns a thrown non-ApiError into an ApiError instead of rejecting', async () => {
    const { errors } = await trace(() => Promise.reject(new Error('boom')))
    expect(errors.at(-1)).toBeInstanceOf(ApiError)
    expect(errors.at(-1)?.message).toBe('boom')
  })

  it('stops before busy and before sending when the check fails, after clearing the old error', async () => {
    const { steps } = await trace(async () => 'ok', { check: () => false })
    expect(steps).toEqual(['preventDefault', 'error=null', 'check'])
  })

  it('sends when the check passes', async () => {
    const { steps } = await trace(async () => 'ok', { check: () => true })
    expect(steps).toEqual(['preventDefault', 'error=null', 'check', 'busy=true', 'action'])
  })
})
