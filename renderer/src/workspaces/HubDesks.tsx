import { useEffect, useRef, useState } from 'react'
import type { Output } from '../../../electron/contract'
import { groupedFingerprint } from '../../../electron/contract/fingerprint'
import { ApiError, asApiError, call } from '../api'
import { useCall } from '../hooks'
import { useI18n } from '../i18n'
import { clock, dateTime } from '../time'

/**
 * Pengaturan "Hub & meja" (issue 16; docs/hub.md): the mode of this PC; at a desk, its pairing (hub address, the pinned
 * hub certificate's fingerprint, its name, id and pairing time); on a hub, its own fingerprint and address and the
 * admin's pairing codes and desks. A code is shown once, with its expiry, and only until the section is left (core keeps only its key). Revoking
 * asks once more on the same row (Enter confirms, Escape cancels) because the desk is cut off at its next call.
 * Hidden for a role the hub.* channels refuse.
 */
export function HubDesks() {
  const { t, locale } = useI18n()
  const status = useCall('hub.status', {})
  const [code, setCode] = useState<Output<'hub.pairingCode'> | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const codeRef = useRef<HTMLElement>(null)
  const desksRef = useRef<HTMLHeadingElement>(null)
  // Focus moves after the DOM shows the result (a frame requested inside the call could run before React rendered it,
  // and the pressed button, disabled while busy or removed after a revoke, had dropped focus to the body).
  // The code is what the admin reads out or types at the desk: focused, a screen reader says it too.
  useEffect(() => {
    if (code) codeRef.current?.focus()
  }, [code])
  // After a revoke the confirming row's buttons are gone: back to the list, whose status line says what happened.
  useEffect(() => {
    if (done) desksRef.current?.focus()
  }, [done])

  if (status.error?.code === 'FORBIDDEN' || status.error?.code === 'UNAUTHENTICATED') return null
  const s = status.value

  const run = async (action: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      await action()
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }
  const newCode = () =>
    run(async () => {
      setCode(await call('hub.pairingCode', {}))
    })
  const revoke = (id: string, name: string) =>
    run(async () => {
      await call('hub.revokeDesk', { id })
      setConfirming(null)
      setDone(t('hub.revoked', { name }))
      status.reload()
    })

  return (
    <section className="card" aria-labelledby="hub-title">
      <h2 id="hub-title">{t('hub.title')}</h2>
      {status.error && (
        <p role="alert" className="alert">
          {status.error.message}
        </p>
      )}
      {s && (
        <>
          <p data-testid="hub-mode">
            {s.mode === 'desk' && s.deskName ? t('hub.modeDeskNamed', { name: s.deskName }) : t(`hub.mode.${s.mode}`)}
          </p>
          {s.thisDesk && <ThisDeskFacts desk={s.thisDesk} />}
          {s.mode === 'hub' && s.hub && <HubSelfFacts hub={s.hub} />}
          {s.desks && (
            <>
              <p className="intro">{t('hub.codeIntro')}</p>
              <button type="button" onClick={() => void newCode()} disabled={busy}>
                {t('hub.newCode')}
              </button>
              {code && (
                <p className="ok" data-testid="hub-code">
                  {t('hub.codeLabel')}{' '}
                  <strong ref={codeRef} tabIndex={-1} className="code">
                    {code.code}
                  </strong>{' '}
                  {t('hub.codeValid', { time: clock(locale, code.expiresAt) })}
                </p>
              )}
              <h3 id="hub-desks-title" ref={desksRef} tabIndex={-1}>{t('hub.desks')}</h3>
              {s.desks.length === 0 ? (
                <p>{t('hub.noDesks')}</p>
              ) : (
                <table className="table" aria-labelledby="hub-desks-title">
                  <thead>
                    <tr>
                      <th scope="col">{t('hub.deskName')}</th>
                      <th scope="col">{t('hub.pairedAt')}</th>
                      <th scope="col">{t('hub.deskState')}</th>
                      <th scope="col">{t('hub.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.desks.map((d) => (
                      <tr key={d.id}>
                        <td>{d.id === s.thisDesk?.deskId ? t('hub.thisDeskRow', { name: d.name }) : d.name}</td>
                        <td>{dateTime(locale, d.pairedAt)}</td>
                        <td>{d.revokedAt === null ? t('hub.active') : t('hub.revokedAt', { at: dateTime(locale, d.revokedAt) })}</td>
                        <td>
                          {/* The desk this page runs on cannot revoke itself (core refuses it): no button to press in vain. */}
                          {d.revokedAt === null &&
                            d.id !== s.thisDesk?.deskId &&
                            (confirming === d.id ? (
                              <span onKeyDown={(e) => e.key === 'Escape' && setConfirming(null)}>
                                <button type="button" className="danger" autoFocus disabled={busy} onClick={() => void revoke(d.id, d.name)}>
                                  {t('hub.revokeConfirm', { name: d.name })}
                                </button>{' '}
                                <button type="button" onClick={() => setConfirming(null)}>
                                  {t('hub.cancel')}
                                </button>
                              </span>
                            ) : (
                              // Destructive (the desk is cut off at its next call): styled as such, not as the primary action.
                              <button type="button" className="danger" onClick={() => setConfirming(d.id)}>
                                {t('hub.revoke')}
                              </button>
                            ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </>
      )}
      <div role="status">{done && <p className="ok">{done}</p>}</div>
      {error && (
        <p role="alert" className="alert">
          {error.message}
        </p>
      )}
    </section>
  )
}

/** At a desk: what it pinned and who it is (desk.json, via the desk shell), so the admin can compare with the hub's own. */
function ThisDeskFacts({ desk }: { desk: NonNullable<Output<'hub.status'>['thisDesk']> }) {
  const { t, locale } = useI18n()
  return (
    <dl className="facts hub-facts" data-testid="hub-this-desk">
      <div>
        <dt>{t('hub.hubUrl')}</dt>
        <dd>{desk.hubUrl}</dd>
      </div>
      <div>
        <dt>{t('hub.pinnedFingerprint')}</dt>
        <dd>
          <code className="wrap">{groupedFingerprint(desk.hubFingerprint)}</code>
        </dd>
      </div>
      <div>
        <dt>{t('hub.deskName')}</dt>
        <dd>{desk.deskName}</dd>
      </div>
      <div>
        <dt>{t('hub.deskId')}</dt>
        <dd>
          <code>{desk.deskId}</code>
        </dd>
      </div>
      <div>
        <dt>{t('hub.pairedAt')}</dt>
        <dd>{dateTime(locale, desk.pairedAt)}</dd>
      </div>
    </dl>
  )
}

/**
 * At the hub: its own certificate fingerprint and address, for the admin to read out at pairing; until `npm run hub`
 * has started on this data folder (a hub chosen at first run), the command that starts it.
 */
function HubSelfFacts({ hub }: { hub: NonNullable<Output<'hub.status'>['hub']> }) {
  const { t, locale } = useI18n()
  return (
    <>
      <dl className="facts hub-facts" data-testid="hub-self">
        <div>
          <dt>{t('hub.hubUrl')}</dt>
          <dd>{hub.url ?? t('hub.notStarted')}</dd>
        </div>
        <div>
          <dt>{t('hub.ownFingerprint')}</dt>
          <dd>{hub.fingerprint ? <code className="wrap">{groupedFingerprint(hub.fingerprint)}</code> : t('hub.notStarted')}</dd>
        </div>
        <div>
          <dt>{t('hub.service')}</dt>
          {/* The address alone looked like a working hub while `npm run hub` was stopped: say whether desks can connect. */}
          <dd data-testid="hub-running" className={hub.running ? undefined : 'hub-down'}>
            {t(hub.running ? 'hub.serviceUp' : 'hub.serviceDown')}
          </dd>
        </div>
        <div>
          <dt>{t('hub.lastBackup')}</dt>
          <dd data-testid="hub-backup">
            {hub.backup === null ? (
              // Staff words first; the exact flag, for whoever runs the hub, in a smaller hint.
              <>
                {t('hub.backupNone')}
                <small className="hint-line">{t('hub.backupNoneHint')}</small>
              </>
            ) : (
              t(hub.backup.ok ? 'hub.backupAt' : 'hub.backupFailedAt', { time: dateTime(locale, hub.backup.at), dir: hub.backup.dir })
            )}
          </dd>
        </div>
      </dl>
      {(!hub.url || !hub.fingerprint) && (
        <div className="hint" data-testid="hub-start">
          <p>{t('hub.startIntro')}</p>
          <p>
            <code className="wrap">npm run hub -- --host {t('hub.lanAddress')} --port 8443 --data-dir {hub.dataDir}</code>
          </p>
          <p>{t('hub.startNote')}</p>
        </div>
      )}
    </>
  )
}
