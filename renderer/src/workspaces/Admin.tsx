import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import type { AppInfo, Output, SyncStatus } from '../../../electron/contract'
import { ApiError, asApiError, call } from '../api'
import { Field, when } from '../components/Field'
import { TotpEnrolment } from '../components/TotpEnrolment'
import { useReferenceLists } from '../reference'
import { useFocusFirst } from '../hooks'
import { relativeTime, useI18n } from '../i18n'
import { pcareWords, reasonText } from '../reasons'
import { DokterOptions, UserDokterCell, useDokterList } from './poli/UserDokter'
import { OutboxReason } from './admin/OutboxReason'

type Mon = Output<'monitoring.summary'>
type OutboxRow = Output<'outbox.list'>[number]
type Status = OutboxRow['status']

export function Admin({ info, status }: { info: AppInfo; status: SyncStatus | undefined }) {
  const { t, locale } = useI18n()
  const ref = useRef<HTMLElement>(null)
  useFocusFirst(ref)
  const now = Date.now()
  return (
    <section ref={ref} className="workspace" aria-labelledby="ws-title">
      <h1 id="ws-title" tabIndex={-1}>
        {t('ws.admin')}
      </h1>
      <p className="intro">{t('admin.intro')}</p>
      <Monitoring />
      <section className="card" aria-labelledby="sync-title">
        <h2 id="sync-title">{t('admin.syncTitle')}</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.target')}</th>
              <th scope="col">{t('sync.pending')}</th>
              <th scope="col">{t('sync.inFlight')}</th>
              <th scope="col">{t('sync.failed')}</th>
              <th scope="col">{t('sync.lastSuccess')}</th>
            </tr>
          </thead>
          <tbody>
            {status?.targets.map((s) => (
              <tr key={s.target}>
                <th scope="row">{t(`target.${s.target}`)}</th>
                <td className="num">
                  {s.pending}
                  {/* Held behind a refusal: not pending work, but still not sent (the failed list says behind what). */}
                  {s.blocked > 0 && <span className="muted"> {t('admin.heldCount', { n: s.blocked })}</span>}
                </td>
                <td className="num">{s.inFlight}</td>
                <td className={s.failed > 0 ? 'num has-failed' : 'num'}>{s.failed}</td>
                <td>{s.lastSuccessAt === null ? t('sync.never') : relativeTime(locale, s.lastSuccessAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <FailedSends />
      <Credentials />
      <Users />
      <section className="card" aria-labelledby="app-title">
        <h2 id="app-title">{t('admin.appTitle')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('admin.version')}</dt>
            <dd>{info.version}</dd>
          </div>
          <div>
            <dt>{t('admin.schema')}</dt>
            <dd>{info.schemaVersion}</dd>
          </div>
        </dl>
        <RefreshReference />
      </section>
    </section>
  )
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`)

function Monitoring() {
  const { t, locale } = useI18n()
  const [days, setDays] = useState(7)
  const [m, setM] = useState<Mon | null>(null)
  const [err, setErr] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    const load = () =>
      call('monitoring.summary', { days }).then(
        (v) => live && (setM(v), setErr(null)),
        (e) => live && setErr(asApiError(e).message),
      )
    void load()
    const timer = setInterval(load, 5000)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [days])
  const perDay = new Map<string, { ok: number; failed: number }>()
  const perOp = new Map<string, { ok: number; failed: number }>()
  for (const r of m?.perDay ?? []) {
    for (const [map, key] of [
      [perDay, r.day],
      [perOp, `${r.target}:${r.operation}`],
    ] as const) {
      const v = map.get(key) ?? { ok: 0, failed: 0 }
      v.ok += r.ok
      v.failed += r.failed
      map.set(key, v)
    }
  }
  return (
    <section className="card" aria-labelledby="mon-title">
      <div className="card-head">
        <h2 id="mon-title">{t('admin.monTitle')}</h2>
        <label>
          {t('admin.days')}{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[1, 7, 30].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      {err && <p className="alert">{err}</p>}
      {m && (
        <>
          <dl className="kpis" data-testid="kpis">
            <div>
              <dt>{t('admin.successRate')}</dt>
              <dd>{pct(m.kpi.successRate)}</dd>
            </div>
            <div>
              <dt>p50</dt>
              <dd>{ms(m.kpi.p50)}</dd>
            </div>
            <div>
              <dt>p95</dt>
              <dd>{ms(m.kpi.p95)}</dd>
            </div>
            <div>
              <dt>{t('sync.pending')}</dt>
              <dd data-testid="kpi-pending">{m.kpi.pending}</dd>
            </div>
            <div className={m.kpi.failed > 0 ? 'has-failed' : undefined}>
              <dt>{t('sync.failed')}</dt>
              <dd data-testid="kpi-failed">{m.kpi.failed}</dd>
            </div>
          </dl>
          <div className="charts">
            <Bars title={t('admin.perDay')} data={[...perDay.entries()].sort(([a], [b]) => a.localeCompare(b))} />
            <Bars title={t('admin.perEndpoint')} data={[...perOp.entries()].sort(([a], [b]) => a.localeCompare(b))} />
          </div>
          {m.topErrors.length > 0 && (
            <>
              <h3>{t('admin.topErrors')}</h3>
              <ul>
                {m.topErrors.map((e) => (
                  <li key={`${e.code}:${e.message}`}>
                    {/* PCare's own words when it refused; our sentence for the rest. */}
                    <strong>{pcareWords(e.code, e.message) ? `“${e.message}”` : reasonText(locale, e.code, e.message)}</strong> <span className="muted">({e.code})</span> × {e.n}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  )
}

/** Horizontal bars drawn in SVG: green for sent, red for failed. SVG attributes, no style attributes (CSP). */
function Bars({ title, data }: { title: string; data: [string, { ok: number; failed: number }][] }) {
  const { t } = useI18n()
  const max = Math.max(1, ...data.map(([, v]) => v.ok + v.failed))
  const rowH = 22
  const labelW = 170
  const barW = 260
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="empty">{t('admin.noData')}</p>
      ) : (
        <svg role="img" aria-label={title} viewBox={`0 0 ${labelW + barW + 70} ${data.length * rowH + 4}`} width="100%">
          {data.map(([label, v], i) => {
            const okW = (v.ok / max) * barW
            const failW = (v.failed / max) * barW
            const y = i * rowH + 2
            return (
              <g key={label}>
                <title>{`${label}: ${v.ok} ok, ${v.failed} ${t('sync.failed').toLowerCase()}`}</title>
                <text x={0} y={y + 14} fontSize="12" fill="#1c2733">
                  {label.length > 26 ? `${label.slice(0, 25)}…` : label}
                </text>
                <rect x={labelW} y={y} width={okW} height={rowH - 6} fill="#0b6e4f" />
                <rect x={labelW + okW} y={y} width={failW} height={rowH - 6} fill="#b42318" />
                <text x={labelW + okW + failW + 4} y={y + 14} fontSize="12" fill="#5b6b7b">
                  {v.ok}/{v.failed}
                </text>
              </g>
            )
          })}
        </svg>
      )}
    </figure>
  )
}

const statusSets: Record<string, Status[]> = {
  failed: ['failed_permanent', 'failed_transient'],
  pending: ['pending', 'in_flight', 'failed_transient'],
  done: ['done'],
  cancelled: ['cancelled'],
}

function FailedSends() {
  const { t, locale } = useI18n()
  const [statusKey, setStatusKey] = useState('failed')
  const [operation, setOperation] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [rows, setRows] = useState<OutboxRow[] | null>(null)
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [detailId, setDetailId] = useState<number | null>(null)
  const [reason, setReason] = useState('')
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null)
  const load = useCallback(() => {
    call('outbox.list', {
      status: statusSets[statusKey],
      operation: operation.trim() || undefined,
      from: from ? new Date(`${from}T00:00:00`).getTime() : undefined,
      to: to ? new Date(`${to}T23:59:59`).getTime() : undefined,
      limit: 200,
    }).then(setRows, (e) => setMsg({ ok: false, text: asApiError(e).message }))
  }, [statusKey, operation, from, to])
  useEffect(() => {
    load()
    const timer = setInterval(load, 3000)
    return () => clearInterval(timer)
  }, [load])
  const ids = [...selected]
  const act = async (kind: 'resend' | 'cancel', which: number[]) => {
    try {
      if (kind === 'resend') {
        const r = await call('outbox.resend', { ids: which })
        setMsg({ ok: true, text: t('admin.resent', { n: r.resent.length }) })
      } else {
        const r = await call('outbox.cancel', { ids: which, reason })
        setMsg({ ok: true, text: t('admin.cancelled', { n: r.cancelled.length }) })
        setReason('')
      }
      setSelected(new Set())
      load()
    } catch (e) {
      setMsg({ ok: false, text: asApiError(e).message })
    }
  }
  return (
    <section className="card" aria-labelledby="failed-title">
      <h2 id="failed-title">{t('admin.failedTitle')}</h2>
      <div className="filters">
        <label>
          {t('admin.fStatus')}{' '}
          <select value={statusKey} onChange={(e) => setStatusKey(e.target.value)}>
            {Object.keys(statusSets).map((k) => (
              <option key={k} value={k}>
                {t(`admin.st.${k as 'failed'}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.fEndpoint')} <input value={operation} placeholder="kunjungan.add" onChange={(e) => setOperation(e.target.value)} />
        </label>
        <label>
          {t('admin.fFrom')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('admin.fTo')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {rows && rows.length === 0 && <p className="empty">{t('admin.noneFailed')}</p>}
      {rows && rows.length > 0 && (
        <table className="table outbox" data-testid="outbox">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label={t('admin.selectAll')}
                  checked={rows.length > 0 && rows.every((r) => selected.has(r.id))}
                  onChange={(e) => setSelected(new Set(e.target.checked ? rows.map((r) => r.id) : []))}
                />
              </th>
              <th scope="col">{t('admin.when')}</th>
              <th scope="col">{t('admin.endpoint')}</th>
              <th scope="col">{t('admin.entity')}</th>
              <th scope="col">{t('admin.reason')}</th>
              <th scope="col">{t('admin.attempts')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={detailId === r.id ? 'current' : undefined}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('admin.select', { id: r.id })}
                    checked={selected.has(r.id)}
                    onChange={(e) => {
                      const s = new Set(selected)
                      if (e.target.checked) s.add(r.id)
                      else s.delete(r.id)
                      setSelected(s)
                    }}
                  />
                </td>
                <td>{when(locale, r.updatedAt)}</td>
                <td>
                  {t(`target.${r.target}`)} · {r.operation}
                  <div className="muted">{t(`status.${r.status}`)}</div>
                </td>
                <td>{r.entityId}</td>
                <td data-testid="reason">
                  <OutboxReason row={r} />
                  {r.lastErrorFields.length > 0 && (
                    <ul className="field-list">
                      {r.lastErrorFields.map((f) => (
                        <li key={f.field + f.message}>
                          <code>{f.field}</code>: {f.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="num">{r.attempts}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => setDetailId(r.id)}>
                    {t('admin.detail')}
                  </button>{' '}
                  {r.status !== 'done' && r.status !== 'cancelled' && (
                    <button type="button" onClick={() => void act('resend', [r.id])}>
                      {t('admin.resend')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="form-actions">
        <button type="button" disabled={ids.length === 0} onClick={() => void act('resend', ids)}>
          {t('admin.resendSelected', { n: ids.length })}
        </button>
        <input aria-label={t('admin.cancelReason')} placeholder={t('admin.cancelReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="button" className="danger" disabled={ids.length === 0 || reason.trim().length < 3} onClick={() => void act('cancel', ids)}>
          {t('admin.cancelSelected', { n: ids.length })}
        </button>
        <span role="status" className={msg?.ok ? 'ok' : 'error'}>
          {msg?.text}
        </span>
      </div>
      {detailId !== null && <Detail id={detailId} onClose={() => setDetailId(null)} />}
    </section>
  )
}

function Detail({ id, onClose }: { id: number; onClose: () => void }) {
  const { t, locale } = useI18n()
  const [d, setD] = useState<Output<'outbox.detail'> | null>(null)
  const [err, setErr] = useState<string | null>(null)
  useEffect(() => {
    call('outbox.detail', { id }).then(setD, (e) => setErr(asApiError(e).message))
  }, [id])
  return (
    <section className="detail" aria-labelledby="detail-title" data-testid="detail">
      <div className="card-head">
        <h3 id="detail-title">{t('admin.detailTitle', { id })}</h3>
        <button type="button" className="secondary" onClick={onClose}>
          {t('admin.close')}
        </button>
      </div>
      {err && <p className="alert">{err}</p>}
      {d && (
        <>
          <p>
            {t(`target.${d.target}`)} · {d.operation} · {d.entityType} {d.entityId} · {t(`status.${d.status}`)}
          </p>
          <h4>{t('admin.payload')}</h4>
          <pre>{JSON.stringify(d.payload, null, 2)}</pre>
          <ol className="attempts">
            {d.attempts.map((a) => (
              <li key={a.id}>
                <p>
                  <strong>{when(locale, a.startedAt)}</strong> · {a.outcome}
                  {a.httpStatus !== null && ` · HTTP ${a.httpStatus}`}
                  {a.durationMs !== null && ` · ${a.durationMs} ms`}
                  {a.errorCode && ` · ${pcareWords(a.errorCode, a.errorMessage) ? `“${a.errorMessage}” — ` : ''}${reasonText(locale, a.errorCode, a.errorMessage)}`}
                  {a.triggeredBy && <span className="muted"> · {a.triggeredBy}</span>}
                </p>
                <details>
                  <summary>{t('admin.reqres')}</summary>
                  <h5>{t('admin.request')}</h5>
                  <pre>{JSON.stringify(a.request, null, 2)}</pre>
                  <h5>{t('admin.response')}</h5>
                  <pre>{JSON.stringify(a.response, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}

function Credentials() {
  const { t } = useI18n()
  const [presence, setPresence] = useState<Output<'credentials.status'> | null>(null)
  const empty = { consId: '', secretKey: '', userKey: '', username: '', password: '', kdAplikasi: '095', antreanUserKey: '' }
  const [form, setForm] = useState(empty)
  const [error, setError] = useState<ApiError | null>(null)
  const [saved, setSaved] = useState(false)
  useEffect(() => {
    call('credentials.status', {}).then(setPresence, (e) => setError(asApiError(e)))
  }, [])
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    setSaved(false)
    try {
      setPresence(await call('credentials.setPcare', { ...form, antreanUserKey: form.antreanUserKey || undefined }))
      // Secrets leave the page as soon as they are stored: nothing to read back from the form.
      setForm(empty)
      setSaved(true)
    } catch (err) {
      setError(asApiError(err))
    }
  }
  const tick = (v: boolean | undefined) => (v ? t('admin.stored') : t('admin.notStored'))
  return (
    <section className="card" aria-labelledby="cred-title">
      <h2 id="cred-title">{t('admin.credTitle')}</h2>
      <p className="intro">{t('admin.credIntro')}</p>
      {presence && (
        <dl className="facts" data-testid="cred-presence">
          <div>
            <dt>{t('admin.keychain')}</dt>
            {/* The technical cause stays in the tooltip for support; the sentence is in the page's language. */}
            <dd title={presence.error ?? undefined}>{presence.available ? t('admin.available') : t('admin.keychainUnavailable')}</dd>
          </div>
          <div>
            <dt>PCare</dt>
            <dd>{tick(presence.pcare)}</dd>
          </div>
          <div>
            <dt>Antrean</dt>
            <dd>{tick(presence.antrean)}</dd>
          </div>
          <div>
            <dt>Fabric</dt>
            <dd>
              RS {tick(presence.fabric.RSMSP)} · Puskesmas {tick(presence.fabric.PuskesmasMSP)}
            </dd>
          </div>
        </dl>
      )}
      <form className="grid-form" onSubmit={submit} noValidate autoComplete="off">
        {(['consId', 'secretKey', 'userKey', 'username', 'password', 'kdAplikasi', 'antreanUserKey'] as const).map((k) => (
          <Field key={k} id={`cr-${k}`} label={t(`admin.cred.${k}`)} error={error?.fieldMessage(k)}>
            <input
              id={`cr-${k}`}
              type={k === 'consId' || k === 'kdAplikasi' || k === 'username' ? 'text' : 'password'}
              autoComplete="off"
              value={form[k]}
              onChange={(e) => setForm({ ...form, [k]: e.target.value })}
            />
          </Field>
        ))}
        <div className="form-actions wide">
          <button type="submit">{t('admin.credSave')}</button>
          <span role="status">{saved && <span className="ok">{t('admin.stored')}</span>}</span>
          {error && error.fields.length === 0 && <span className="error">{error.message}</span>}
        </div>
      </form>
      <p className="muted">
        {t('admin.endpointHint')} <a href="#/pengaturan">{t('ws.pengaturan')}</a>
      </p>
    </section>
  )
}

function Users() {
  const { t, locale } = useI18n()
  const [users, setUsers] = useState<Output<'users.list'> | null>(null)
  const [form, setForm] = useState({ username: '', password: '', role: 'counter' as 'counter' | 'clinician' | 'admin', kdDokter: '' })
  const dokter = useDokterList()
  const [error, setError] = useState<ApiError | null>(null)
  const [created, setCreated] = useState<Output<'users.create'> | null>(null)
  const load = useCallback(() => {
    call('users.list', {}).then(setUsers, (e) => setError(asApiError(e)))
  }, [])
  useEffect(load, [load])
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      setCreated(await call('users.create', { ...form, kdDokter: form.role !== 'counter' && form.kdDokter ? form.kdDokter : undefined }))
      setForm({ username: '', password: '', role: form.role, kdDokter: '' })
      load()
    } catch (err) {
      setError(asApiError(err))
    }
  }
  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">{t('admin.usersTitle')}</h2>
      {users && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('auth.username')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">TOTP</th>
              <th scope="col">{t('admin.kdDokter')}</th>
              <th scope="col">{t('admin.created')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.username}>
                <td>{u.username}</td>
                <td>{t(`role.${u.role}`)}</td>
                <td>{u.role === 'admin' ? (u.totp ? '✓' : t('admin.totpPending')) : '—'}</td>
                <td>
                  <UserDokterCell key={u.kdDokter ?? ''} username={u.username} role={u.role} kdDokter={u.kdDokter} dokter={dokter} />
                </td>
                <td>{when(locale, u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="grid-form" onSubmit={submit} noValidate>
        <Field id="nu-username" label={t('auth.username')} error={error?.fieldMessage('username')}>
          <input id="nu-username" autoComplete="off" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </Field>
        <Field id="nu-password" label={t('auth.password')} hint={t('auth.passwordHint')} error={error?.fieldMessage('password')}>
          <input id="nu-password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </Field>
        <Field id="nu-role" label={t('admin.role')}>
          <select id="nu-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as typeof form.role })}>
            {(['counter', 'clinician', 'admin'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {form.role !== 'counter' && (
          <Field id="nu-dokter" label={t('admin.kdDokter')} hint={t('admin.kdDokterHint')} error={error?.fieldMessage('kdDokter')}>
            <select id="nu-dokter" value={form.kdDokter} onChange={(e) => setForm({ ...form, kdDokter: e.target.value })}>
              <DokterOptions dokter={dokter} value={form.kdDokter} />
            </select>
          </Field>
        )}
        <div className="form-actions wide">
          <button type="submit">{t('admin.addUser')}</button>
          {error && error.fields.length === 0 && <span className="error">{error.message}</span>}
        </div>
      </form>
      {created && (
        <div role="status">
          <p className="ok">
            {t('admin.userCreated', { username: created.username })}
            {created.enrolment && ` ${t('auth.enrolIntro')}`}
          </p>
          {created.enrolment && <TotpEnrolment secret={created.enrolment.secret} otpauthUri={created.enrolment.otpauthUri} testId="new-admin-secret" />}
        </div>
      )}
    </section>
  )
}

function RefreshReference() {
  const { t, locale } = useI18n()
  // Core fetches the lists by itself; this says when, and follows each fetch without a reload.
  const lists = useReferenceLists()
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    try {
      const r = await call('reference.refresh', {})
      setMsg({ ok: true, text: t('admin.refreshed', { written: r.written.join(', ') || '—' }) })
    } catch (e) {
      setMsg({ ok: false, text: asApiError(e).message })
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="form-actions">
      <button type="button" disabled={busy} onClick={() => void run()}>
        {t('admin.refresh')}
      </button>
      <span role="status" className={msg?.ok ? 'ok' : 'error'}>
        {msg?.text}
      </span>
      {lists && (
        <span className="muted" data-testid="reference-age">
          {lists.refreshedAt ? t('admin.refreshedAt', { time: when(locale, lists.refreshedAt) }) : t('admin.refreshNever')}
        </span>
      )}
    </div>
  )
}
