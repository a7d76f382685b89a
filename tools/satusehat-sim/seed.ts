import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMMON_DIAGNOSA } from '../pcare-sim/icd10'

/** Fake credentials for the simulator only (not SATUSEHAT values); the org id is the sandbox examples' (reference §2.1). */
export const SIM_CLIENTS = [
  { clientId: 'sim-client-not-real', clientSecret: 'sim-secret-not-real', orgId: '10000004' },
  { clientId: 'sim-other-client', clientSecret: 'sim-other-secret', orgId: '10000005' },
] as const

/** The official sandbox dummy patients (reference §6: official MPI page). */
export const SEED_PATIENTS = [
  { nik: '9271060312000001', id: 'P02478375538', name: 'Ardianto Putra' },
  { nik: '9204014804000002', id: 'P03647103112', name: 'Claudia Sintia' },
  { nik: '9104224509000003', id: 'P00805884304', name: 'Elizabeth Dior' },
] as const

/**
 * The MPI the simulator answers: the sandbox dummies, and the demo patients of tools/demo-data/peserta.json (the PCare
 * simulator's cards, made-up NIKs starting 9999) with made-up IHS ids `P9` + the NIK's last 10 digits, so a demo or
 * test visit of those cards finds its Patient as on the real platform.
 */
export const MPI_PATIENTS: readonly { nik: string; id: string; name: string }[] = [
  ...SEED_PATIENTS,
  ...(JSON.parse(readFileSync(join(__dirname, '..', 'demo-data', 'peserta.json'), 'utf8')) as { noKTP: string; nama: string }[]).map((p) => ({
    nik: p.noKTP,
    id: `P9${p.noKTP.slice(-10)}`,
    name: p.nama,
  })),
]

/** The official sandbox dummy practitioners (reference §6: official practitioner page). */
export const SEED_PRACTITIONERS = [
  { nik: '7209061211900001', id: '10009880728', name: 'dr. Alexander' },
  { nik: '3322071302900002', id: '10006926841', name: 'dr. Yoga Yandika, Sp.A' },
  { nik: '3578083008700010', id: '10001915884', name: 'apt. Aditya Pradhana, S.Farm.' },
] as const

/** ICD-10 codes the simulator's terminology knows (the PCare simulator's list); others are rule 10001. */
export const ICD10_CODES: ReadonlySet<string> = new Set(COMMON_DIAGNOSA.map((d) => d.kdDiag))

/** LOINC codes of the vital signs (reference §2.7) and the one UCUM code each takes. */
export const VITAL_LOINC_UCUM: Readonly<Record<string, string>> = {
  '8480-6': 'mm[Hg]',
  '8462-4': 'mm[Hg]',
  '8867-4': '/min',
  '9279-1': '/min',
  '8310-5': 'Cel',
  '8302-2': 'cm',
  '29463-7': 'kg',
  '59408-5': '%',
}

/** A few KFA products (92 = virtual product, 93 = actual product; reference §4), made-up names. */
export const KFA_PRODUCTS = [
  { kfa_code: '92000001', name: 'Parasetamol 500 mg Tablet', farmalkes_type: 'farmasi' },
  { kfa_code: '92000002', name: 'Amoksisilin 500 mg Kapsul', farmalkes_type: 'farmasi' },
  { kfa_code: '93000001', name: 'Parasetamol 500 mg Tablet (generik)', farmalkes_type: 'farmasi' },
] as const
