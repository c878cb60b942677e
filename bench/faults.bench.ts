// The fault table: runs the fault-injection suite (test/faults/, the same tests `npm test` runs)
// in a child process and reports what each scenario cost: accepted images lost, seeds paid twice,
// money past the ceiling, and failures a user could not act on. Every column's goal is 0.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { FaultRow } from "../test/faults/fault-table.js";
import { repoRoot, loadNote } from "./cli-process.js";
import type { Bench, Figure } from "./types.js";

const bench: Bench = async () => {
  const rows = join(repoRoot, ".cache", "faults");
  const table = join(repoRoot, ".cache", "faults.json");
  // Rows from an earlier run must not stand in for this one.
  rmSync(rows, { recursive: true, force: true });
  rmSync(table, { force: true });
  const started = performance.now();
  const ran = spawnSync(process.execPath, [join(repoRoot, "node_modules", "vitest", "vitest.mjs"), "run", "test/faults"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}`, NO_COLOR: "1" },
    maxBuffer: 64 << 20,
  });
  const wallMs = performance.now() - started;
  if (!existsSync(table)) throw new Error(`the fault suite wrote no table (exit ${ran.status}):\n${(ran.stdout + ran.stderr).slice(-3000)}`);
  const faults = JSON.parse(readFileSync(table, "utf8")) as FaultRow[];
  // Colour codes out, in case the terminal settings let them through.
  const plain = ran.stdout.replace(/\u001b\[[0-9;]*m/g, "");
  const summary = /Tests\s+(.*)/.exec(plain)?.[1]?.trim() ?? `exit ${ran.status}`;

  const total = (key: "acceptedLost" | "seedsRepaid" | "overspendUsd" | "unclearFailure") => faults.reduce((n, r) => n + r[key], 0);
  const figures: Figure[] = [
    { name: "scenarios run", value: faults.length, unit: "" },
    { name: "accepted images lost", value: total("acceptedLost"), unit: "", goal: "0", pass: total("acceptedLost") === 0 },
    { name: "seeds paid twice", value: total("seedsRepaid"), unit: "", goal: "0", pass: total("seedsRepaid") === 0 },
    { name: "overspend", value: total("overspendUsd"), unit: "USD", goal: "0", pass: total("overspendUsd") <= 0 },
    { name: "unclear failures", value: total("unclearFailure"), unit: "", goal: "0", pass: total("unclearFailure") === 0 },
  ];
  const mark = (v: number) => (v === 0 ? "0" : `**${Number.isInteger(v) ? v : v.toFixed(4)}**`);
  return {
    title: "Fault injection",
    description:
      "`npx vitest run test/faults` (part of `npm test`), run by the bench in a child process; each scenario scores itself into `.cache/faults.json`. " +
      "Accepted images lost: accepted drafts and outputs the lockfile had recorded that were gone afterwards, or whose file no longer matched its sha256. " +
      "Seeds paid twice: paid calls for a draft or final whose answer seedlock had already received and kept (lockfile, output or answer journal), " +
      "seen from the service's side by a proxy; a designed regeneration of an undecodable image is not counted. Overspend: spend past the ceiling by " +
      "seedlock's ledger or the service's bill. Unclear failures: runs that ended with the wrong exit code, without saying what to do, or with a stack " +
      "trace for a cause the user can fix. A read-only folder is made as a path through a regular file, because the tests run as root and chmod does not stop root.",
    figures,
    notes: [
      loadNote(),
      "",
      `Suite: ${summary}; ${(wallMs / 1000).toFixed(1)} s wall time. Tests marked \`it.fails\` pin the bugs behind the non-zero cells; they are named in the test files.`,
      "",
      "| scenario | accepted lost | seeds paid twice | overspend (USD) | unclear failures | what happened |",
      "|---|---:|---:|---:|---:|---|",
      ...faults.map((r) => `| ${r.scenario} | ${mark(r.acceptedLost)} | ${mark(r.seedsRepaid)} | ${mark(r.overspendUsd)} | ${mark(r.unclearFailure)} | ${r.note.replace(/\|/g, "\\|")} |`),
      "",
      "Random SIGKILLs while calls are under way are covered by test/e2e/resume.test.ts (22 kills, each followed by a rerun); the kills here aim at the moments a random kill rarely hits.",
    ],
  };
};
export default bench;
