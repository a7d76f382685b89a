import type { SyncStatus } from '../../../electron/contract'
import type { ApiError } from '../api'
import { relativeTime, useI18n, type MessageKey } from '../i18n'
import { dateTime } from '../time'

type TargetStatus = SyncStatus['targets'][number]

/**
 * A faskes code that is not the certificate's comes first (the engine holds the ledger offline for it, so "offline"
 * alone would hide why); then offline; then a peer that refuses this workstation's certificate (it answers, but
 * nothing can be sent until an admin enrols again); "connected" only while the newest send did not fail (a failing
 * target is "disturbed").
 */
export const stateOf = (s: TargetStatus): 'unknown' | 'online' | 'offline' | 'failing' | 'refused' | 'mismatch' =>
  s.kdppkMismatch
    ? 'mismatch'
    : s.online === false
      ? 'offline'
      : s.identityRefusedAt !== null
        ? 'refused'
        : s.failing
          ? 'failing'
          : s.online === null
            ? 'unknown'
            : 'online'
const stateKey: Record<ReturnType<typeof stateOf>, MessageKey> = {
  unknown: 'sync.unknown',
  online: 'sync.online',
  offline: 'sync.offline',
  failing: 'sync.failing',
  refused: 'sync.identityRefused',
  mismatch: 'sync.kdppkMismatch',
}

/** Always at the bottom: one group per remote target, numbers straight from the outbox. */
export function StatusBar({ status, error }: { status: SyncStatus | undefined; error: ApiError | undefined }) {
  const { t } = useI18n()
  return (
    <footer className="status-bar" aria-label={t('sync.label')}>
      {status ? (
        <ul className="status-targets">
          {status.targets.map((s) => (
            <TargetItem key={s.target} status={s} />
          ))}
        </ul>
      ) : (
        !error && <span className="muted">{t('app.loading')}</span>
      )}
      {error && (
        <span className="status-error" role="alert">
          {t('sync.unreadable', { message: error.message })}
        </span>
      )}
    </footer>
  )
}

function TargetItem({ status }: { status: TargetStatus }) {
  const { t, locale } = useI18n()
  const name = t(`target.${status.target}`)
  const now = Date.now()
  // A lane without its organization id or credentials sends nothing: never green from an older state.
  const state = status.unconfigured ? 'unconfigured' : stateOf(status)
  const queued = status.pending + status.inFlight
  // Only a lane that can send is "sending"; offline or unconfigured, the queue waits (no progress bar); with its
  // certificate refused or of another faskes code, it waits for the workstation to be enrolled again.
  const awaitsEnrolment = state === 'refused' || state === 'mismatch'
  const stalled = state === 'offline' || state === 'unconfigured' || awaitsEnrolment
  // At a desk (core/hub/desk-node.ts) the `hub` lane says in so many words that the hub is away; what it holds waits.
  const stateText = state === 'unconfigured' ? t('sync.unconfigured') : status.target === 'hub' && state === 'offline' ? t('sync.hubOffline') : t(stateKey[state])
  return (
    <li className="status-target" aria-label={name}>
      <span className="status-name">
        <span className={`dot dot-${state}`} aria-hidden="true" />
        {name}
        <span className="status-online" data-state={state}>
          {stateText}
        </span>
        {queued > 0 &&
          (stalled ? (
            <span className="status-progress">{t(awaitsEnrolment ? 'sync.waitingEnrolment' : 'sync.waiting', { n: queued })}</span>
          ) : (
            // Indeterminate: how long draining takes depends on the remote, so only "busy" is honest.
            <span className="status-progress">
              <progress aria-label={t('sync.syncing', { n: queued })} />
              {t('sync.syncing', { n: queued })}
            </span>
          ))}
      </span>
      <dl className="status-counts">
        <div>
          <dt>{t('sync.pending')}</dt>
          <dd>{status.pending}</dd>
        </div>
        {/* While sending, "Mengirim n" above already counts these: repeating them here cut the lane at 1366 px. */}
        {status.inFlight > 0 && stalled && (
          <div>
            <dt>{t('sync.inFlight')}</dt>
            <dd>{status.inFlight}</dd>
          </div>
        )}
        {status.blocked > 0 && (
          // Queued behind a refused job: not being sent, so not part of "sending" above; an admin decides.
          <div className="has-failed" data-testid={`blocked-${status.target}`}>
            <dt>{t('sync.blocked')}</dt>
            <dd>{status.blocked}</dd>
          </div>
        )}
        <div className={status.failed > 0 ? 'has-failed' : undefined}>
          <dt>{t('sync.failed')}</dt>
          <dd>{status.failed}</dd>
        </div>
        {status.lastSuccessAt === null ? (
          // "Berhasil belum pernah" read as broken Indonesian: one plain phrase, its label kept for screen readers. At a
          // desk the hub takes most work live (offline.ts deskHubStatus counts those too): "never sent" would be untrue.
          <div>
            <dt className="sr-only">{t('sync.lastSuccess')}</dt>
            <dd>{t(status.target === 'hub' ? 'sync.hubNothingSent' : 'sync.neverSent')}</dd>
          </div>
        ) : (
          <div>
            <dt title={t('sync.lastSuccess')}>{t('sync.lastOk')}</dt>
            <dd>
              <time dateTime={new Date(status.lastSuccessAt).toISOString()} title={dateTime(locale, status.lastSuccessAt)}>
                {relativeTime(locale, status.lastSuccessAt, now)}
              </time>
            </dd>
          </div>
        )}
      </dl>
    </li>
  )
}
