import { useCallback, useEffect, useState } from 'react'
import type { AppInfo, SyncStatus } from '../../electron/contract'
import { call, type ApiError } from './api'
import { FirstRun, LoginScreen, type Me, type SessionUser } from './Auth'
import { PendingStep } from './Pending'
import { StatusBar } from './components/StatusBar'
import { DeskSettleContext, useDeskSettleCount } from './desk-settle'
import { SessionLock } from './Lock'
import { useCall } from './hooks'
import { I18nProvider, translator, useI18n } from './i18n'
import { setPreferredLocale, usePreferredLocale } from './preferred-locale'
import { ReferenceStampProvider } from './reference'
import { allowedWorkspaces, hrefOf, parseHash, useWorkspace, useWorkspaceShortcuts, workspaceLabel, workspaceRoles, workspaces, type Workspace } from './router'
import { Admin } from './workspaces/admin'
import { Pemeriksaan } from './workspaces/Pemeriksaan'
import { Pendaftaran } from './workspaces/Pendaftaran'
import { Pengaturan } from './workspaces/Pengaturan'

const SYNC_POLL_MS = 2000

export function App() {
  const meCall = useCall('auth.me', {})
  // Signing in or out changes who is signed in here without asking core again; until then core's answer holds.
  const [signedInAs, setMe] = useState<Me | null>(null)
  // Why the last session ended, when the sign-in screen should say so (Lock.tsx onEnded; a hub desk's session).
  const [loginNotice, setLoginNotice] = useState<ApiError | null>(null)
  const me = signedInAs ?? meCall.value
  // app.info (facility name, kdPPK) answers signed-in users only; the sign-in screen speaks auth.me's locale.
  const infoCall = useCall('app.info', me?.user ? {} : null)
  const info = infoCall.value
  const { reload: reloadInfo } = infoCall
  const { reload: reloadMe } = meCall
  // Retry after a failed boot, and re-read after settings were saved (the facility's name, the locale).
  const loadInfo = useCallback(() => {
    reloadInfo()
    reloadMe()
  }, [reloadInfo, reloadMe])
  // While either is being asked (again) the boot screen says so; a failure shows once nothing is pending.
  const loadError = infoCall.loading || meCall.loading ? undefined : (infoCall.error ?? meCall.error)
  // Signed in, the faskes setting; before sign-in, the language chosen (or last spoken) on this PC, else core's.
  const preferred = usePreferredLocale()
  const locale = info?.locale ?? preferred ?? me?.locale
  useEffect(() => {
    if (locale) document.documentElement.lang = locale
  }, [locale])
  // The next sign-in screen on this PC speaks what the app last spoke (a language saved in Pengaturan included).
  useEffect(() => {
    if (info) setPreferredLocale(info.locale)
  }, [info])

  const signedIn = (user: SessionUser) => {
    setLoginNotice(null)
    setMe({ user, setupRequired: false, setupCodeRequired: false, locale: me?.locale ?? 'id' })
    // Land on the first workspace this role may use.
    const allowed = allowedWorkspaces(user.role)
    if (!allowed.includes(parseHash(window.location.hash))) window.location.hash = hrefOf(allowed[0])
  }

  if (!me || !locale || (me.user && !info)) {
    // Before auth.me (or, signed in, app.info) answers there is no locale setting yet: Bahasa Indonesia first.
    const t = translator('id')
    return (
      <main className="boot">
        {loadError ? (
          <div role="alert" className="alert">
            <p>{t('app.loadFailed', { message: loadError.message })}</p>
            {/* FORBIDDEN before any workspace is a desk the hub refuses (revoked): a full reload gets the desk shell's
                pairing form again (tools/hub/desk-shell.ts); asking the same calls again would be refused again. */}
            <button type="button" onClick={loadError.code === 'FORBIDDEN' ? () => window.location.reload() : loadInfo}>
              {t('app.retry')}
            </button>
          </div>
        ) : (
          <p>{t('app.loading')}</p>
        )}
      </main>
    )
  }
  return (
    <I18nProvider locale={locale}>
      {me.user && info && me.user.pending ? (
        // A temporary password or a new authenticator comes before any workspace (core refuses them meanwhile).
        <PendingStep user={me.user} onDone={signedIn} onSignedOut={() => setMe({ user: null, setupRequired: false, setupCodeRequired: false, locale })} />
      ) : me.user && info ? (
        <Shell
          info={info}
          user={me.user}
          onSettingsSaved={loadInfo}
          onSignedOut={(notice) => {
            setLoginNotice(notice ?? null)
            setMe({ user: null, setupRequired: false, setupCodeRequired: false, locale })
          }}
        />
      ) : me.setupRequired ? (
        <FirstRun
          onSignedIn={(user) => {
            // The language the first admin chose on the first-run screens becomes the faskes setting, so the pages
            // after it speak it too. Best effort: if core refuses, Pengaturan has the same switch.
            if (!preferred || preferred === me.locale) return signedIn(user)
            void call('settings.update', { locale: preferred })
              .catch(() => undefined)
              .finally(() => signedIn(user))
          }}
          needsCode={me.setupCodeRequired}
        />
      ) : (
        <LoginScreen onSignedIn={signedIn} notice={loginNotice?.message} />
      )}
    </I18nProvider>
  )
}

function Shell({ info, user, onSettingsSaved, onSignedOut }: { info: AppInfo; user: SessionUser; onSettingsSaved: () => void; onSignedOut: (notice?: ApiError) => void }) {
  const { t } = useI18n()
  const current = useWorkspace()
  useWorkspaceShortcuts()
  const sync = useCall('sync.status', {}, { pollMs: SYNC_POLL_MS })
  // At a desk: each time its offline work has reached the hub, the workspaces re-read and drop offline notices.
  const deskSettled = useDeskSettleCount(sync.value)
  const demoKey = info.demo.pcare && info.demo.ledger ? 'demo.both' : info.demo.pcare ? 'demo.pcare' : info.demo.ledger ? 'demo.ledger' : null

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="faskes-name">{info.faskesName}</span>
          <span className="kdppk">{info.kdPPK ? t('app.kdPPK', { kdPPK: info.kdPPK }) : t('app.kdPPKUnset')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="tabs">
            {workspaces.map((ws, i) => workspaceRoles[ws].includes(user.role) && (
              <li key={ws}>
                <a href={hrefOf(ws)} aria-current={ws === current ? 'page' : undefined} aria-keyshortcuts={`Alt+${i + 1}`}>
                  {t(workspaceLabel[ws])}
                  <kbd aria-hidden="true">{t('nav.shortcut', { n: i + 1 })}</kbd>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-box">
          <span>
            {user.username} · {t(`role.${user.role}`)}
          </span>
          <button type="button" className="secondary" onClick={() => void call('auth.logout', {}).finally(onSignedOut)}>
            {t('auth.logout')}
          </button>
        </div>
      </header>
      {(demoKey || info.demo.satusehat) && (
        <p className="demo-banner" role="note">
          {[demoKey && t(demoKey), info.demo.satusehat && t('demo.satusehat')].filter(Boolean).join(' ')}
        </p>
      )}
      <main className="content">
        {workspaceRoles[current].includes(user.role) ? (
          <ReferenceStampProvider stamp={sync.value?.referenceAt}>
            <DeskSettleContext.Provider value={deskSettled}>
              <WorkspaceView key={current} ws={current} info={info} sync={sync.value} onSettingsSaved={onSettingsSaved} />
            </DeskSettleContext.Provider>
          </ReferenceStampProvider>
        ) : (
          <section className="workspace">
            <h1 tabIndex={-1}>{t(workspaceLabel[current])}</h1>
            <p role="alert" className="alert">
              {t('auth.forbiddenWs')}
            </p>
          </section>
        )}
      </main>
      <StatusBar status={sync.value} error={sync.error} />
      <SessionLock user={user} onEnded={onSignedOut} />
    </div>
  )
}

function WorkspaceView({ ws, info, sync, onSettingsSaved }: { ws: Workspace; info: AppInfo; sync: SyncStatus | undefined; onSettingsSaved: () => void }) {
  switch (ws) {
    case 'pendaftaran':
      return <Pendaftaran />
    case 'pemeriksaan':
      return <Pemeriksaan />
    case 'admin':
      return <Admin info={info} status={sync} />
    case 'pengaturan':
      return <Pengaturan onSaved={onSettingsSaved} status={sync} />
  }
}
