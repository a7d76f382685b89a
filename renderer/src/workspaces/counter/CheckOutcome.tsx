import { useEffect } from 'react'
import type { PatientCheck } from '../../../../electron/contract'
import { when } from '../../components/Field'
import { useI18n, type MessageKey } from '../../i18n'
import { LEDGER_PROBLEM_COUNTER } from '../../ledger-words'
import { ageOf, pcareReason } from './rules'

/** The outcome kinds the page names in words (data-outcome on the panel, one headline each). */
type Outcome = 'notFound' | 'inactive' | 'active' | 'offlineUnknown'

const LEDGER_WORDS: Record<string, MessageKey> = {
  ACTIVE: 'counter.ledger.ACTIVE',
  SUSPENDED: 'counter.ledger.SUSPENDED',
  REPLACED: 'counter.ledger.REPLACED',
  NOT_RECORDED: 'counter.ledger.NOT_RECORDED',
}

/** Rupiah with Indonesian grouping (Rp 350.000) in both languages: it is the amount PCare states. */
const rupiah = (n: number) => `Rp ${n.toLocaleString('id-ID')}`

/**
 * The card check, said in words a clerk reads at a glance: one headline (not found, inactive with PCare's reason,
 * active, offline and never seen), arrears, where the answer came from and when, then the card's facts.
 */
export function CheckOutcome({ query, kind, check }: { query: string; kind: 'noKartu' | 'nik' | null; check: PatientCheck }) {
  const { t, locale } = useI18n()
  const p = check.patient
  useEffect(() => {
    performance.mark('faskes:status-shown')
  }, [check])
  const outcome: Outcome = check.notFound ? 'notFound' : !p ? 'offlineUnknown' : p.aktif === false ? 'inactive' : 'active'
  const byNik = kind === 'nik'
  // A desk answering from its own copy (its hub is away) names the hub, not PCare, and says the work stays here.
  const hubAway = check.fromDesk === true
  const headline =
    outcome === 'notFound'
      ? t(byNik ? 'counter.notFoundNik' : 'counter.notFoundCard', { no: query })
      : outcome === 'offlineUnknown'
        ? t(hubAway ? (byNik ? 'counter.offlineUnknownNikHub' : 'counter.offlineUnknownCardHub') : byNik ? 'counter.offlineUnknownNik' : 'counter.offlineUnknownCard')
        : outcome === 'inactive'
          ? pcareReason(p?.ketAktif ?? null)
            ? t('counter.inactive', { ket: pcareReason(p?.ketAktif ?? null)! })
            : t('counter.inactiveNoReason')
          : t('counter.active')
  const hint =
    outcome === 'notFound'
      ? t('counter.notFoundHint')
      : outcome === 'offlineUnknown'
        ? t(byNik ? 'counter.offlineUnknownNikHint' : hubAway ? 'counter.offlineUnknownCardHubHint' : 'counter.offlineUnknownCardHint')
        : outcome === 'inactive'
          ? t('counter.inactiveHint')
          : null
  const tone = outcome === 'active' ? 'ok' : outcome === 'offlineUnknown' ? 'warn' : 'bad'
  const age = p ? ageOf(p.tglLahir) : null
  return (
    <section className="card eligibility" aria-labelledby="elig-title" data-testid="eligibility" data-outcome={outcome}>
      <h2 id="elig-title">{t('pendaftaran.statusTitle')}</h2>
      <p className={`outcome outcome-${tone}`} role="status" data-testid="check-outcome">
        <strong>{headline}</strong>
        {hint && <span className="outcome-hint"> {hint}</span>}
      </p>
      {p && typeof p.tunggakan === 'number' && p.tunggakan > 0 && (
        <p className="outcome outcome-warn" data-testid="arrears">
          <strong>{t('counter.arrears', { amount: rupiah(p.tunggakan) })}</strong> <span className="outcome-hint">{t('counter.arrearsHint')}</span>
        </p>
      )}
      {check.registeredToday.length > 0 && (
        <p className="outcome outcome-warn" data-testid="registered-today">
          <strong>
            {t('counter.registeredToday', { visits: check.registeredToday.map((r) => `${r.nmPoli ?? r.kdPoli} (${r.noRawat})`).join(', ') })}
          </strong>
        </p>
      )}
      {/* The technical cause (e.g. connection refused) is for support; the sentence says what it means here. */}
      <p className={check.source === 'live' ? 'source live' : 'source cached'} data-testid="source" title={check.pcareError ?? undefined}>
        {check.source === 'live'
          ? t('counter.sourceLive', { time: when(locale, check.checkedAt ?? Date.now()) })
          : check.source === 'cache' && check.checkedAt
            ? t(hubAway ? 'counter.cachedAtHub' : 'pendaftaran.cachedAt', { time: when(locale, check.checkedAt) })
            : t(hubAway ? 'counter.sourceNoneHub' : 'counter.sourceNone')}
      </p>
      {p && (
        <dl className="facts">
          <div>
            <dt>{t('pendaftaran.nama')}</dt>
            <dd data-testid="nama">{p.nama}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.cardStatus')}</dt>
            <dd>
              <span className={p.aktif ? 'badge badge-ok' : 'badge badge-bad'} data-testid="card-status">
                {t(p.aktif ? 'counter.badgeActive' : 'counter.badgeInactive')}
              </span>
            </dd>
          </div>
          {p.aktif === false && pcareReason(p.ketAktif) && (
            <div>
              <dt>{t('counter.ketAktif')}</dt>
              <dd data-testid="ket-aktif">{pcareReason(p.ketAktif)}</dd>
            </div>
          )}
          <div>
            <dt>{t('pendaftaran.noKartu')}</dt>
            <dd>{p.noKartu}</dd>
          </div>
          <div>
            <dt>{t('counter.tglLahir')}</dt>
            <dd>
              {p.tglLahir ?? '—'}
              {age && <span className="muted"> ({t(`counter.age.${age.unit}`, { n: age.n })})</span>}
            </dd>
          </div>
          <div>
            <dt>{t('counter.sex')}</dt>
            <dd>{p.sex === 'L' ? t('counter.sex.L') : p.sex === 'P' ? t('counter.sex.P') : '—'}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.jnsPeserta')}</dt>
            <dd>{[p.jnsPeserta, p.jnsKelas].filter(Boolean).join(' · ') || '—'}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.provider')}</dt>
            <dd>{[p.kdProvider, p.nmProvider].filter(Boolean).join(' ') || '—'}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.ledger')}</dt>
            <dd data-testid="ledger-status">
              {check.ledger.status
                ? LEDGER_WORDS[check.ledger.status]
                  ? t(LEDGER_WORDS[check.ledger.status])
                  : check.ledger.status
                : check.ledger.error
                  ? t(LEDGER_PROBLEM_COUNTER[check.ledger.problem ?? 'OTHER'])
                  : t('pendaftaran.ledgerUnknown')}
              <span className="muted">
                {' '}
                {check.ledger.source === 'live' ? t('pendaftaran.ledgerLive') : check.ledger.checkedAt ? t(hubAway ? 'counter.ledgerCachedHub' : 'pendaftaran.cachedAt', { time: when(locale, check.ledger.checkedAt) }) : ''}
              </span>
            </dd>
          </div>
        </dl>
      )}
    </section>
  )
}
