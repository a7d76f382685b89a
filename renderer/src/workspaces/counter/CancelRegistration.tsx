import { useState, type ReactNode } from 'react'
import type { Output } from '../../../../electron/contract'
import { call } from '../../api'
import { ReasonDialog } from '../../components/ReasonDialog'
import { useI18n } from '../../i18n'

type Row = Output<'registration.today'>[number]

/**
 * Cancelling a registration from today's list (the counter, with a reason): `open(row)` asks for the confirmation,
 * `dialog` renders it (put it anywhere on the page), `onDone` runs after core accepted the cancellation (reload the
 * list). Core decides what goes out: nothing when PCare had not received the pendaftaran yet, else DELETE pendaftaran
 * and antrean/batal behind it (core/clinic/corrections.ts).
 */
export function useCancelRegistration(onDone: (noRawat: string) => void): { open: (row: Row) => void; dialog: ReactNode; done: string | null } {
  const { t } = useI18n()
  const [row, setRow] = useState<Row | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const dialog = row && (
    <ReasonDialog
      key={row.noRawat}
      title={t('corr.cancelTitle', { noRawat: row.noRawat })}
      confirmLabel={t('corr.cancelConfirm')}
      onConfirm={async (reason) => {
        await call('registration.cancel', { noRawat: row.noRawat, reason, version: row.version })
        setDone(row.noRawat)
        onDone(row.noRawat)
      }}
      onClose={() => setRow(null)}
    >
      <p>{t('corr.cancelBody', { nama: row.nama ?? row.noKartu, poli: row.nmPoli ?? row.kdPoli })}</p>
    </ReasonDialog>
  )
  return { open: setRow, dialog, done }
}

/**
 * The list's button, on every registration not cancelled yet. An examined one is cancelled only once the clinician has
 * deleted its kunjungan; until then core refuses and the dialog says so (the list does not know of the delete).
 */
export function CancelButton({ row, onOpen }: { row: Row; onOpen: (row: Row) => void }) {
  const { t } = useI18n()
  if (row.status === 'cancelled') return null
  return (
    <button type="button" className="link danger" onClick={() => onOpen(row)} aria-label={t('corr.cancelFor', { noRawat: row.noRawat })}>
      {t('corr.cancel')}
    </button>
  )
}
