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
 * Each desk registers one patient per second (registration.create as a counter user); every desk keeps its today list
 * the way the page does (renderer/src/today-feed.ts): registration.changes long-polls with its cursor, merging the
 * changed rows, and the whole list again every --full-every ms (30000, the pages' own). Latency = from the moment a
 * desk starts its registration call to the moment the NEXT desk's list first contains it. Prints p50/p99/max, the
 * reads the hub answered, and the hub's CPU and RSS.
 */
const args = parseArgs({
  options: { desks: { type: 'string', default: '20' }, seconds: { type: 'string', default: '30' }, 'full-every': { type: 'string', default: '30000' }, 'hub-child': { type: 'boolean' } },
}).values

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
    if (m.kind === 'stats') process.send?.({ kind: 'stats', cpu: process.cpuUsage(), rss: process.memoryUsage().rss })
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

  const fullEvery = Number(args['full-every'])
  // By card (each registration has its own), set before the call: the row can reach a watcher before the writer's answer.
  const sentAt = new Map<string, number>()
  let registered = 0
  const latencies: number[] = []
  const reads = { full: 0, delta: 0, rows: 0 }
  let running = true
  // Each desk watches for the registrations of the desk before it.
  const watchers = desks.map(async (desk, i) => {
    const watched = (i + deskCount - 1) % deskCount
    const seen = new Set<string>()
    let cursor: string | null = null
    let lastFull = -Infinity
    for (let n = 0; running && n < 1_000_000; n++) {
      const full = cursor === null || performance.now() - lastFull >= fullEvery
      const waitMs = full ? 0 : Math.max(0, Math.min(10_000, Math.round(lastFull + fullEvery - performance.now())))
      const answer = await desk.client.call('registration.changes', { cursor: full ? null : cursor, waitMs }, desk.session)
      if (!answer.result.ok) continue
      const now = performance.now()
      const value = answer.result.value as { cursor: string; full: boolean; rows: { noRawat: string }[] }
      cursor = value.cursor
      if (value.full) lastFull = now
      reads[value.full ? 'full' : 'delta'] += 1
      if (!value.full) reads.rows += value.rows.length
      for (const row of value.rows as { noRawat: string; noKartu: string }[]) {
        const from = sentAt.get(`${watched}:${row.noKartu}`)
        if (from === undefined || seen.has(row.noRawat)) continue
        seen.add(row.noRawat)
        latencies.push(now - from)
      }
    }
  })

  const cpuBefore = await ask<{ cpu: NodeJS.CpuUsage }>('stats')
  const desksCpuBefore = process.cpuUsage()
  const t0 = performance.now()
  let card = 0
  let failures = 0
  const writers = desks.map(async (desk, i) => {
    // Staggered so the 20 desks spread over each second like staff would.
    await new Promise((r) => setTimeout(r, (1000 / deskCount) * i))
    for (let s = 0; s < seconds; s++) {
      const started = performance.now()
      const noKartu = String(CARD_BASE + card++).padStart(13, '0')
      sentAt.set(`${i}:${noKartu}`, started)
      const res = await desk.client.call('registration.create', { noKartu, kdPoli: '001', kunjSakit: true, keluhan: 'demam' }, desk.session)
      if (res.result.ok) registered++
      else failures++
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - started))))
    }
  })
  await Promise.all(writers)
  await new Promise((r) => setTimeout(r, 1000))
  running = false
  const wall = (performance.now() - t0) / 1000
  const after = await ask<{ cpu: NodeJS.CpuUsage; rss: number }>('stats')
  const cpu = (after.cpu.user + after.cpu.system - cpuBefore.cpu.user - cpuBefore.cpu.system) / 1e6
  const desksCpu = process.cpuUsage(desksCpuBefore)
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1)
  console.log(`desks ${deskCount}, ${seconds} s, one registration per desk per second: ${registered} registered, ${failures} refused`)
  console.log(`desk-to-desk propagation (${latencies.length} samples): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`)
  console.log(`list reads answered: ${reads.full} whole (every ${fullEvery} ms per desk), ${reads.delta} deltas carrying ${reads.rows} rows in all`)
  console.log(`hub: CPU ${(cpu / wall * 100).toFixed(1)}% of one core, RSS ${(after.rss / 1048576).toFixed(0)} MiB`)
  // On a LAN every desk is its own PC; here all of them share this one process (TLS, JSON), which the latency includes.
  console.log(`the ${deskCount} desks (this process): CPU ${(((desksCpu.user + desksCpu.system) / 1e6 / wall) * 100).toFixed(1)}% of one core`)
  // The watchers' last long-polls end within 10 s; the hub is stopped without waiting for them.
  void Promise.allSettled(watchers)
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
