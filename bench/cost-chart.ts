// A small hand-written SVG line chart for the cost-per-accepted-image bench: axes, grid, labels,
// a legend, solid measured series with their points and dashed predicted ones.

export interface Series {
  label: string;
  colour: string;
  dashed?: boolean;
  /** x and y in data units, x ascending. */
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  xDomain: [number, number];
  xTicks: number[];
  formatX: (x: number) => string;
  formatY: (y: number) => string;
}

const WIDTH = 880;
const HEIGHT = 470;
const MARGIN = { top: 70, right: 285, bottom: 60, left: 80 };

export function lineChartSvg(series: Series[], options: ChartOptions): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const yMax = niceCeiling(Math.max(...series.flatMap((s) => s.points.map((p) => p.y))));
  const yTicks = Array.from({ length: 6 }, (_, i) => (yMax * i) / 5);
  const [x0, x1] = options.xDomain;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const f = (v: number) => v.toFixed(1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="30" font-size="17" font-weight="bold" fill="#1a1a1a">${escape(options.title)}</text>`,
    `<text x="${MARGIN.left}" y="50" fill="#555">${escape(options.subtitle)}</text>`,
  );
  // Grid and y ticks.
  for (const t of yTicks) {
    out.push(
      `<line x1="${MARGIN.left}" y1="${f(sy(t))}" x2="${MARGIN.left + plotW}" y2="${f(sy(t))}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 8}" y="${f(sy(t) + 4)}" text-anchor="end" fill="#333">${escape(options.formatY(t))}</text>`,
    );
  }
  for (const t of options.xTicks) {
    out.push(
      `<line x1="${f(sx(t))}" y1="${MARGIN.top}" x2="${f(sx(t))}" y2="${MARGIN.top + plotH}" stroke="#f0f0f0"/>`,
      `<text x="${f(sx(t))}" y="${MARGIN.top + plotH + 20}" text-anchor="middle" fill="#333">${escape(options.formatX(t))}</text>`,
    );
  }
  // Axes.
  out.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 15}" text-anchor="middle" fill="#1a1a1a">${escape(options.xLabel)}</text>`,
    `<text transform="translate(22 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#1a1a1a">${escape(options.yLabel)}</text>`,
  );
  // Series: dashed predictions under the measured lines.
  for (const s of [...series].sort((a, b) => Number(b.dashed ?? false) - Number(a.dashed ?? false))) {
    const d = s.points.map((p, i) => `${i ? "L" : "M"}${f(sx(p.x))} ${f(sy(p.y))}`).join(" ");
    out.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="${s.dashed ? 1.8 : 2.6}"${s.dashed ? ' stroke-dasharray="6 5" opacity="0.8"' : ""}/>`);
    if (!s.dashed) for (const p of s.points) out.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="4.5" fill="#fff" stroke="${s.colour}" stroke-width="2.4"/>`);
  }
  // Legend.
  const lx = MARGIN.left + plotW + 24;
  series.forEach((s, i) => {
    const y = MARGIN.top + 12 + i * 26;
    out.push(
      `<line x1="${lx}" y1="${y}" x2="${lx + 28}" y2="${y}" stroke="${s.colour}" stroke-width="${s.dashed ? 1.8 : 2.6}"${s.dashed ? ' stroke-dasharray="6 5"' : ""}/>`,
      s.dashed ? "" : `<circle cx="${lx + 14}" cy="${y}" r="4" fill="#fff" stroke="${s.colour}" stroke-width="2.2"/>`,
      `<text x="${lx + 36}" y="${y + 4}" fill="#1a1a1a">${escape(s.label)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.filter(Boolean).join("\n")}\n`;
}

/** The next round number above `v` (1, 2, 2.5, 5 × a power of ten). */
function niceCeiling(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
