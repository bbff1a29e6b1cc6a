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
