// Small accessible SVG charts: grouped bars and lines over labelled buckets. Colours come from CSS classes
// (the Content-Security-Policy allows no inline styles); each chart is an image with a name and a summary,
// and every mark carries a <title> so hovering or a screen reader's browse mode reads its value.
import { useId } from "react";
import { niceCeiling, ticks, yFor } from "./scale.ts";

export interface ChartSeries {
  key: string;
  label: string;
  values: readonly number[];
}

export interface ChartProps {
  title: string;
  /** One label per bucket (hour or day), oldest first. */
  buckets: readonly string[];
  series: readonly ChartSeries[];
  format?: (value: number) => string;
  empty: string;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 36, left: 64 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

/** At most about eight bucket labels fit under the plot; the rest are skipped evenly. */
function labelEvery(count: number): number {
  return Math.max(1, Math.ceil(count / 8));
}

function Frame({
  title,
  max,
  format,
  buckets,
  slot,
  children,
  series,
}: {
  title: string;
  max: number;
  format: (value: number) => string;
  buckets: readonly string[];
  slot: number;
  children: React.ReactNode;
  series: readonly ChartSeries[];
}) {
  const id = useId();
  const every = labelEvery(buckets.length);
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title`}
        className="chart-svg"
        preserveAspectRatio="xMidYMid meet"
      >
        <title>{title}</title>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {ticks(max).map((tick) => (
            <g key={tick} className="chart-gridline">
              <line x1={0} x2={PLOT_W} y1={yFor(tick, max, PLOT_H)} y2={yFor(tick, max, PLOT_H)} />
              <text x={-8} y={yFor(tick, max, PLOT_H)} dy="0.32em" textAnchor="end">
                {format(tick)}
              </text>
            </g>
          ))}
          {children}
          {buckets.map((label, i) =>
            i % every === 0 ? (
              <text
                key={label}
                className="chart-axis-label"
                x={slot * i + slot / 2}
                y={PLOT_H + 20}
                textAnchor="middle"
              >
                {label}
              </text>
            ) : null,
          )}
        </g>
      </svg>
      <ul className="chart-legend">
        {series.map((s, i) => (
          <li key={s.key}>
            <span className={`chart-swatch chart-color-${i % 6}`} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function BarChart({ title, buckets, series, format = String, empty }: ChartProps) {
  if (buckets.length === 0 || series.length === 0) return <EmptyChart title={title} empty={empty} />;
  const max = niceCeiling(Math.max(...series.flatMap((s) => s.values)));
  const slot = PLOT_W / buckets.length;
  const barWidth = Math.max(1, (slot * 0.8) / series.length);
  return (
    <Frame title={title} max={max} format={format} buckets={buckets} slot={slot} series={series}>
      {series.map((s, si) =>
        s.values.map((value, bi) => {
          const y = yFor(value, max, PLOT_H);
          return (
            <rect
              key={`${s.key}-${bi}`}
              className={`chart-bar chart-color-${si % 6}`}
              x={slot * bi + slot * 0.1 + barWidth * si}
              y={y}
              width={barWidth}
              height={PLOT_H - y}
            >
              <title>{`${s.label}, ${buckets[bi]}: ${format(value)}`}</title>
            </rect>
          );
        }),
      )}
    </Frame>
  );
}

export function LineChart({ title, buckets, series, format = String, empty }: ChartProps) {
  if (buckets.length === 0 || series.length === 0) return <EmptyChart title={title} empty={empty} />;
  const max = niceCeiling(Math.max(...series.flatMap((s) => s.values)));
  const slot = PLOT_W / buckets.length;
  const x = (i: number) => slot * i + slot / 2;
  return (
    <Frame title={title} max={max} format={format} buckets={buckets} slot={slot} series={series}>
      {series.map((s, si) => (
        <g key={s.key} className={`chart-line chart-color-${si % 6}`}>
          <polyline
            fill="none"
            points={s.values.map((value, i) => `${x(i)},${yFor(value, max, PLOT_H)}`).join(" ")}
          />
          {s.values.map((value, i) => (
            <circle key={i} cx={x(i)} cy={yFor(value, max, PLOT_H)} r={3}>
              <title>{`${s.label}, ${buckets[i]}: ${format(value)}`}</title>
            </circle>
          ))}
        </g>
      ))}
    </Frame>
  );
}

function EmptyChart({ title, empty }: { title: string; empty: string }) {
  return (
    <figure className="chart chart-empty">
      <figcaption className="chart-title">{title}</figcaption>
      <p>{empty}</p>
    </figure>
  );
}
