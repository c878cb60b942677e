// The seedlock CLI as a user runs it, for the benches that drive whole runs: built from the current
// source (the same bundle options as dist/), started as a child process in a throw-away repository,
// timed from spawn to exit, with its peak memory when /usr/bin/time is there to tell.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { RunReport } from "../src/run-report.js";

/** The repository root, found from the bundled bench in .cache/bench/. */
export const repoRoot = join(dirname(new URL(import.meta.url).pathname), "..", "..");

const TIME = "/usr/bin/time";
export const KEY = "bench-key";

let built: string | undefined;

/** Builds cli.js, main.js and post.js once per bench process; inside the repository so sharp resolves. */
export function buildSeedlock(): { cli: string; main: string } {
  const out = join(repoRoot, ".cache", "bench", "seedlock-build");
  if (!built) {
    mkdirSync(out, { recursive: true });
    execFileSync(process.execPath, ["--input-type=module", "-e", `import(${JSON.stringify(join(repoRoot, "scripts", "entries.mjs"))}).then((m) => m.buildEntries(${JSON.stringify(out)}))`]);
    writeFileSync(join(out, "package.json"), '{"type":"module"}\n');
    built = out;
  }
  return { cli: join(built, "cli.js"), main: join(built, "main.js") };
}

/** A fresh folder that is its own repository root (a `.git` folder marks it), holding assets.yaml. */
export function scratchRepo(manifest: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-bench-"));
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "assets.yaml"), manifest);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Maximum resident set size of the process, from /usr/bin/time -v; NaN without it. */
  peakRssMb: number;
  /** User + system CPU time of the process, from /usr/bin/time -v; NaN without it. */
  cpuMs: number;
  /** The `--json` report, when the run printed one. */
  report?: RunReport;
}

/** `seedlock <args> --json --base-url url` in `dir`, with a key in the environment. */
/** `measureMemory` also measures CPU time: both come from /usr/bin/time -v. */
export function runSeedlock(dir: string, url: string, args: string[], options: { measureMemory?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const { cli } = buildSeedlock();
  const argv = [cli, ...args, "--json", "--base-url", url];
  const timed = options.measureMemory && existsSync(TIME);
  const [file, fileArgs] = timed ? [TIME, ["-v", process.execPath, ...argv]] : [process.execPath, argv];
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: KEY, ...options.env };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, fileArgs, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const cpuMs = user && system ? (Number(user[1]) + Number(system[1])) * 1000 : NaN;
      let report: RunReport | undefined;
      try {
        report = JSON.parse(stdout) as RunReport;
      } catch {
        report = undefined;
      }
      resolve({ code, stdout, stderr, wallMs, peakRssMb: kb ? Number(kb[1]) / 1024 : NaN, cpuMs, ...(report ? { report } : {}) });
    });
  });
}

/** Throws with the run's own words when it did not exit as expected. */
export function expectExit(run: CliRun, codes: number[], what: string): CliRun {
  if (!codes.includes(run.code ?? -1)) throw new Error(`${what}: seedlock exited ${run.code}, expected ${codes.join(" or ")}\n${run.stderr.slice(-2000)}`);
  return run;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The machine's load when a bench ran: figures from a shared, busy machine read differently from a quiet one's. */
export function loadNote(): string {
  const [one, five] = loadavg();
  return `Load average when measured: ${one!.toFixed(1)} (1 min), ${five!.toFixed(1)} (5 min) on ${cpus().length} cores; the machine was shared with other engineers' builds and test runs, so wall times carry that noise.`;
}
