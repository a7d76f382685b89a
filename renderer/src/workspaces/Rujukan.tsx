import type { ExaminationInput, Output } from '../../../electron/contract'
import { CodeSelect } from '../components/CodeSelect'
import { Field, when } from '../components/Field'
import { useCall } from '../hooks'
import { useI18n } from '../i18n'
import { reasonText } from '../reasons'

type Lists = Output<'reference.lists'>
type Answer = Output<'referral.faskes'>

/** What the clinician fills in; strings as typed, turned into the contract's Referral on save. */
export interface ReferralDraft {
  jenis: 'spesialis' | 'khusus'
  kdKhusus: string
  catatan: string
  kdSpesialis: string
  kdSubSpesialis: string
  kdSarana: string
  tglEstRujuk: string
  kdppk: string
  nmppk: string
  alasan: string
  dokter: string
  kdTacc: '' | '1' | '2' | '3' | '4'
  alasanTacc: string
}

export function emptyReferral(today: string): ReferralDraft {
  return { jenis: 'spesialis', kdKhusus: '', catatan: '', kdSpesialis: '', kdSubSpesialis: '', kdSarana: '', tglEstRujuk: today, kdppk: '', nmppk: '', alasan: '', dokter: '', kdTacc: '', alasanTacc: '' }
}

/** A spesialis referral names a sub-spesialis; so do the khusus kinds the core marks (thalasemia, hemofili). */
export function needsSub(d: ReferralDraft, lists: Lists | null): boolean {
  return d.jenis === 'spesialis' || Boolean(lists?.khusus.find((k) => k.kdKhusus === d.kdKhusus)?.subSpesialis)
}

export function toReferral(d: ReferralDraft, withSub: boolean): NonNullable<ExaminationInput['rujukan']> {
  const khusus = d.jenis === 'khusus'
  return {
    kdppk: d.kdppk.trim().toUpperCase(),
    nmppk: d.nmppk.trim(),
    kdSpesialis: d.kdSpesialis || undefined,
    kdSubSpesialis: (withSub && d.kdSubSpesialis) || undefined,
    kdSarana: (!khusus && d.kdSarana) || undefined,
    kdKhusus: (khusus && d.kdKhusus) || undefined,
    catatan: khusus ? d.catatan : undefined,
    tglEstRujuk: d.tglEstRujuk,
    alasan: d.alasan,
    dokter: d.dokter,
    tacc: !khusus && d.kdTacc ? { kdTacc: Number(d.kdTacc) as 1 | 2 | 3 | 4, alasanTacc: d.alasanTacc } : undefined,
  }
}

/** PCare's fixed TACC reasons (free text only for Complication, where the complicating diagnosis is named). */
const TIME = ['< 3 Hari', '>= 3 - 7 Hari', '>= 7 Hari']
const AGE = ['< 1 Bulan', '>= 1 Bulan s/d < 12 Bulan', '>= 1 Tahun s/d < 5 Tahun', '>= 5 Tahun s/d < 12 Tahun', '>= 12 Tahun s/d < 55 Tahun', '>= 55 Tahun']
const taccReasons = (kd: ReferralDraft['kdTacc']): string[] | null => (kd === '1' || kd === '4' ? TIME : kd === '2' ? AGE : null)

/**
 * Vertical referral: spesialis → sub-spesialis → sarana from the offline lists, then the receiving hospitals PCare
 * offers for that choice and date (live, or the last answer with its time when PCare is down). Choosing one fills
 * the provider code; the code can also be typed when nothing can be looked up.
 */
export function ReferralFields({
  lists,
  value,
  onChange,
  fe,
  needsTacc,
  firstDiagnosis,
  noKartu,
}: {
  lists: Lists | null
  value: ReferralDraft
  onChange: (v: ReferralDraft) => void
  fe: (field: string) => string | undefined
  /** A chosen diagnosis is non-spesialistik: PCare then requires TACC. */
  needsTacc: boolean
  firstDiagnosis: string
  /** The khusus lookup is per patient. */
  noKartu: string
}) {
  const { t, locale } = useI18n()
  const set = (patch: Partial<ReferralDraft>) => onChange({ ...value, ...patch })
  const spesialis = lists?.spesialis ?? []
  const subs = spesialis.find((s) => s.kdSpesialis === value.kdSpesialis)?.sub ?? []

  const khusus = value.jenis === 'khusus'
  const withSub = needsSub(value, lists)
  const complete = (khusus ? Boolean(value.kdKhusus) : true) && (!withSub || Boolean(value.kdSubSpesialis))
  // Ask as soon as the choice is complete: the clinician keeps typing while PCare answers (the last answer stays
  // meanwhile). A failed lookup shows its reason instead of a list.
  const query = !complete || !/^\d{4}-\d{2}-\d{2}$/.test(value.tglEstRujuk)
    ? null
    : khusus
      ? { kdKhusus: value.kdKhusus, kdSubSpesialis: withSub ? value.kdSubSpesialis : undefined, noKartu, tglEstRujuk: value.tglEstRujuk }
      : { kdSubSpesialis: value.kdSubSpesialis, kdSarana: value.kdSarana || undefined, tglEstRujuk: value.tglEstRujuk }
  const lookup = useCall('referral.faskes', query, { keepPrevious: true })
  const answer: Answer | null = lookup.error ? null : (lookup.value ?? null)
  const lookupError = lookup.error?.message
  const busy = lookup.loading

  const reasons = taccReasons(value.kdTacc)
  return (
    <fieldset className="wide referral" aria-labelledby="rj-legend">
      <legend id="rj-legend">{t('exam.rujukan')}</legend>
      <div className="referral-kind" role="radiogroup" aria-label={t('exam.rj.jenis')}>
        {(['spesialis', 'khusus'] as const).map((j) => (
          <label key={j} className="radio">
            <input type="radio" name="rj-jenis" value={j} checked={value.jenis === j} onChange={() => set({ jenis: j, kdppk: '', nmppk: '' })} /> {t(`exam.rj.jenis.${j}`)}
          </label>
        ))}
      </div>
      <div className="referral-grid">
        {khusus && (
          <Field id="rj-khusus" name="rujukan.kdKhusus" label={t('exam.rj.khusus')}>
            <CodeSelect options={lists?.khusus ?? null} code={(k) => k.kdKhusus} text={(k) => k.nmKhusus} value={value.kdKhusus} onChange={(kdKhusus) => set({ kdKhusus, kdppk: '', nmppk: '' })} empty="—" />
          </Field>
        )}
        {withSub && (
          <>
            <Field id="rj-spesialis" name="rujukan.kdSpesialis" label={t('exam.rj.spesialis')}>
              <CodeSelect
                options={lists ? spesialis : null}
                code={(s) => s.kdSpesialis}
                text={(s) => s.nmSpesialis}
                value={value.kdSpesialis}
                onChange={(kdSpesialis) => set({ kdSpesialis, kdSubSpesialis: '', kdppk: '', nmppk: '' })}
                empty="—"
              />
            </Field>
            <Field id="rj-sub" name="rujukan.kdSubSpesialis" label={t('exam.rj.subSpesialis')}>
              <CodeSelect
                options={subs}
                code={(s) => s.kdSubSpesialis}
                text={(s) => s.nmSubSpesialis}
                value={value.kdSubSpesialis}
                disabled={!subs.length}
                onChange={(kdSubSpesialis) => set({ kdSubSpesialis, kdppk: '', nmppk: '' })}
                empty="—"
              />
            </Field>
          </>
        )}
        {!khusus && (
          <Field id="rj-sarana" name="rujukan.kdSarana" label={t('exam.rj.sarana')}>
            <CodeSelect options={lists?.sarana ?? null} code={(s) => s.kdSarana} text={(s) => s.nmSarana} value={value.kdSarana} onChange={(kdSarana) => set({ kdSarana })} empty={t('exam.rj.noSarana')} />
          </Field>
        )}
        <Field id="rj-tglEstRujuk" name="rujukan.tglEstRujuk" label={t('exam.rj.tglEstRujuk')} error={fe('rujukan.tglEstRujuk') ?? fe('tglEstRujuk')}>
          <input type="date" value={value.tglEstRujuk} onChange={(e) => set({ tglEstRujuk: e.target.value })} />
        </Field>
      </div>
      {!spesialis.length && <p className="hint">{t('exam.rj.noLists')}</p>}

      {complete && (
        <div className="faskes-rujukan" aria-busy={busy}>
          {answer && (
            <p className={answer.source === 'live' ? 'source live' : 'source cached'} data-testid="rujukan-source">
              {answer.source === 'live'
                ? t('exam.rj.live', { n: answer.list.length })
                : answer.refused
                  ? t('exam.rj.refused')
                  : answer.source === 'cache' && answer.checkedAt
                    ? t('exam.rj.cached', { time: when(locale, answer.checkedAt), tgl: answer.tglEstRujuk ?? '' })
                    : t('exam.rj.none')}
            </p>
          )}
          {/* Why the list is not live: "not reachable" and "PCare refused the request" call for different actions. */}
          {answer && answer.source !== 'live' && answer.error && (
            <p className="muted" data-testid="rujukan-error">
              {/* A refusal is PCare's own words; anything else is said in the page's language. */}
              {answer.refused ? answer.error : reasonText(locale, answer.errorCode, answer.error)}
            </p>
          )}
          {lookupError && <p className="field-error">{lookupError}</p>}
          {answer && answer.list.length > 0 && (
            <div role="radiogroup" aria-label={t('exam.rj.choose')} className="faskes-list">
              {answer.list.map((f) => (
                <label key={f.kdppk} className={value.kdppk === f.kdppk ? 'faskes current' : 'faskes'}>
                  <input type="radio" name="rj-faskes" value={f.kdppk} checked={value.kdppk === f.kdppk} onChange={() => set({ kdppk: f.kdppk, nmppk: f.nmppk })} />
                  <span className="pick-name">
                    {f.nmppk} <span className="muted">({f.kdppk})</span>
                  </span>
                  <span className="muted">
                    {[
                      f.kelas ? t('exam.rj.kelas', { kelas: f.kelas }) : null,
                      f.distance !== null ? `${(f.distance / 1000).toFixed(1)} km` : null,
                      f.jadwal,
                      f.kapasitas !== null ? t('exam.rj.kapasitas', { jml: f.jmlRujuk ?? 0, kapasitas: f.kapasitas, persen: f.persentase ?? 0 }) : null,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </label>
              ))}
            </div>
          )}
          <button type="button" className="secondary" disabled={busy} onClick={lookup.reload}>
            {t('exam.rj.retry')}
          </button>
        </div>
      )}

      <div className="referral-grid">
        <Field id="rj-kdppk" name="rujukan.kdppk" label={t('exam.rj.kdppk')} hint={t('exam.rj.kdppkHint')}>
          <input value={value.kdppk} onChange={(e) => set({ kdppk: e.target.value })} />
        </Field>
        <Field id="rj-nmppk" name="rujukan.nmppk" label={t('exam.rj.nmppk')}>
          <input value={value.nmppk} onChange={(e) => set({ nmppk: e.target.value })} />
        </Field>
        <Field id="rj-alasan" name="rujukan.alasan" label={t('exam.rj.alasan')}>
          <input value={value.alasan} onChange={(e) => set({ alasan: e.target.value })} />
        </Field>
        <Field id="rj-dokter" name="rujukan.dokter" label={t('exam.rj.dokter')}>
          <input value={value.dokter} onChange={(e) => set({ dokter: e.target.value })} />
        </Field>
        {khusus && (
          <Field id="rj-catatan" name="rujukan.catatan" label={t('exam.rj.catatan')}>
            <input value={value.catatan} onChange={(e) => set({ catatan: e.target.value })} />
          </Field>
        )}
      </div>

      {!khusus && (needsTacc || value.kdTacc || fe('rujukan.tacc')) && (
        <div className="referral-grid">
          <Field id="rj-tacc" name="rujukan.tacc" label={t('exam.rj.tacc')} hint={needsTacc ? t('exam.rj.taccHint') : undefined}>
            <select
              value={value.kdTacc}
              onChange={(e) => {
                const kd = e.target.value as ReferralDraft['kdTacc']
                set({ kdTacc: kd, alasanTacc: kd === '3' ? firstDiagnosis : (taccReasons(kd)?.[0] ?? '') })
              }}
            >
              <option value="">—</option>
              <option value="1">{t('exam.rj.tacc1')}</option>
              <option value="2">{t('exam.rj.tacc2')}</option>
              <option value="3">{t('exam.rj.tacc3')}</option>
              <option value="4">{t('exam.rj.tacc4')}</option>
            </select>
          </Field>
          {value.kdTacc && (
            <Field id="rj-alasanTacc" name="rujukan.tacc.alasanTacc" label={t('exam.rj.alasanTacc')}>
              {reasons ? (
                <select value={value.alasanTacc} onChange={(e) => set({ alasanTacc: e.target.value })}>
                  {reasons.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              ) : (
                <input value={value.alasanTacc} onChange={(e) => set({ alasanTacc: e.target.value })} />
              )}
            </Field>
          )}
        </div>
      )}
    </fieldset>
  )
}
