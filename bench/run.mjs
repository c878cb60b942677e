// `npm run bench`: builds every bench/*.bench.ts with esbuild, runs them one after another (so they
// do not compete for the 2 cores), prints their figures and rewrites docs/BENCHMARKS.md.
// `npm run bench -- screen plan` runs only the named ones and keeps the others' last sections.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../scripts/entries.mjs";

const benchDir = join(root, "bench");
const outDir = join(root, ".cache", "bench");
const resultsFile = join(root, "bench", "results.json");
const only = process.argv.slice(2);
const names = readdirSync(benchDir).filter((f) => f.endsWith(".bench.ts")).map((f) => f.replace(/\.bench\.ts$/, "")).sort();
const selected = only.length ? names.filter((n) => only.includes(n)) : names;

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "package.json"), '{"type":"module"}\n');
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};
const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;

for (const name of selected) {
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(benchDir, `${name}.bench.ts`)], outfile, bundle: true, platform: "node", format: "esm",
    target: "node24", external: ["sharp", "jpeg-js", "pngjs"], logLevel: "warning",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  process.stdout.write(`\n▶ ${name}\n`);
  const started = new Date();
  const result = await (await import(pathToFileURL(outfile).href)).default();
  for (const f of result.figures) {
    const verdict = f.pass === undefined ? "" : f.pass ? "  ✓" : "  ✗ misses";
    process.stdout.write(`  ${f.name}: ${fmt(f.value)} ${f.unit}${f.goal ? `  (goal ${f.goal})` : ""}${verdict}\n`);
  }
  const date = started.toISOString().slice(0, 10);
  previous[name] = result.partial && previous[name] ? mergePartial(previous[name], result, date) : { ...result, date, machine, command: `npm run bench -- ${name}` };
}
writeFileSync(resultsFile, JSON.stringify(previous, null, 2) + "\n");

const lines = [
  "# Benchmarks",
  "",
  "Measured by `npm run bench` (all) or `npm run bench -- NAME` (one); this file is rewritten from",
  "`bench/results.json` each time. Goals are DESIGN.md's quality bars. Figures that miss are kept and marked.",
  "",
];
for (const name of Object.keys(previous).sort()) {
  const r = previous[name];
  lines.push(`## ${r.title}`, "", r.description, "", `Command: \`${r.command}\` · machine: ${r.machine} · date: ${r.date}`, "");
  lines.push("| figure | value | goal | meets |", "|---|---:|---|---|");
  for (const f of r.figures) lines.push(`| ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.goal ?? ""} | ${f.pass === undefined ? "" : f.pass ? "yes" : "**no**"} |`);
  if (r.notes?.length) lines.push("", ...r.notes);
  lines.push("");
}
mkdirSync(join(root, "docs"), { recursive: true });
writeFileSync(join(root, "docs", "BENCHMARKS.md"), lines.join("\n"));
process.stdout.write(`\ndocs/BENCHMARKS.md written (${Object.keys(previous).length} benchmarks)\n`);

function fmt(v) {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/**
 * A run of some cases only (SEEDLOCK_BENCH_CASES) updates those in the last full run's section:
 * figures by name, and in each table the rows by their first cell, the others kept in their place;
 * the text around the tables is the new run's, and a line says what was re-measured when and that
 * the other rows are the full run's, with its date and load.
 */
function mergePartial(full, part, date) {
  const firstCell = (line) => (line.startsWith("| ") ? line.split("|")[1].trim() : undefined);
  const figures = full.figures.map((f) => part.figures.find((p) => p.name === f.name) ?? f);
  for (const f of part.figures) if (!figures.some((g) => g.name === f.name)) figures.push(f);
  const fullNotes = full.notes ?? [];
  /** A table's rows in the full run, found by the header line above them. */
  const rowsUnder = (notes, header) => {
    const at = notes.indexOf(header);
    const rows = [];
    for (let i = at + 2; at >= 0 && i < notes.length && notes[i].startsWith("| "); i++) rows.push(notes[i]);
    return rows;
  };
  const notes = [];
  const partNotes = part.notes ?? [];
  for (let i = 0; i < partNotes.length; i++) {
    const line = partNotes[i];
    notes.push(line);
    if (!line.startsWith("| ") || !partNotes[i + 1]?.startsWith("|---")) continue;
    notes.push(partNotes[++i]);
    const measured = [];
    while (partNotes[i + 1]?.startsWith("| ")) measured.push(partNotes[++i]);
    const byCell = new Map(measured.map((r) => [firstCell(r), r]));
    const kept = rowsUnder(fullNotes, line);
    for (const r of kept) notes.push(byCell.get(firstCell(r)) ?? r);
    for (const r of measured) if (!kept.some((k) => firstCell(k) === firstCell(r))) notes.push(r);
  }
  const earlier = fullNotes.filter((l) => l.startsWith("Re-measured ") || l.startsWith("The other rows "));
  const load = fullNotes.find((l) => l.startsWith("Load average when measured"));
  const others = earlier.length ? [] : [`The other rows are from \`${full.command}\` on ${full.date}${load ? ` (${load.replace(/^Load average when measured: /, "load average ").replace(/;.*$/, "")})` : ""}.`];
  return { ...full, figures, notes: [...notes, ...[...others, ...earlier, `Re-measured ${date}: ${part.partial}`].flatMap((l) => ["", l])] };
}
