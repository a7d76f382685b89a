/** Local calendar date as yyyy-MM-dd (the workstation's own day is the faskes's day). */
export function localIsoDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
/** PCare paths and bodies use dd-MM-yyyy. */
export function toPcareDate(iso: string): string {
  const [y, m, d] = iso.split('-')
  return `${d}-${m}-${y}`
}
