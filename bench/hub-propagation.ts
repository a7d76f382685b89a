import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createCore } from '../electron/core/app'
import { AuthService } from '../electron/core/auth'
import { HubClient, pairDesk, readDeskPairing } from '../electron/core/hub/desk'
import { createPairingCode } from '../electron/core/hub/registry'
import { startHubServer } from '../electron/core/hub/server'
import { createHandlers } from '../electron/core/ipc/handlers'
import { createLogger } from '../electron/core/log'

/**
 * Desk-to-desk propagation through the hub (issue 16, Deliver 7): `npx tsx bench/hub-propagation.ts [--desks 20]
 * [--seconds 30]`. The hub runs in a child process (its own CPU and memory are what is reported) on 127.0.0.1 with a
 * plain throwaway database and real handlers; every desk is a real paired HubClient (mTLS, pinned) in this process.
 * Each desk registers one patient per second (registration.create as a counter user); every desk holds the /events
 * long-poll and, when woken, reads registration.today. Latency = from the moment a desk starts its registration call
 * to the moment the NEXT desk's today list first contains it. Prints p50/p99/max and the hub's CPU and RSS.
 */
const args = parseArgs({ options: { desks: { type: 'string', default: '20' }, seconds: { type: 'string', default: '30' }, 'hub-child': { type: 'boolean' } } }).values

const CARD_BASE = 9_000_000_000_000

async function hubChild(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'faskes-hub-bench-'))
  const core = createCore({ dataDir: dir, version: 'bench', keychain: false })
  await new AuthService(core.db, null).createUser('loket', 'bench-password-1', 'counter')
  const insert = core.db.prepare("INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, ?, 'Bench', '0199B001', 1, 0)")
  for (let i = 0; i < 5000; i++) insert.run(String(CARD_BASE + i).padStart(13, '0'), String(3_200_000_000_000_000 + i))
  const hub = await startHubServer({ core, handlers: createHandlers(core), dataDir: dir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'error', sink: () => {} }) })
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'code') process.send?.({ kind: 'code', code: createPairingCode(core.db, hub.fingerprint).code })
    if (m.kind === 'stats') process.send?.({ kind: 'stats', cpu: process.cpuUsage(), rss: process.memoryUsage().rss, seq: hub.seq() })
    if (m.kind === 'stop') void hub.close().then(() => core.close()).then(() => (rmSync(dir, { recursive: true, force: true }), process.exit(0)))
  })
  process.send?.({ kind: 'ready', url: hub.url })
}

async function main(): Promise<void> {
  const deskCount = Number(args.desks)
  const seconds = Number(args.seconds)
  const child = fork(new URL(import.meta.url).pathname, ['--hub-child'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
  const ask = <T>(kind: string) => new Promise<T>((r) => { const on = (m: { kind: string }) => m.kind === kind && (child.off('message', on), r(m as T)); child.on('message', on); child.send({ kind }) })
  const { url } = await new Promise<{ url: string }>((r) => child.once('message', (m) => r(m as { url: string })))

  const roots = Array.from({ length: deskCount }, () => mkdtempSync(join(tmpdir(), 'faskes-desk-bench-')))
  const desks: { client: HubClient; session: string }[] = []
  for (const [i, dir] of roots.entries()) {
    const { code } = await ask<{ code: string }>('code')
    await pairDesk(dir, url, code, `Desk ${i + 1}`)
    const client = new HubClient(dir, readDeskPairing(dir)!)
    const login = await client.call('auth.login', { username: 'loket', password: 'bench-password-1' }, undefined)
    if (!login.result.ok || !login.session) throw new Error(`desk ${i + 1} could not sign in: ${JSON.stringify(login.result)}`)
    desks.push({ client, session: login.session })
  }

  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  let running = true
  // Each desk watches for the registrations of the desk before it.
  const watchers = desks.map(async (desk, i) => {
    const watched = (i + deskCount - 1) % deskCount
    const seen = new Set<string>()
    let since = 0
    while (running) {
      since = await desk.client.nextChange(since).catch(() => since)
      const today = await desk.client.call('registration.today', {}, desk.session)
      if (!today.result.ok) continue
      const now = performance.now()
      for (const row of today.result.value as { noRawat: string }[]) {
        const from = sentAt.get(`${watched}:${row.noRawat}`)
        if (from === undefined || seen.has(row.noRawat)) continue
        seen.add(row.noRawat)
        latencies.push(now - from)
      }
    }
  })
  void watchers

  const cpuBefore = await ask<{ cpu: NodeJS.CpuUsage }>('stats')
  const t0 = performance.now()
  let card = 0
  let failures = 0
  const writers = desks.map(async (desk, i) => {
    // Staggered so the 20 desks spread over each second like staff would.
    await new Promise((r) => setTimeout(r, (1000 / deskCount) * i))
    for (let s = 0; s < seconds; s++) {
      const started = performance.now()
      const noKartu = String(CARD_BASE + card++).padStart(13, '0')
      const res = await desk.client.call('registration.create', { noKartu, kdPoli: '001', kunjSakit: true, keluhan: 'demam' }, desk.session)
      if (res.result.ok) sentAt.set(`${i}:${(res.result.value as { noRawat: string }).noRawat}`, started)
      else failures++
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - started))))
    }
  })
  await Promise.all(writers)
  await new Promise((r) => setTimeout(r, 1000))
  running = false
  const wall = (performance.now() - t0) / 1000
  const after = await ask<{ cpu: NodeJS.CpuUsage; rss: number; seq: number }>('stats')
  const cpu = (after.cpu.user + after.cpu.system - cpuBefore.cpu.user - cpuBefore.cpu.system) / 1e6
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1)
  console.log(`desks ${deskCount}, ${seconds} s, one registration per desk per second: ${after.seq} shared writes, ${failures} refused`)
  console.log(`desk-to-desk propagation (${latencies.length} samples): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`)
  console.log(`hub: CPU ${(cpu / wall * 100).toFixed(1)}% of one core, RSS ${(after.rss / 1048576).toFixed(0)} MiB`)
  for (const d of desks) d.client.close()
  child.send({ kind: 'stop' })
  for (const r of roots) rmSync(r, { recursive: true, force: true })
  setTimeout(() => process.exit(0), 2000).unref()
}

if (args['hub-child']) void hubChild()
else
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
