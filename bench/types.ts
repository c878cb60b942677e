/** What one benchmark reports; bench/run.mjs prints it and writes docs/BENCHMARKS.md from all of them. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The bar from DESIGN.md or the issue, as text, e.g. "< 1500 ms" or "≤ 1.1 × bound". */
  goal?: string;
  /** Whether the figure meets its goal; undefined when there is no goal. */
  pass?: boolean;
}

export interface BenchResult {
  title: string;
  /** What was measured and how, in a sentence or two. */
  description: string;
  figures: Figure[];
  /** Extra lines (markdown) under the figures: tables, caveats, links to charts. */
  notes?: string[];
  /**
   * Only some cases were measured (SEEDLOCK_BENCH_CASES): bench/run.mjs keeps the last full run's
   * figures and table rows for the others, replacing those measured (figures by name, table rows by
   * their first cell), and adds this line saying what was re-measured and when.
   */
  partial?: string;
}

/** Each bench/<name>.bench.ts default-exports one of these. */
export type Bench = () => Promise<BenchResult>;
