import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import type { DeploymentMode } from '../../electron/contract'
import { useI18n } from './i18n'

const MODES: readonly DeploymentMode[] = ['standalone', 'hub', 'desk']

/**
 * The first question of a first run (issue 16, Deliver 1; docs/hub.md): what this PC is for. A native radio group
 * (arrows move; the chosen one has the focus) with one line under each choice; Enter or "Lanjut" goes on with the choice.
 * Standalone and hub continue to the first admin (the choice is recorded with it, auth.setup's `mode`); desk shows
 * how to start a desk instead, since a desk is another program (`npm run desk`) that keeps no data folder of its own.
 */
export function ModeChoice({ initial, onChoose }: { initial: DeploymentMode; onChoose: (mode: DeploymentMode) => void }) {
  const { t } = useI18n()
  const ref = useRef<HTMLFormElement>(null)
  const [mode, setMode] = useState<DeploymentMode>(initial)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onChoose(mode)
  }
  // Chromium does not submit a form on Enter in a radio button (only in text fields): the keyboard path is explicit.
  const enter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return
    e.preventDefault()
    ref.current?.requestSubmit()
  }
  return (
    <form ref={ref} onSubmit={submit} className="auth-form">
      <fieldset className="radios mode-choice" aria-describedby="mode-intro">
        <legend>{t('firstRun.modeLegend')}</legend>
        <p id="mode-intro" className="hint">
          {t('firstRun.modeIntro')}
        </p>
        {MODES.map((m) => (
          <div key={m} className="mode-option">
            <label className="radio">
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} onKeyDown={enter} autoFocus={m === initial} aria-describedby={`mode-${m}-hint`} />{' '}
              <strong>{t(`firstRun.mode.${m}`)}</strong>
            </label>
            <p id={`mode-${m}-hint`} className="hint">
              {t(`firstRun.modeHint.${m}`)}
            </p>
          </div>
        ))}
      </fieldset>
      <button type="submit">{t('firstRun.next')}</button>
    </form>
  )
}

/** The desk choice: what to run instead, since this program (the app or the browser shell) cannot become a desk. */
export function DeskInstructions({ onBack }: { onBack: () => void }) {
  const { t } = useI18n()
  return (
    <div data-testid="desk-instructions">
      <p>{t('firstRun.deskIntro')}</p>
      <ol>
        <li>
          {t('firstRun.deskStep1')} <code>npm run desk -- --data-dir {t('firstRun.deskFolder')}</code>
        </li>
        <li>{t('firstRun.deskStep2')}</li>
        <li>{t('firstRun.deskStep3')}</li>
      </ol>
      <button type="button" autoFocus onClick={onBack}>
        {t('firstRun.back')}
      </button>
    </div>
  )
}
