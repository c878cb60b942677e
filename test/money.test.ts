import { describe, expect, it } from "vitest";
import { formatPercent, formatUsd, MARKDOWN, roundUsd } from "../src/money.js";

describe("every figure is kept to the micro-dollar", () => {
  it.each([
    [0.1 + 0.2, 0.3],
    [0.1234567, 0.123457],
    [0.0336, 0.0336],
    [1.0000004, 1],
    [0, 0],
  ])("%s is kept as %s", (usd, kept) => {
    expect(roundUsd(usd)).toBe(kept);
  });
});

describe("dollars read the same on every terminal table, log line and report.html", () => {
  it.each([
    [0, "$0.00"],
    [0.1, "$0.10"],
    [0.134, "$0.13"],
    [1.2345, "$1.23"],
    [0.05, "$0.0500"],
    [0.05376, "$0.0538"],
    [-0.05, "-$0.0500"],
  ])("%s is written %s", (usd, shown) => {
    expect(formatUsd(usd)).toBe(shown);
  });
});

describe("dollars in the job summary and pull-request comments show a per-image price exactly", () => {
  it.each([
    [0, "$0.00"],
    [0.05, "$0.05"],
    [0.134, "$0.1340"],
    [0.05376, "$0.0538"],
    [1.2345, "$1.23"],
    [12, "$12.00"],
  ])("%s is written %s", (usd, shown) => {
    expect(formatUsd(usd, MARKDOWN)).toBe(shown);
  });
});

describe("a fixed number of places wins over either rule", () => {
  it.each([
    [0.1, 4, "$0.1000"],
    [0.0123, 4, "$0.0123"],
    [0.05, 2, "$0.05"],
    [5, 2, "$5.00"],
  ] as const)("%s to %s places is %s", (usd, places, shown) => {
    expect(formatUsd(usd, { places })).toBe(shown);
    expect(formatUsd(usd, { ...MARKDOWN, places })).toBe(shown);
  });
});

describe("rates read as percentages, and a rate not measured yet as a dash", () => {
  it.each([
    [0, "0%", "0 %"],
    [0.025, "2.5%", "3 %"],
    [0.123, "12%", "12 %"],
    [1, "100%", "100 %"],
    [null, "—", "–"],
    [undefined, "—", "–"],
    [Number.NaN, "—", "–"],
  ])("%s is %s in a table and %s in Markdown", (rate, text, markdown) => {
    expect(formatPercent(rate)).toBe(text);
    expect(formatPercent(rate, MARKDOWN)).toBe(markdown);
  });
});
