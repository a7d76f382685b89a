import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { Output } from '../../../../electron/contract'
import { asApiError, call } from '../../api'
import { CodeSelect } from '../../components/CodeSelect'
import { Field } from '../../components/Field'
import { useI18n } from '../../i18n'
import { clock } from '../../time'
import { queueOrder } from './order'

type Row = Output<'registration.today'>[number]
type Poli = { kdPoli: string; nmPoli: string }

/** The clinician's poli survives a reload and the next day (one workstation usually serves one room). */
const POLI_KEY = 'faskes.queuePoli'
type Action = 'call' | 'hadir' | 'tidak_hadir'
/** How long this page's own answer outranks the polled list (which is read every 3 s). */
const LOCAL_MS = 10_000

/**
 * The poli queue of the examination room: pick a poli, call the next patient (Panggil), then Hadir (opens the
 * examination) or Tidak hadir. Keyboard: ArrowUp/Down choose the patient, Alt+P / Alt+H / Alt+T act on them.
 * `rows` is the day's polled list; `onOpen` opens the examination of a patient who came; `examOpen` is the visit
 * whose examination form is open and not yet saved (switching away would discard what was typed, so it is asked first).
 */
export function PoliQueue({ rows, polis, onOpen, examOpen = null }: { rows: Row[]; polis: Poli[]; onOpen: (row: Row) => void; examOpen?: Row | null }) {
  const { t, locale } = useI18n()
  const [kdPoli, setKdPoli] = useState(() => localStorage.getItem(POLI_KEY) ?? '')
  // Answers of this page's own calls, shown at once instead of after the next poll; after LOCAL_MS the polled
  // database values rule again (another workstation may have changed the same visit).
  const [local, setLocal] = useState<Record<string, { fields: Partial<Row>; until: number }>>({})
  const [activeNo, setActiveNo] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  // Polis with patients today come first in the choice even before the reference list is there.
  const choices = [...polis]
  for (const r of rows) if (!choices.some((p) => p.kdPoli === r.kdPoli)) choices.push({ kdPoli: r.kdPoli, nmPoli: r.nmPoli ?? r.kdPoli })
  const now = Date.now()
  const queue = queueOrder(rows.map((r) => ((local[r.noRawat]?.until ?? 0) > now ? { ...r, ...local[r.noRawat]!.fields } : r)), kdPoli)
  // The next patient: the one chosen in the list, else the first still waiting, else the first marked absent.
  const active = queue.find((r) => r.noRawat === activeNo) ?? queue.find((r) => r.attendance === null) ?? queue.find((r) => r.attendance === 'tidak_hadir') ?? null

  const choosePoli = (kd: string) => {
    setKdPoli(kd)
    localStorage.setItem(POLI_KEY, kd)
    setActiveNo(null)
  }

  const remember = (noRawat: string, fields: Partial<Row>) =>
    setLocal((l) => ({ ...l, [noRawat]: { fields: { ...((l[noRawat]?.until ?? 0) > Date.now() ? l[noRawat]!.fields : {}), ...fields }, until: Date.now() + LOCAL_MS } }))

  const act = async (what: Action) => {
    if (!active || busy) return
    if (what !== 'call' && active.callCount === 0) return
    setBusy(true)
    setError(null)
    try {
      if (what === 'call') {
        const r = await call('queue.call', { noRawat: active.noRawat })
        remember(active.noRawat, r)
      } else {
        const r = await call('queue.attendance', { noRawat: active.noRawat, attendance: what })
        remember(active.noRawat, { attendance: r.attendance })
        setActiveNo(null)
        if (what === 'hadir' && (!examOpen || examOpen.noRawat === active.noRawat || window.confirm(t('queue.leaveExam', { nama: examOpen.nama ?? examOpen.noKartu })))) onOpen(active)
      }
    } catch (err) {
      setError(asApiError(err).message)
    } finally {
      setBusy(false)
    }
  }

  // A shortcut pressed while the previous call is still on its way runs when it returns (one waits; a newer replaces it),
  // so a quick Alt+P, Alt+T is not lost.
  const waiting = useRef<Action | null>(null)
  useEffect(() => {
    if (busy || !waiting.current) return
    const next = waiting.current
    waiting.current = null
    void act(next)
  })

  // The shortcuts work anywhere on the page while the queue is shown (Alt+letter types nothing in a field).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
      // By key position: with Alt held, some layouts (macOS) report another character in e.key.
      const what = e.code === 'KeyP' ? 'call' : e.code === 'KeyH' ? 'hadir' : e.code === 'KeyT' ? 'tidak_hadir' : null
      if (!what) return
      e.preventDefault()
      if (busy) waiting.current = what
      else void act(what)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  const onListKey = (e: KeyboardEvent<HTMLOListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const buttons = Array.from(e.currentTarget.querySelectorAll<HTMLButtonElement>('button'))
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement)
    buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus()
  }

  // An absent patient may be called again: the calls stay visible next to "tidak hadir".
  const state = (r: Row) => {
    if (r.attendance === 'hadir') return t('queue.hadir')
    const called = r.calledAt ? t('queue.called', { n: r.callCount, time: clock(locale, r.calledAt) }) : null
    if (r.attendance === 'tidak_hadir') return called ? `${t('queue.tidakHadir')} · ${called}` : t('queue.tidakHadir')
    return called ?? t('queue.waiting')
  }

  return (
    <section className="card poli-queue" aria-labelledby="queue-title" data-testid="poli-queue">
      <h2 id="queue-title">{t('queue.title')}</h2>
      <Field id="queue-poli" label={t('queue.poli')}>
        <CodeSelect options={choices} code={(p) => p.kdPoli} text={(p) => p.nmPoli} value={kdPoli} onChange={choosePoli} empty={t('queue.pickPoli')} />
      </Field>
      {kdPoli &&
        (queue.length === 0 ? (
          <p className="empty">{t('queue.empty')}</p>
        ) : (
          <>
            <div className="queue-actions" role="group" aria-label={t('queue.actionsFor', { nama: active?.nama ?? active?.noKartu ?? '' })}>
              <p>
                {t('queue.current')} <strong data-testid="queue-current">{active?.nama ?? active?.noKartu}</strong>
              </p>
              <button type="button" aria-keyshortcuts="Alt+P" disabled={busy || !active} onClick={() => void act('call')}>
                {t('queue.panggil')} <kbd>Alt+P</kbd>
              </button>
              <button type="button" aria-keyshortcuts="Alt+H" disabled={busy || !active?.callCount} onClick={() => void act('hadir')}>
                {t('queue.btnHadir')} <kbd>Alt+H</kbd>
              </button>
              <button type="button" className="secondary" aria-keyshortcuts="Alt+T" disabled={busy || !active?.callCount} onClick={() => void act('tidak_hadir')}>
                {t('queue.btnTidakHadir')} <kbd>Alt+T</kbd>
              </button>
            </div>
            <ol className="pick-list" onKeyDown={onListKey} aria-label={t('queue.listLabel')}>
              {queue.map((r) => (
                <li key={r.noRawat}>
                  <button
                    type="button"
                    className={r.noRawat === active?.noRawat ? 'pick current' : 'pick'}
                    aria-pressed={r.noRawat === active?.noRawat}
                    data-testid="queue-row"
                    onFocus={() => setActiveNo(r.noRawat)}
                    onClick={() => setActiveNo(r.noRawat)}
                  >
                    <span className="pick-name">
                      {r.noUrut ? `${r.noUrut} · ` : ''}
                      {r.nama ?? r.noKartu}
                    </span>
                    <span className="muted">
                      {r.noRawat} · {state(r)}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          </>
        ))}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
