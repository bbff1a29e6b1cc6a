// Hand-drawn SVG charts: horizontal bars and an exposure gauge.

import { esc, type Html, raw } from "./html";

export interface Bar {
  label: string;
  value: bigint;
  display: string;
  href?: string;
}

const COLORS = ["#4f46e5", "#0891b2", "#16a34a", "#ca8a04", "#db2777", "#7c3aed", "#ea580c", "#0d9488"];

/** One bar per item, scaled to the largest; labels left, values right. */
export function barChart(bars: Bar[], title: string, testid: string): Html {
  if (bars.length === 0) return raw("");
  const max = bars.reduce((m, b) => (b.value > m ? b.value : m), 0n);
  const rowH = 34;
  const labelW = 150;
  const valueW = 190;
  const barW = 420;
  const width = labelW + barW + valueW;
  const height = bars.length * rowH + 8;
  const rows = bars
    .map((b, i) => {
      const w = max === 0n ? 0 : Number((b.value * 10000n) / max) / 10000;
      const y = 4 + i * rowH;
      const len = Math.max(b.value > 0n ? 2 : 0, w * barW);
      const label = esc(b.label.length > 20 ? `${b.label.slice(0, 19)}…` : b.label);
      const text = b.href
        ? `<a href="${esc(b.href)}"><text x="${labelW - 10}" y="${y + 21}" text-anchor="end" class="bar-label link">${label}</text></a>`
        : `<text x="${labelW - 10}" y="${y + 21}" text-anchor="end" class="bar-label">${label}</text>`;
      return `<g data-label="${esc(b.label)}" data-value="${b.value}">
        ${text}
        <rect x="${labelW}" y="${y + 6}" width="${barW}" height="${rowH - 12}" rx="4" class="bar-bg"/>
        <rect x="${labelW}" y="${y + 6}" width="${len.toFixed(1)}" height="${rowH - 12}" rx="4" fill="${COLORS[i % COLORS.length]}"/>
        <text x="${labelW + barW + 10}" y="${y + 21}" class="bar-value">${esc(b.display)}</text>
      </g>`;
    })
    .join("");
  return raw(
    `<figure class="chart" data-testid="${esc(testid)}"><figcaption>${esc(title)}</figcaption>
     <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" preserveAspectRatio="xMinYMin meet">${rows}</svg></figure>`,
  );
}

/** A half-circle gauge: `basisPoints` of 10,000 (capped), with a caption. */
export function gauge(basisPoints: number, big: string, caption: string, testid: string): Html {
  const f = Math.max(0, Math.min(1, basisPoints / 10000));
  const r = 80;
  const cx = 100;
  const cy = 95;
  const angle = Math.PI * (1 - f);
  const x = cx + r * Math.cos(angle);
  const y = cy - r * Math.sin(angle);
  const color = f >= 0.25 ? "#dc2626" : f >= 0.1 ? "#ea580c" : f > 0 ? "#ca8a04" : "#16a34a";
  const arc =
    f > 0
      ? `<path d="M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}" stroke="${color}" stroke-width="18" fill="none" stroke-linecap="round"/>`
      : "";
  return raw(
    `<figure class="gauge" data-testid="${esc(testid)}">
      <svg viewBox="0 0 200 115" role="img" aria-label="${esc(caption)}: ${esc(big)}">
        <path d="M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${cx + r} ${cy}" stroke="#e5e7eb" stroke-width="18" fill="none" stroke-linecap="round"/>
        ${arc}
        <text x="${cx}" y="${cy - 8}" text-anchor="middle" class="gauge-value">${esc(big)}</text>
      </svg>
      <figcaption>${esc(caption)}</figcaption>
    </figure>`,
  );
}

export interface Series {
  name: string;
  /** [unix day, value] in ascending day order: the value from that day on (a step). */
  points: [number, bigint][];
}

const dayLabel = (day: number): string => new Date(day * 86_400_000).toISOString().slice(5, 10);

/**
 * Step lines over days `from`..`to` (unix days): each series holds its value until its next
 * point. A series with no point before `from` starts at its first point (older values are
 * not known). `format` prints a value for the axis and the legend.
 */
export function lineChart(series: Series[], from: number, to: number, format: (v: bigint) => string, title: string, testid: string): Html {
  const W = 720;
  const H = 220;
  const left = 8;
  const right = 8;
  const top = 14;
  const bottom = 26;
  const span = Math.max(1, to - from);
  const x = (d: number) => left + ((Math.min(Math.max(d, from), to) - from) / span) * (W - left - right);
  let max = 0n;
  for (const s of series) for (const [, v] of s.points) if (v > max) max = v;
  const y = (v: bigint) => {
    if (max === 0n) return H - bottom;
    return H - bottom - (Number((v * 10000n) / max) / 10000) * (H - top - bottom);
  };
  const paths = series.map((s, i) => {
    const visible = s.points.filter(([d]) => d <= to);
    const before = visible.filter(([d]) => d <= from).pop();
    const inside = visible.filter(([d]) => d > from);
    const pts: [number, bigint][] = [...(before ? [[from, before[1]] as [number, bigint]] : []), ...inside];
    if (pts.length === 0) return "";
    let d = `M ${x(pts[0][0]).toFixed(1)} ${y(pts[0][1]).toFixed(1)}`;
    for (let k = 1; k < pts.length; k++) d += ` H ${x(pts[k][0]).toFixed(1)} V ${y(pts[k][1]).toFixed(1)}`;
    d += ` H ${x(to).toFixed(1)}`;
    const color = COLORS[i % COLORS.length];
    const dots = inside
      .map(([day, v]) => `<circle cx="${x(day).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}" data-day="${day}" data-value="${v}"/>`)
      .join("");
    return `<g data-series="${esc(s.name)}" data-last="${pts[pts.length - 1][1]}"><path d="${d}" stroke="${color}" stroke-width="2.5" fill="none"/>${dots}</g>`;
  });
  const ticks = [from, Math.round((from + to) / 2), to]
    .map((d, i) => `<text x="${x(d).toFixed(1)}" y="${H - 6}" text-anchor="${["start", "middle", "end"][i]}" class="axis">${dayLabel(d)}</text>`)
    .join("");
  const legend = series
    .map((s, i) => `<li><span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span>${esc(s.name)}: <b>${esc(format(s.points.length ? s.points[s.points.length - 1][1] : 0n))}</b></li>`)
    .join("");
  return raw(
    `<figure class="chart line" data-testid="${esc(testid)}" data-from="${from}" data-to="${to}"><figcaption>${esc(title)}</figcaption>
     <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" preserveAspectRatio="xMinYMin meet">
       <line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" class="axis-line"/>
       <text x="${left}" y="${top - 3}" class="axis">${esc(format(max))}</text>
       ${paths.join("")}${ticks}
     </svg><ul class="legend">${legend}</ul></figure>`,
  );
}
