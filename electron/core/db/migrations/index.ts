import type { Migration } from '../types'
import { migration as m0001 } from './0001-foundation'

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [m0001]
