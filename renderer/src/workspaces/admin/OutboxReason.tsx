import type { Output } from '../../../../electron/contract'
import { useI18n } from '../../i18n'
import { pcareWords, reasonText, remoteWords, satusehatWords } from '../../reasons'

type OutboxRow = Output<'outbox.list'>[number]

/**
 * The admin's reason cell: PCare's own words first (what it refused and why, as PCare said it), then our explanation
 * and the code; for a job queued behind another, which one it waits for and that one's words.
 */
export function OutboxReason({ row }: { row: OutboxRow }) {
  const { t, locale } = useI18n()
  const words = row.target === 'pcare' ? pcareWords(row.lastErrorCode, row.lastErrorMessage) : row.target === 'satusehat' ? satusehatWords(row.lastErrorCode, row.lastErrorMessage) : null
  const b = row.blockedBy
  // A blocker's message is quoted only when it is the remote's words (see unsentReason); else its code is worded.
  const blockerWords = b && remoteWords(row.target, b.lastErrorCode, b.lastErrorMessage)
  return (
    <>
      {words && (
        <p className="remote-words" data-testid={row.target === 'satusehat' ? 'satusehat-words' : 'pcare-words'}>
          <strong>{t(row.target === 'satusehat' ? 'admin.satusehatSays' : 'admin.pcareSays')}</strong> “{words}”
        </p>
      )}
      {(row.lastErrorCode || !b) && (
        <span className={words ? 'muted' : undefined}>
          {reasonText(locale, row.lastErrorCode, row.lastErrorMessage)}
          {row.lastErrorCode && ` (${row.lastErrorCode})`}
        </span>
      )}
      {b && (
        <p data-testid="blocked-by">
          {b.status !== 'failed_permanent'
            ? t('admin.waitsFor', { id: b.id, operation: b.operation })
            : blockerWords
              ? t('admin.waitsRefused', { id: b.id, operation: b.operation, message: blockerWords })
              : t('admin.waitsHeld', { id: b.id, operation: b.operation, reason: reasonText(locale, b.lastErrorCode, b.lastErrorMessage) })}
        </p>
      )}
    </>
  )
}
