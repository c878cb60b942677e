import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

// src/report/table.ts
function renderTable(headers, rows, opts = {}) {
  const columns = Math.max(headers.length, ...rows.map((r) => r.length));
  const cells = [headers, ...rows].map((row) => Array.from({ length: columns }, (_, i) => row[i] === void 0 ? "" : String(row[i])));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...cells.map((row) => displayWidth(row[i]))));
  const align = Array.from({ length: columns }, (_, i) => opts.align?.[i] ?? (rows.length && rows.every((r) => r[i] === void 0 || typeof r[i] === "number") ? "right" : "left"));
  const gap = " ".repeat(opts.gap ?? 2);
  const line = (row) => row.map((cell, i) => {
    const pad = " ".repeat(widths[i] - displayWidth(cell));
    return align[i] === "right" ? pad + cell : cell + pad;
  }).join(gap).trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join(gap);
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}
function displayWidth(text) {
  let width = 0;
  for (const char of text) if (!new RegExp("\\p{Mn}", "u").test(char)) width++;
  return width;
}
function formatUsd(usd) {
  const sign = usd < 0 ? "-" : "";
  const abs = Math.abs(usd);
  return `${sign}$${abs >= 0.1 || abs === 0 ? abs.toFixed(2) : abs.toFixed(4)}`;
}
function formatPercent(rate) {
  const pct = rate * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

export {
  renderTable,
  formatUsd,
  formatPercent
};
