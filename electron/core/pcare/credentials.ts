/**
 * Credentials are handed to the client by the caller as plain objects. They live in the OS keychain; nothing
 * in this module reads files or the database, so a secret can only reach the client through a CredentialSource.
 */
export interface PcareCredentials {
  consId: string
  secretKey: string
  userKey: string
  username: string
  password: string
  /** Application code in X-authorization; every known client uses '095'. */
  kdAplikasi: string
}

/**
 * Antrean FKTP uses the same signing scheme with its own user_key. Username/password are optional because
 * sources disagree on whether X-authorization is required there; it is sent only when both are present.
 */
export interface AntreanCredentials {
  consId: string
  secretKey: string
  userKey: string
  username?: string
  password?: string
  kdAplikasi?: string
}

/**
 * Where the workstation gets credentials from. The keychain-backed source (written with the credentials
 * store) implements this same interface; the CLI's `--from-env` source below is for operators on a
 * terminal and for the simulator demo.
 */
export interface CredentialSource {
  readonly description: string
  pcare(): Promise<PcareCredentials | null>
  antrean(): Promise<AntreanCredentials | null>
}

export const DEFAULT_KD_APLIKASI = '095'

/** Reads PCARE_* variables: CONS_ID, SECRET_KEY, USER_KEY, USERNAME, PASSWORD, KD_APLIKASI, ANTREAN_USER_KEY. */
export function envCredentialSource(env: NodeJS.ProcessEnv = process.env): CredentialSource {
  const pcare = (): PcareCredentials | null => {
    const { PCARE_CONS_ID, PCARE_SECRET_KEY, PCARE_USER_KEY, PCARE_USERNAME, PCARE_PASSWORD } = env
    if (!PCARE_CONS_ID || !PCARE_SECRET_KEY || !PCARE_USER_KEY || !PCARE_USERNAME || PCARE_PASSWORD === undefined) {
      return null
    }
    return {
      consId: PCARE_CONS_ID,
      secretKey: PCARE_SECRET_KEY,
      userKey: PCARE_USER_KEY,
      username: PCARE_USERNAME,
      password: PCARE_PASSWORD,
      kdAplikasi: env.PCARE_KD_APLIKASI || DEFAULT_KD_APLIKASI,
    }
  }
  return {
    description: 'environment variables PCARE_*',
    pcare: async () => pcare(),
    antrean: async () => {
      const p = pcare()
      if (!p || !env.PCARE_ANTREAN_USER_KEY) return null
      return { ...p, userKey: env.PCARE_ANTREAN_USER_KEY }
    },
  }
}

/** Names of the missing PCARE_* variables, so the CLI can say exactly what to set. */
export function missingEnvCredentials(env: NodeJS.ProcessEnv = process.env): string[] {
  return ['PCARE_CONS_ID', 'PCARE_SECRET_KEY', 'PCARE_USER_KEY', 'PCARE_USERNAME', 'PCARE_PASSWORD'].filter(
    (k) => env[k] === undefined || (k !== 'PCARE_PASSWORD' && env[k] === ''),
  )
}
