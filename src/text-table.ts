/** Plain-text tables for terminals and logs: columns padded to their widest cell, no colour. */

export interface TableOptions {
  /** Per column; numbers are right-aligned and text left-aligned unless this says otherwise. */
  align?: ("left" | "right")[];
  /** Spaces between columns (default 2). */
  gap?: number;
}

/** Renders a header row, a rule, then the rows. Cells are strings or numbers; the result has no trailing newline. */
export function renderTable(headers: string[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const columns = Math.max(headers.length, ...rows.map((r) => r.length));
  const cells = [headers, ...rows].map((row) => Array.from({ length: columns }, (_, i) => (row[i] === undefined ? "" : String(row[i]))));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...cells.map((row) => displayWidth(row[i]!))));
  const align = Array.from({ length: columns }, (_, i) => opts.align?.[i] ?? (rows.length && rows.every((r) => r[i] === undefined || typeof r[i] === "number") ? "right" : "left"));
  const gap = " ".repeat(opts.gap ?? 2);
  const line = (row: string[]) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat(widths[i]! - displayWidth(cell));
        return align[i] === "right" ? pad + cell : cell + pad;
      })
      .join(gap)
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join(gap);
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join("\n");
}

/** Terminal columns a string takes: combining marks take none. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) if (!/\p{Mn}/u.test(char)) width++;
  return width;
}

