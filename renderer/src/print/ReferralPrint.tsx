import { useEffect, useState, type ReactNode } from 'react'
import type { PrintReferral } from '../../../electron/contract'
import { useCall } from '../hooks'
import { useI18n, type Translate } from '../i18n'
import { longDate } from './format'
import { PrintDialog, usePrintData } from './PrintDialog'

/**
 * "Cetak surat rujukan" for a saved examination: shown only when the visit was saved with a referral (the letter's
 * data is read from SQLite first; a visit without one shows nothing). The button and Ctrl+P open the print preview.
 */
export function ReferralPrintButton({ noRawat }: { noRawat: string }) {
  const { t } = useI18n()
  // NOT_FOUND here means "no referral on this visit": nothing to print, so nothing to show (the error is not shown).
  const data = useCall('print.rujukan', { noRawat }).value
  const [open, setOpen] = useState(false)
  useEffect(() => {
    if (!data) return
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'p') return
      e.preventDefault()
      setOpen(true)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [data])
  if (!data) return null
  return (
    <>
      <button type="button" className="secondary" aria-keyshortcuts="Control+P" onClick={() => setOpen(true)}>
        {t('print.rujukanButton')} <kbd>Ctrl+P</kbd>
      </button>
      {open && <ReferralPrint noRawat={noRawat} onClose={() => setOpen(false)} />}
    </>
  )
}

/** The surat rujukan of `noRawat`'s saved examination in a print preview, read from SQLite again when it opens. */
function ReferralPrint({ noRawat, onClose }: { noRawat: string; onClose: () => void }) {
  const { t } = useI18n()
  const { data, error } = usePrintData('print.rujukan', noRawat)
  return (
    <PrintDialog kind="rujukan" title={t('print.rujukanTitle', { noRawat })} ready={data !== null} error={error} onClose={onClose}>
      {() => data && <Letter data={data} />}
    </PrintDialog>
  )
}

/** PCare's TACC kinds (kdTacc 1–4), named as PCare names them. */
const TACC: Record<number, string> = { 1: 'Time', 2: 'Age', 3: 'Complication', 4: 'Comorbidity' }

const named = (c: { kode: string; nama: string | null } | null) => (c ? (c.nama ? `${c.nama} (${c.kode})` : c.kode) : null)

function age(t: Translate, umur: PrintReferral['patient']['umur']): string | null {
  if (!umur) return null
  if (umur.tahun === 0) return t('rujukan.umurBulan', { n: umur.bulan })
  return t('rujukan.umurTahun', { n: umur.tahun })
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  )
}

/**
 * The FKTP referral letter in the layout FKTP letters printed from PCare follow: the referral number (PCare's
 * noKunjungan) and the referring faskes, the addressee (sub-spesialis or khusus service at the receiving PPK), the
 * patient's identity, diagnoses with ICD-10 codes, the reason (and TACC), the planned date, and the referring doctor.
 */
function Letter({ data }: { data: PrintReferral }) {
  const { t, locale } = useI18n()
  const p = data.patient
  const kepada = data.khusus
    ? t('rujukan.kepadaKhusus', { layanan: named(data.khusus)! })
    : t('rujukan.kepadaSpesialis', { spesialis: named(data.subSpesialis) ?? named(data.spesialis) ?? '—' })
  const born = p.tglLahir ? longDate(locale, p.tglLahir) : '—'
  const umur = age(t, p.umur)
  return (
    <article className="letter" aria-label={t('rujukan.heading')}>
      <header className="print-head">
        <p className="print-faskes">{data.faskesAsal.name}</p>
        <p>{data.faskesAsal.kdPPK ? t('print.kdPPK', { kdPPK: data.faskesAsal.kdPPK }) : t('rujukan.kdPPKUnset')}</p>
      </header>
      <h3 className="print-title">{t('rujukan.heading')}</h3>
      <table className="print-facts">
        <tbody>
          <Row label={t('rujukan.noRujukan')}>
            <span data-testid="rujukan-no">{data.noKunjungan ?? t('rujukan.noRujukanWaiting')}</span>
          </Row>
          <Row label={t('rujukan.noRawat')}>{data.noRawat}</Row>
          <Row label={t('rujukan.tglKunjungan')}>
            {longDate(locale, data.tglKunjungan)}
            {data.nmPoli && ` · ${t('rujukan.poli', { poli: data.nmPoli })}`}
          </Row>
        </tbody>
      </table>
      <table className="print-facts letter-to">
        <tbody>
          <Row label={t('rujukan.kepada')}>{kepada}</Row>
          <Row label={t('rujukan.di')}>
            {data.tujuan.nmppk} ({data.tujuan.kdppk})
            {data.tujuan.alamat && <span className="letter-addr">{[data.tujuan.alamat, data.tujuan.telp].filter(Boolean).join(' · ')}</span>}
          </Row>
          {data.spesialis && <Row label={t('rujukan.spesialis')}>{[named(data.spesialis), named(data.subSpesialis)].filter(Boolean).join(' / ')}</Row>}
          {data.sarana && <Row label={t('rujukan.sarana')}>{named(data.sarana)}</Row>}
          {data.khusus?.catatan && <Row label={t('rujukan.catatan')}>{data.khusus.catatan}</Row>}
        </tbody>
      </table>
      <p>{t('rujukan.mohon')}</p>
      <table className="print-facts">
        <tbody>
          <Row label={t('rujukan.nama')}>{p.nama ?? '—'}</Row>
          <Row label={t('rujukan.noKartu')}>{p.noKartu}</Row>
          <Row label={t('rujukan.tglLahir')}>{umur ? `${born} (${umur})` : born}</Row>
          <Row label={t('rujukan.sex')}>{p.sex === 'L' || p.sex === 'P' ? t(`rujukan.sex.${p.sex}`) : '—'}</Row>
          <Row label={t('rujukan.diagnosa')}>
            <ol className="letter-diag">
              {data.diagnoses.map((d) => (
                <li key={d.kdDiag}>
                  {d.kdDiag} — {d.nmDiag}
                </li>
              ))}
            </ol>
          </Row>
          <Row label={t('rujukan.alasan')}>{data.alasan}</Row>
          {data.tacc && (
            <Row label="TACC">
              {TACC[data.tacc.kdTacc] ?? data.tacc.kdTacc} — {data.tacc.alasanTacc}
            </Row>
          )}
          <Row label={t('rujukan.tglRencana')}>{longDate(locale, data.tglEstRujuk)}</Row>
        </tbody>
      </table>
      <p>{t('rujukan.terimaKasih')}</p>
      <div className="letter-sign">
        <p>{longDate(locale, data.writtenAt)}</p>
        <p>{t('rujukan.salam')}</p>
        <p className="letter-sign-name">{data.dokter}</p>
        <p className="letter-role">{t('rujukan.dokterPerujuk')}</p>
      </div>
    </article>
  )
}
