import { createLogger } from '../../electron/core/log'
import { AntreanClient, PcareClient, type ConfigInput } from '../../electron/core/pcare'
import type * as T from '../../electron/core/pcare/types'
import { startSimulator, type SimOptions, type Simulator } from '../../tools/pcare-sim/server'

export const quiet = createLogger({ level: 'error', sink: () => {} })

export async function simWithClients(opts: SimOptions = {}, config: ConfigInput = {}, now?: () => number) {
  const sim: Simulator = await startSimulator({ logger: quiet, ...opts })
  const cfg: ConfigInput = {
    baseUrl: sim.pcareBaseUrl,
    antreanBaseUrl: sim.antreanBaseUrl,
    timeouts: { headersMs: 1500, totalMs: 3000 },
    ...config,
  }
  const pcare = new PcareClient({ credentials: sim.credentials, config: cfg, logger: quiet, now })
  const antrean = new AntreanClient({ credentials: { ...sim.credentials, userKey: sim.credentials.antreanUserKey }, config: cfg, logger: quiet, now })
  return { sim, pcare, antrean }
}

export const TGL = '12-08-2026'

export function pendaftaranInput(noKartu = '0009999000001', kdPoli = '001'): T.PendaftaranInput {
  return {
    kdProviderPeserta: '0199B001', tglDaftar: TGL, noKartu, kdPoli, keluhan: 'Demam 3 hari', kunjSakit: true,
    sistole: 120, diastole: 80, beratBadan: 60, tinggiBadan: 165, respRate: 20, heartRate: 80, lingkarPerut: 72,
    rujukBalik: 0, kdTkp: '10',
  }
}

export function kunjunganInput(noKartu = '0009999000001', kdPoli = '001'): T.KunjunganInput {
  return {
    noKunjungan: null, noKartu, tglDaftar: TGL, kdPoli, keluhan: 'Demam 3 hari', kdSadar: '01', sistole: 120,
    diastole: 80, beratBadan: 60, tinggiBadan: 165, respRate: 20, heartRate: 80, lingkarPerut: 72,
    kdStatusPulang: '3', tglPulang: TGL, kdDokter: '131491', kdDiag1: 'A09', kdDiag2: null, kdDiag3: null,
    kdPoliRujukInternal: null, kdTacc: -1, alasanTacc: null, anamnesa: 'Demam', alergiMakan: '00',
    alergiUdara: '00', alergiObat: '00', kdPrognosa: '02', terapiObat: 'Parasetamol 3x500 mg', terapiNonObat: 'Istirahat',
    bmhp: '', suhu: '37.8',
  }
}
