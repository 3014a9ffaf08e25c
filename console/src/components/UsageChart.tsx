import type { UsageBucket } from '../api/usage';

/** Line colours for variants, each ≥ 3:1 against the white card (WCAG non-text contrast). */
const COLOURS = ['#1d4ed8', '#b45309', '#047857', '#9d174d', '#6d28d9', '#0e7490', '#4d7c0f', '#52606d'];
const WIDTH = 600;
const HEIGHT = 140;

/** "" is what SDKs report when they returned the caller's default. */
export const variantLabel = (variant: string) => (variant === '' ? '(default)' : variant);

/** Variants by total evaluations, most first. */
export function variantTotals(buckets: UsageBucket[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const bucket of buckets) {
    for (const [variant, count] of Object.entries(bucket.variants))
      totals.set(variant, (totals.get(variant) ?? 0) + count);
  }
  return [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function points(buckets: UsageBucket[], variant: string, max: number): string {
  const step = buckets.length > 1 ? WIDTH / (buckets.length - 1) : 0;
  return buckets
    .map((bucket, index) => {
      const y = HEIGHT - ((bucket.variants[variant] ?? 0) / max) * (HEIGHT - 4) - 2;
      return `${(index * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * Evaluation counts per variant over time: a hand-drawn SVG (one polyline per variant, no chart
 * library: a few hundred bytes instead of uPlot's ~20 KB gzip). The picture is summarised in
 * words for screen readers, and the numbers are in a table under a disclosure.
 */
export function UsageChart({
  buckets,
  bucketSize,
  label,
}: {
  buckets: UsageBucket[];
  bucketSize: 'hour' | 'day';
  label: string;
}) {
  const totals = variantTotals(buckets);
  const total = totals.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return <p class="hint">No evaluations reported in this range.</p>;
  const max = Math.max(1, ...buckets.flatMap((bucket) => Object.values(bucket.variants)));
  const summary = `${label}: ${total.toLocaleString('en')} evaluations, ${totals
    .map(([variant, count]) => `${variantLabel(variant)} ${count.toLocaleString('en')}`)
    .join(', ')}; busiest ${bucketSize} ${max.toLocaleString('en')}.`;
  const when = (start: string) => (bucketSize === 'day' ? start.slice(0, 10) : `${start.slice(0, 13)}:00Z`);
  return (
    <figure class="usage-chart stack">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={summary}>
        <line x1="0" y1={HEIGHT - 1} x2={WIDTH} y2={HEIGHT - 1} class="axis" />
        {totals.map(([variant], index) => (
          <polyline
            key={variant}
            points={points(buckets, variant, max)}
            fill="none"
            stroke={COLOURS[index % COLOURS.length]}
            stroke-width="2"
            vector-effect="non-scaling-stroke"
          />
        ))}
      </svg>
      <figcaption class="row">
        <span class="hint">
          {when(buckets[0]!.start)} – {when(buckets[buckets.length - 1]!.start)}, peak {max.toLocaleString('en')}/
          {bucketSize}
        </span>
        <ul class="pills" aria-label="Evaluations per variant">
          {totals.map(([variant, count], index) => (
            <li key={variant} class="legend">
              <span class="swatch" style={{ background: COLOURS[index % COLOURS.length] }} aria-hidden="true" />
              {variantLabel(variant)}: {count.toLocaleString('en')}
            </li>
          ))}
        </ul>
      </figcaption>
      <details>
        <summary>Evaluations per {bucketSize} as a table</summary>
        <div class="table-scroll">
          <table class="diff">
            <thead>
              <tr>
                <th scope="col">{bucketSize === 'day' ? 'Day (UTC)' : 'Hour (UTC)'}</th>
                {totals.map(([variant]) => (
                  <th key={variant} scope="col">
                    {variantLabel(variant)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {buckets
                .filter((bucket) => bucket.total > 0)
                .map((bucket) => (
                  <tr key={bucket.start}>
                    <th scope="row">{when(bucket.start)}</th>
                    {totals.map(([variant]) => (
                      <td key={variant}>{(bucket.variants[variant] ?? 0).toLocaleString('en')}</td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
