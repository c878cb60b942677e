// Time from SIGINT to exit: runs test/e2e/interrupt.test.ts (the real CLI as a child process, the
// real SDK, the emulator behind a recording proxy; the same test `npm test` runs) ROUNDS times in a
// child vitest and reports, per case, the slowest and the median time from the signal to the CLI's
// exit. The test itself asserts exit 130, that every answer received before the signal is in the
// lockfile, and that the rerun pays for none of them; the bench reads what it saw from the file
// named in SEEDLOCK_INTERRUPT_TIMINGS.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadNote, median, repoRoot } from "./cli-process.js";
import type { Bench, Figure } from "./types.js";

const ROUNDS = process.env.SEEDLOCK_BENCH_QUICK === "1" ? 1 : 5;
const GOAL_MS = 2_000;

interface Seen {
  label: string;
  ms: number;
  code: number | null;
  rerunCode: number | null;
  answeredBefore: number;
  paidAgain: number;
}

const bench: Bench = async () => {
  const file = join(repoRoot, ".cache", "interrupt.json");
  const all: Seen[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rmSync(file, { force: true });
    const ran = spawnSync(process.execPath, [join(repoRoot, "node_modules", "vitest", "vitest.mjs"), "run", "test/e2e/interrupt.test.ts"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", SEEDLOCK_INTERRUPT_TIMINGS: file },
      maxBuffer: 16 << 20,
    });
    // A failed assertion (wrong exit code, an answer paid again) fails the bench: its figures would mean nothing.
    if (ran.status !== 0 || !existsSync(file)) throw new Error(`test/e2e/interrupt.test.ts failed in round ${round + 1} (exit ${ran.status}):\n${(ran.stdout + ran.stderr).slice(-3000)}`);
    all.push(...(JSON.parse(readFileSync(file, "utf8")) as Seen[]));
  }
  const labels = [...new Set(all.map((s) => s.label))];
  const figures: Figure[] = [];
  const rows: string[] = [];
  for (const label of labels) {
    const runs = all.filter((s) => s.label === label);
    const slowest = Math.max(...runs.map((s) => s.ms));
    figures.push({ name: `SIGINT ${label}: slowest exit of ${runs.length}`, value: slowest, unit: "ms", goal: `≤ ${GOAL_MS} ms`, pass: slowest <= GOAL_MS });
    const paidAgain = runs.reduce((n, s) => n + s.paidAgain, 0);
    figures.push({ name: `SIGINT ${label}: answers received before the signal that the rerun paid for again`, value: paidAgain, unit: "", goal: "0", pass: paidAgain === 0 });
    rows.push(
      `| ${label} | ${runs.map((s) => s.code).join(", ")} | ${median(runs.map((s) => s.ms))} ms | ${slowest} ms | ${runs.map((s) => s.answeredBefore).join(", ")} | ${runs.map((s) => s.rerunCode).join(", ")} | ${paidAgain} |`,
    );
  }
  return {
    title: "Stop when asked: SIGINT to exit",
    description:
      `\`npx vitest run test/e2e/interrupt.test.ts\` (part of \`npm test\`) ${ROUNDS} times in a child process: \`seedlock preview\` as a child process, one call at a time, ` +
      "against the emulator behind a recording proxy; the third request is answered 429 with RetryInfo 90s, or never answered. SIGINT goes 400 ms after " +
      "that request was sent; the time is from the signal to the CLI's exit (its tuned child included). A request with no answer gets the stop's grace " +
      "(1.5 s, `DEFAULT_STOP_GRACE_MS`) to be answered, because the service bills a generation it has begun; a backoff ends at once. The test asserts exit 130, " +
      "that both answers received before the signal are in the lockfile, and that the rerun exits 0 paying for neither.",
    figures,
    notes: [
      loadNote(),
      "",
      "| case | exit codes | median | slowest | answers before the signal | rerun exit codes | paid again |",
      "|---|---|---:|---:|---|---|---:|",
      ...rows,
    ],
  };
};
export default bench;
