import { useI18n } from '../../i18n'

/** Horizontal bars drawn in SVG: green for sent, red for failed. SVG attributes, no style attributes (CSP). */
export function Bars({ title, data }: { title: string; data: [string, { ok: number; failed: number }][] }) {
  const { t } = useI18n()
  const max = Math.max(1, ...data.map(([, v]) => v.ok + v.failed))
  const rowH = 22
  const labelW = 170
  const barW = 260
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="empty">{t('admin.noData')}</p>
      ) : (
        <svg role="img" aria-label={title} viewBox={`0 0 ${labelW + barW + 70} ${data.length * rowH + 4}`} width="100%">
          {data.map(([label, v], i) => {
            const okW = (v.ok / max) * barW
            const failW = (v.failed / max) * barW
            const y = i * rowH + 2
            return (
              <g key={label}>
                <title>{`${label}: ${v.ok} ok, ${v.failed} ${t('sync.failed').toLowerCase()}`}</title>
                <text x={0} y={y + 14} fontSize="12" fill="#1c2733">
                  {label.length > 26 ? `${label.slice(0, 25)}…` : label}
                </text>
                <rect x={labelW} y={y} width={okW} height={rowH - 6} fill="#0b6e4f" />
                <rect x={labelW + okW} y={y} width={failW} height={rowH - 6} fill="#b42318" />
                <text x={labelW + okW + failW + 4} y={y + 14} fontSize="12" fill="#5b6b7b">
                  {v.ok}/{v.failed}
                </text>
              </g>
            )
          })}
        </svg>
      )}
    </figure>
  )
}
