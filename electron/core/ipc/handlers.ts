import type { Channel } from '../../contract'
import { AuthService } from '../auth'
import { authorize } from '../auth/policy'
import type { CallContext, Handler, HandlerTable } from './dispatch'
import type { Core } from '../app'
import { recordExamination, registerVisit } from '../clinic'
import { checkPatient, withTimeout } from '../clinic/eligibility'
import { KHUSUS_WITH_SUBSPESIALIS, findFaskesRujukan } from '../clinic/rujukan'
import { localIsoDate } from '../clinic/dates'
import { doctorSchedule, refreshSchedules } from '../clinic/doctors'
import { callPatient, markAttendance } from '../clinic/queue'
import { checkUserDokter, setUserDokter, userDokter, userDokterMap } from '../auth/doctor'
import { schemaVersion } from '../db'
import { AppError, msg } from '../errors'
import { lastRefreshed, listDokter, listKesadaran, listKhusus, listPoli, listSarana, listSpesialis, listStatusPulang, refreshFailure, refreshReferenceData, searchDiagnosa } from '../reference'
import { referralLetter, registrationSlip } from '../print'
import { cancel, listOutbox, monitoring, outboxDetail, resend } from '../sync/admin'
import { syncStatus } from '../sync/status'
import { unsentForVisits } from '../sync/unsent'
import { searchObat, searchTindakan } from '../reference/items'

/**
 * The handler table: one function per contract channel, each a thin call into core.
 * Electron's ipcMain and the browser shell both dispatch into this same table.
 */
export function createHandlers(core: Core): HandlerTable {
  const auth = new AuthService(core.db, core.credentials ? () => core.credentials!.sealKey() : null)
  return withAuth(auth, createTable(core, auth))
}

/**
 * Every call: the transport's session token becomes ctx.user/ctx.role, then the channel's role rule is checked
 * before the handler runs. The page never names its own user.
 */
function withAuth(auth: AuthService, table: HandlerTable): HandlerTable {
  const guarded = {} as Record<Channel, Handler<Channel>>
  for (const channel of Object.keys(table) as Channel[]) {
    const handler = table[channel] as Handler<Channel>
    guarded[channel] = (input, ctx) => {
      const user = auth.resolve(ctx.session?.token())
      authorize(channel, user, auth.hasUsers())
      return handler(input, user ? { ...ctx, user: user.username, role: user.role } : { ...ctx, user: undefined, role: undefined })
    }
  }
  return guarded as HandlerTable
}

/** Ledger entries the patient history shows (newest first); the total is shown beside them. */
const LEDGER_HISTORY_LIMIT = 50

function needSession(ctx: CallContext) {
  if (!ctx.session) throw new AppError('UNAVAILABLE', msg('err.noSession'))
  return ctx.session
}

function createTable(core: Core, auth: AuthService): HandlerTable {
  const remotes = core.engine
    ? {
        pcare: () => core.engine!.pcareClient(),
        ledger: () => core.engine!.ledger(),
        // The counter's own reads tell the status bar too (an outage is shown before any send fails).
        report: (target: 'pcare' | 'ledger', reachable: boolean) => core.engine!.workers[target].observe(reachable),
      }
    : null
  const actor = (ctx: { user?: string }) => ({ userId: ctx.user ?? 'workstation' })
  const needEngine = () => {
    if (!core.engine) throw new AppError('UNAVAILABLE', msg('err.noEngine'))
    return core.engine
  }
  const presence = async () => {
    const none = { pcare: false, antrean: false, fabric: { RSMSP: false, PuskesmasMSP: false, BPJSMSP: false } }
    if (!core.credentials) return { available: false, error: 'Keychain tidak dipakai di sesi ini.', ...none }
    try {
      return { available: true, error: null, ...(await core.credentials.presence()) }
    } catch (err) {
      return { available: false, error: err instanceof Error ? err.message : String(err), ...none }
    }
  }
  return {
    'app.info': () => {
      const s = core.settings.get()
      return {
        version: core.version,
        schemaVersion: schemaVersion(core.db),
        faskesName: s.faskesName,
        kdPPK: s.kdPPK,
        locale: s.locale,
        demo: { ledger: s.ledger.peerEndpoint === null, pcare: s.pcare.baseUrl === null },
      }
    },
    'sync.status': () => syncStatus(core.db, core.connectivity()),
    'settings.get': () => core.settings.get(),
    'settings.update': (patch) => {
      const s = core.settings.update(patch)
      // A newly configured PCare fills the reference lists at once instead of at the next check.
      core.engine?.reference?.kick()
      return s
    },

    'patient.check': ({ query }) => checkPatient(core.db, remotes, query),
    'patient.history': async ({ noKartu, ledger: withLedger }) => {
      const local = (
        core.db
          .prepare(
            `SELECT r.no_rawat, r.tgl_daftar, r.kd_poli, r.nm_poli, r.keluhan, e.data, e.no_kunjungan, e.ledger_tx_id, e.claim_status, e.referral_status
               FROM registrations r LEFT JOIN examinations e ON e.no_rawat = r.no_rawat WHERE r.no_kartu = ? ORDER BY r.created_at DESC LIMIT 100`,
          )
          .all(noKartu) as Record<string, string | null>[]
      ).map((r) => ({
        noRawat: r.no_rawat!,
        tglDaftar: r.tgl_daftar!,
        kdPoli: r.kd_poli!,
        nmPoli: r.nm_poli,
        keluhan: r.keluhan ?? '',
        diagnoses: r.data ? ((JSON.parse(r.data) as { diagnoses: { kdDiag: string; nmDiag: string }[] }).diagnoses ?? []) : [],
        noKunjungan: r.no_kunjungan,
        ledgerTxId: r.ledger_tx_id,
        claimStatus: r.claim_status,
        referralStatus: r.referral_status,
      }))
      if (!withLedger) return { local, ledger: null, ledgerTotal: null, ledgerError: null }
      if (!remotes) return { local, ledger: null, ledgerTotal: null, ledgerError: 'Ledger tidak terhubung.' }
      try {
        // The newest entries only: a card used for years links hundreds of entities on the ledger.
        const bytes = await withTimeout(
          (async () => (await remotes.ledger()).contract('History').evaluateTransaction('Recent', noKartu, String(LEDGER_HISTORY_LIMIT)))(),
          4000,
          'Ledger',
        )
        const { total, entries } = JSON.parse(Buffer.from(bytes).toString()) as { total: number; entries: { entityType: string; entityId: string; at: string; record: { status?: string } }[] }
        return { local, ledger: entries.reverse().map((e) => ({ type: e.entityType, id: e.entityId, status: e.record?.status ?? null, at: e.at })), ledgerTotal: total, ledgerError: null }
      } catch (err) {
        return { local, ledger: null, ledgerTotal: null, ledgerError: err instanceof Error ? err.message : String(err) }
      }
    },
    'registration.create': (input, ctx) => {
      const r = registerVisit(core.db, core.settings.get(), input, actor(ctx))
      core.engine?.kick()
      return r
    },
    'registration.today': () => {
      const rows = core.db
        .prepare(
          `SELECT r.*, p.nama, p.sex, p.tgl_lahir,
             (SELECT CASE WHEN count(*) = 0 THEN 'none' WHEN sum(status = 'failed_permanent') > 0 THEN 'failed' WHEN sum(status != 'done' AND status != 'cancelled') > 0 THEN 'pending'
                          WHEN sum(status = 'done' AND operation != 'peserta.verify') = 0 THEN 'none' ELSE 'done' END
                FROM outbox WHERE chain_key = 'pcare:' || r.no_rawat) AS pcare_sync,
             (SELECT CASE WHEN count(*) = 0 THEN 'none' WHEN sum(status = 'failed_permanent') > 0 THEN 'failed' WHEN sum(status != 'done' AND status != 'cancelled') > 0 THEN 'pending' ELSE 'done' END
                FROM outbox WHERE chain_key = 'ledger:' || r.no_rawat) AS ledger_sync
           FROM registrations r LEFT JOIN patients p ON p.no_kartu = r.no_kartu WHERE r.tgl_daftar = ? ORDER BY r.created_at`,
        )
        .all(localIsoDate(Date.now())) as Record<string, string | number | null>[]
      return rows.map((r) => ({
        noRawat: String(r.no_rawat),
        noKartu: String(r.no_kartu),
        nama: (r.nama as string | null) ?? null,
        tglDaftar: String(r.tgl_daftar),
        kdPoli: String(r.kd_poli),
        nmPoli: (r.nm_poli as string | null) ?? null,
        keluhan: String(r.keluhan ?? ''),
        kunjSakit: r.kunj_sakit === 1,
        noUrut: (r.no_urut as string | null) ?? null,
        sex: (r.sex as string | null) ?? null,
        tglLahir: (r.tgl_lahir as string | null) ?? null,
        penjamin: r.penjamin as 'bpjs' | 'umum',
        verification: r.verification as 'verified' | 'unverified' | 'rejected',
        verificationNote: (r.verification_note as string | null) ?? null,
        status: r.status as 'registered' | 'examined' | 'cancelled',
        pcare: (r.pcare_sync ?? 'none') as 'pending' | 'done' | 'failed' | 'none',
        ledger: (r.ledger_sync ?? 'none') as 'pending' | 'done' | 'failed' | 'none',
        createdAt: Number(r.created_at),
        kdDokter: (r.kd_dokter as string | null) ?? null,
        calledAt: (r.called_at as number | null) ?? null,
        callCount: Number(r.call_count ?? 0),
        attendance: (r.attendance as 'hadir' | 'tidak_hadir' | null) ?? null,
      }))
    },
    'examination.save': (input, ctx) => {
      const r = recordExamination(core.db, core.settings.get(), input, actor(ctx))
      core.engine?.kick()
      return r
    },
    'print.slip': ({ noRawat }) => registrationSlip(core.db, core.settings.get(), noRawat),
    'print.rujukan': ({ noRawat }) => referralLetter(core.db, core.settings.get(), noRawat),

    'reference.lists': () => {
      const info = lastRefreshed(core.db)
      return {
        poli: listPoli(core.db),
        dokter: listDokter(core.db),
        kesadaran: listKesadaran(core.db),
        statusPulang: listStatusPulang(core.db, false),
        spesialis: listSpesialis(core.db),
        sarana: listSarana(core.db),
        khusus: listKhusus(core.db).map((k) => ({ ...k, subSpesialis: KHUSUS_WITH_SUBSPESIALIS.includes(k.kdKhusus) })),
        refreshedAt: info.length ? Math.min(...info.map((i) => i.fetchedAt)) : null,
      }
    },
    'reference.diagnosa': ({ q, limit }, ctx) => searchDiagnosa(core.db, q, limit, { userId: ctx.user }).map(({ rank: _rank, ...hit }) => hit),
    'reference.tindakan': ({ q, kdTkp, limit }) => searchTindakan(core.db, q, { kdTkp, limit }),
    'reference.obat': ({ q, limit }) => searchObat(core.db, q, limit),
    'registration.unsent': ({ noRawat }) => unsentForVisits(core.db, noRawat),
    'referral.faskes': (q) => findFaskesRujukan(core.db, remotes, q),
    'reference.refresh': async () => {
      const r = await refreshReferenceData(core.db, await needEngine().pcareClient()).catch((err: unknown) => Promise.reject(refreshFailure(err)))
      // Today's doctors per poli come from Antrean FKTP; a faskes without it keeps working from the full dokter list.
      await refreshSchedules(core.db, () => needEngine().antreanClient(), listPoli(core.db).map((p) => p.kdPoli)).catch(() => null)
      return { written: r.written, skipped: r.skipped }
    },

    'outbox.list': (filter) => listOutbox(core.db, filter),
    'outbox.detail': ({ id }) => outboxDetail(core.db, id),
    'outbox.resend': ({ ids }, ctx) => {
      const r = resend(core.db, ids, actor(ctx).userId)
      core.engine?.kick()
      return r
    },
    'outbox.cancel': ({ ids, reason }, ctx) => cancel(core.db, ids, actor(ctx).userId, reason),
    'monitoring.summary': ({ days }) => monitoring(core.db, days),

    'credentials.status': () => presence(),
    'credentials.setPcare': async ({ antreanUserKey, ...pcare }) => {
      if (!core.credentials) throw new AppError('UNAVAILABLE', msg('err.noKeychain'))
      await core.credentials.setPcare(pcare)
      if (antreanUserKey) await core.credentials.setAntrean({ ...pcare, userKey: antreanUserKey })
      core.engine?.reference?.kick()
      return presence()
    },

    'auth.me': (_input, ctx) => ({
      user: ctx.user && ctx.role ? { username: ctx.user, role: ctx.role, kdDokter: userDokter(core.db, ctx.user) } : null,
      setupRequired: !auth.hasUsers(),
    }),
    'auth.setup': async ({ username, password }, ctx) => {
      const session = needSession(ctx)
      const admin = await auth.setupAdmin(username, password)
      // Any earlier session belonged to the open first-run state; the new admin signs in with a code.
      session.set(null)
      return admin
    },
    'auth.login': async ({ username, password, totp }, ctx) => {
      const session = needSession(ctx)
      const { token, user } = await auth.login(username, password, totp)
      auth.logout(session.token())
      session.set(token)
      return user
    },
    'auth.logout': (_input, ctx) => {
      auth.logout(ctx.session?.token())
      ctx.session?.set(null)
      return { ok: true as const }
    },
    'users.list': () => {
      const dokter = userDokterMap(core.db)
      return auth.list().map((u) => ({ ...u, kdDokter: dokter.get(u.username) ?? null }))
    },
    'users.create': async ({ username, password, role, kdDokter }) => {
      checkUserDokter(core.db, role, kdDokter)
      const u = await auth.createUser(username, password, role)
      if (kdDokter) setUserDokter(core.db, username, kdDokter)
      return u
    },
    'users.setDokter': ({ username, kdDokter }) => setUserDokter(core.db, username, kdDokter),
    'doctors.schedule': ({ kdPoli, force }) =>
      doctorSchedule(core.db, core.engine ? () => core.engine!.antreanClient() : null, kdPoli, { force, report: (up) => core.engine?.workers.antrean.observe(up) }),
    'queue.call': ({ noRawat }) => callPatient(core.db, noRawat),
    'queue.attendance': ({ noRawat, attendance }) => {
      const r = markAttendance(core.db, noRawat, attendance)
      if (r.queued) core.engine?.kick()
      return r
    },
  }
}
