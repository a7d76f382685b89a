import { useI18n } from '../i18n'
import { QrCode } from './QrCode'

/**
 * A new admin's second factor: the otpauth URI as a QR code to scan with an authenticator app, and the same secret
 * as text for typing in by hand (or when no camera is at hand). Shown once, right after the account is made.
 */
export function TotpEnrolment({ secret, otpauthUri, testId = 'totp-secret' }: { secret: string; otpauthUri: string; testId?: string }) {
  const { t } = useI18n()
  return (
    <div className="enrol">
      <QrCode text={otpauthUri} label={t('auth.qrLabel')} sizeMm={45} testId="totp-qr" />
      <dl className="facts">
        <div>
          <dt>{t('auth.secret')}</dt>
          <dd>
            {/* In blocks of four, as authenticator apps show and accept it (they ignore the spaces). */}
            <code data-testid={testId}>{secret.match(/.{1,4}/g)?.join(' ')}</code>
          </dd>
        </div>
      </dl>
      <details className="wide">
        <summary>{t('auth.uri')}</summary>
        <code className="wrap">{otpauthUri}</code>
      </details>
    </div>
  )
}
