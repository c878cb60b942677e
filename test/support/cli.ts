import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** Built from src/ by the global set-up; the same bundle options as dist/. */
export const builtCli = join(repoRoot, ".cache", "test-build", "cli.js");
export const builtMain = join(repoRoot, ".cache", "test-build", "main.js");
export const builtPost = join(repoRoot, ".cache", "test-build", "post.js");

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a built entry as a user would: a real process, its own env and cwd. */
export function runNode(script: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? repoRoot,
      // TMPDIR goes along, so a child's temporary files land in the run's own folder too (global-setup.ts).
      env: { ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}), ...(options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME }) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export function seedlock(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return runNode(builtCli, args, options);
}

/** A stack trace line, which a user mistake must never print. */
export const STACK_LINE = /\n\s+at [^\n]*:\d+:\d+/;
