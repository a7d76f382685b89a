/**
 * The benches' simulators as remotes: each PCare or SATUSEHAT simulator runs in a child process of its own (this file
 * with `--sim pcare|satusehat`, forked under the same loader, tsx), so its crypto or Medplum validation does not share
 * the engine's event loop and the bench times the workstation (they still share the machine's cores). The child
 * answers over the IPC channel: its addresses once listening, then the report asked for, which ends with the CPU time
 * the simulator spent (user + system, seconds).
 * Used by bench/sync-catchup.ts and bench/ledger-batch.ts.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { simulator, type QueuedVisit } from '../test/sync/harness'
import { satusehatReport, satusehatSimulator } from '../test/sync/satusehat'
import type { Simulator } from '../tools/pcare-sim/server'
import type { SatusehatSimulator } from '../tools/satusehat-sim/server'

/** What the bench needs of each simulator kind: its addresses and fake credentials. */
export interface SimRemotes {
  pcare: Pick<Simulator, 'pcareBaseUrl' | 'antreanBaseUrl' | 'credentials'>
  satusehat: Pick<SatusehatSimulator, 'authBase' | 'fhirBase' | 'kfaBase' | 'credentials'>
}

/** Messages child → bench: its remote's addresses once listening, then the report asked for. */
type ChildMessage = { ready: SimRemotes[keyof SimRemotes] } | { report: string }

/** CPU seconds this process has used so far (user + system). */
function cpuSecs(): string {
  const u = process.cpuUsage()
  return ((u.user + u.system) / 1e6).toFixed(1)
}

/** Child side: one simulator on a free loopback port until the bench asks for its report and closes it. */
async function simChild(kind: string): Promise<void> {
  const send = (m: ChildMessage): void => void process.send?.(m)
  if (kind === 'pcare') {
    const sim = await simulator()
    send({ ready: { pcareBaseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, credentials: sim.credentials } })
    process.on('message', (m: { report?: true; close?: true }) => {
      if (m.report) {
        const st = sim.state()
        send({ report: `pendaftaran ${st.pendaftaran.length}, kunjungan ${st.kunjungan.length}, tindakan ${st.tindakan.length}, obat ${st.obat.length}; CPU ${cpuSecs()} s` })
      }
      if (m.close) void sim.close().then(() => process.exit(0))
    })
  } else {
    const ssim = await satusehatSimulator()
    send({ ready: { authBase: ssim.authBase, fhirBase: ssim.fhirBase, kfaBase: ssim.kfaBase, credentials: ssim.credentials } })
    process.on('message', (m: { report?: QueuedVisit[]; close?: true }) => {
      if (m.report) {
        const c = ssim.state().counts
        const r = satusehatReport(ssim, m.report)
        send({ report: `created ${JSON.stringify(c.created)}, token calls ${c.tokenCalls}; visits missing ${r.losses}, identifiers held twice ${r.duplicates}; CPU ${cpuSecs()} s` })
      }
      if (m.close) void ssim.close().then(() => process.exit(0))
    })
  }
}

/** A simulator child, answering over the IPC channel. */
export interface SimChild<R> {
  remote: R
  /** The simulator's counts (SATUSEHAT's checked against `list`) and its CPU time. */
  report(list?: QueuedVisit[]): Promise<string>
  close(): Promise<void>
}

/** Forks this file as a `kind` simulator and resolves once it listens. */
export function startChild<K extends keyof SimRemotes>(kind: K): Promise<SimChild<SimRemotes[K]>> {
  const child: ChildProcess = fork(__filename, ['--sim', kind], { stdio: 'inherit' })
  const next = (): Promise<ChildMessage> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`${kind} simulator exited (${code})`))
      child.once('exit', onExit)
      child.once('message', (m) => {
        child.off('exit', onExit)
        resolve(m as ChildMessage)
      })
    })
  return next().then((m) => {
    if (!('ready' in m)) throw new Error(`${kind} simulator: unexpected first message`)
    return {
      remote: m.ready as SimRemotes[K],
      async report(list) {
        const answer = next()
        child.send({ report: list ?? true })
        const r = await answer
        if (!('report' in r)) throw new Error(`${kind} simulator: no report`)
        return r.report
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.send({ close: true })
        }),
    }
  })
}

if (process.argv[2] === '--sim') {
  simChild(process.argv[3] ?? '').catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err)
    process.exit(1)
  })
}
