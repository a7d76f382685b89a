import type { Migration } from '../types'
import { migration as m0001 } from './0001-foundation'
import { migration as m0002 } from './0002-reference-data'
import { migration as m0003 } from './0003-clinic'
import { migration as m0004 } from './0004-users'
import { migration as m0005 } from './0005-referral-reference'
import { migration as m0006 } from './0006-referral-khusus'
import { migration as m0007 } from './0007-staff-day'
import { migration as m0008 } from './0008-corrections'
import { migration as m0009 } from './0009-clinical-data'
import { migration as m0010 } from './0010-user-lifecycle'
import { migration as m0011 } from './0011-auth-throttle'
import { migration as m0012 } from './0012-satusehat'
import { migration as m0013 } from './0013-referral-detail'
import { migration as m0014 } from './0014-satusehat-kfa'
import { migration as m0015 } from './0015-hub-desks'

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012, m0013, m0014, m0015]
