import { useEffect, useRef, useState } from 'react'
import { CodeSelect } from '../../components/CodeSelect'
import { Field } from '../../components/Field'
import { useCall } from '../../hooks'
import { useI18n } from '../../i18n'
import { clock } from '../../time'

type Dokter = { kdDokter: string; nmDokter: string }

/**
 * The doctor of a visit, chosen from the poli's schedule of the day (Antrean FKTP, cached in core) when there is
 * one, else from PCare's whole dokter list (`all`). `preselect` 'onDuty' (the counter) sets the value to the doctor
 * on duty now each time the poli's schedule arrives, or to none when nobody or several are; 'me' (the examination)
 * fills an empty value with the signed-in clinician's own doctor code when that doctor serves the poli (on its
 * schedule, or in the whole list when there is none); neither ever picks "the first in the list".
 */
export function DoctorSelect({
  id,
  name,
  kdPoli,
  value,
  onChange,
  all,
  preselect,
}: {
  id: string
  /** The contract's field path (kdDokter), for the form's server error and its summary. */
  name: string
  kdPoli: string
  value: string
  onChange: (kdDokter: string) => void
  all: Dokter[]
  preselect: 'onDuty' | 'me'
}) {
  const { t, locale } = useI18n()
  // The poli's schedule, asked again for each poli (nothing shown from the previous poli meanwhile).
  const scheduleCall = useCall('doctors.schedule', kdPoli ? { kdPoli } : null)
  const schedule = scheduleCall.value ?? null
  const loadError = scheduleCall.error?.message ?? null
  useEffect(() => {
    if (schedule && preselect === 'onDuty') onChange(schedule.onDuty ?? '')
    // Once per arriving schedule; onChange is the parent's setter, and its identity changes on every render.
  }, [schedule, preselect])

  // The clinician's own code is fetched once per form (when the value starts empty), and used only when it serves
  // this poli: preselecting a doctor the save then refuses (off the poli's schedule) helps nobody.
  const [askMe] = useState(() => preselect === 'me' && !value)
  const myKdDokter = useCall('auth.me', askMe ? {} : null).value?.user?.kdDokter ?? null
  const applied = useRef(false)
  useEffect(() => {
    if (applied.current || value || !myKdDokter || (!schedule && !loadError)) return
    const serves = schedule && schedule.dokter.length > 0 ? schedule.dokter : all
    if (!serves.some((d) => d.kdDokter === myKdDokter)) return
    // Once: a value the clinician clears afterwards stays cleared.
    applied.current = true
    onChange(myKdDokter)
    // Runs as the schedule (or its failure), the doctor list and the clinician's code arrive; onChange is the parent's setter.
  }, [myKdDokter, schedule, loadError, all])

  const onSchedule = schedule && schedule.dokter.length > 0
  // While the schedule loads, no list at all: offering every doctor for a moment invites the wrong pick.
  const options: (Dokter & { jamPraktek?: string })[] | null = onSchedule ? schedule.dokter : schedule || loadError ? all : kdPoli ? null : []
  const onDutyName = schedule?.onDuty ? schedule.dokter.find((d) => d.kdDokter === schedule.onDuty)?.nmDokter : null

  let hint: string
  if (loadError) hint = t('dokter.loadFailed', { message: loadError })
  else if (!schedule) hint = kdPoli ? t('app.loading') : ''
  else if (!onSchedule) hint = schedule.source === 'none' ? t('dokter.noSchedule') : t('dokter.emptySchedule')
  else {
    const time = schedule.fetchedAt ? clock(locale, schedule.fetchedAt) : '—'
    // A cached answer without an error is simply recent (core does not ask PCare again within minutes).
    // From a desk's own copy while its hub is away, the hub is what could not be reached.
    const from = schedule.error === null ? t('dokter.live', { time }) : t(schedule.fromDesk ? 'dokter.cachedHub' : 'dokter.cached', { time, tanggal: schedule.tanggal ?? '' })
    hint = `${from} · ${onDutyName ? t('dokter.onDuty', { nama: onDutyName }) : t('dokter.nobodyOnDuty')}`
  }

  return (
    <Field id={id} name={name} label={t('pendaftaran.dokter')} hint={hint || undefined}>
      {/* A doctor set earlier (at the counter, or the clinician's own code) stays visible even when off this list;
          core says why it is refused. */}
      <CodeSelect
        options={options}
        code={(d) => d.kdDokter}
        text={(d) => (d.jamPraktek ? `${d.nmDokter} (${d.jamPraktek})` : d.nmDokter)}
        value={value}
        onChange={onChange}
        empty={t('dokter.none')}
        missing={(kd) => all.find((d) => d.kdDokter === kd)?.nmDokter ?? kd}
      />
    </Field>
  )
}
