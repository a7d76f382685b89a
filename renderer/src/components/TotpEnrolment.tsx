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
            <code data-testid={testId}>{secret}</code>
          </dd>
        </div>
        <div>
          <dt>{t('auth.uri')}</dt>
          <dd>
            <code className="wrap">{otpauthUri}</code>
          </dd>
        </div>
      </dl>
    </div>
  )
}
