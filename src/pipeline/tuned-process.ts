import { spawn } from "node:child_process";
import { constants } from "node:os";

/**
 * The image work runs in a child process started with the memory settings that only act at
 * process start: a 4 MB young generation (each answer is a base64 string of hundreds of kilobytes,
 * garbage a moment later) and two malloc arenas (libvips and libuv threads otherwise keep a
 * fragmented arena each). A 1,000-draft run then peaks near half the memory. Both entry points,
 * the CLI and the Action, start their image work this way. The parent only relays: every signal
 * goes to the child (which keeps its handlers for the whole command), its exit code comes back,
 * and a parent that dies, even by SIGKILL, takes the child with it at once.
 */

const CHILD = "SEEDLOCK_TUNED_CHILD";
const RELAYED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** Signals that end the process: held for its whole life, so the default action never kills it without its code. */
const HELD = ["SIGINT", "SIGTERM"] as const;

export interface TunedWork {
  /** Whether this process should hand the work to a tuned child instead of doing it. */
  wanted: boolean;
  /** The script the child runs: this entry point again (process.argv[1]). */
  entry: string;
  /** Its arguments. */
  args: string[];
  /** The work itself, here or in the child; resolves to the exit code. */
  work: () => Promise<number>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Does `work` in this process, or hands it to a tuned child when `wanted` (and this is not that
 * child already); resolves to the exit code either way. A SIGINT or SIGTERM that meets no handler
 * of the work's own ends the process with 128 + its number, as the default action would, and one
 * that comes once the code is known ends it with that code.
 */
export async function runTuned(tuned: TunedWork): Promise<number> {
  const env = tuned.env ?? process.env;
  const handOff = tuned.wanted && !isTunedChild(env);
  let code: number | undefined;
  for (const signal of HELD) {
    process.on(signal, () => {
      if (code !== undefined) process.exit(code);
      // The child decides, or the work's own handler stops the work.
      if (handOff || process.listenerCount(signal) > 1) return;
      process.exit(128 + constants.signals[signal]);
    });
  }
  followParent(env);
  code = handOff ? await runInTunedChild(tuned.args, tuned.entry) : await tuned.work();
  reportToParent(env, code);
  return code;
}

/** Whether this process is the tuned child of one that handed it its work. */
export function isTunedChild(env: NodeJS.ProcessEnv): boolean {
  return env[CHILD] === "1";
}

/** Runs `entry` again as a tuned child with `args`; resolves to its exit code. */
function runInTunedChild(args: string[], entry: string): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, "--max-semi-space-size=4", entry, ...args], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2", [CHILD]: "1" },
    // Its own process group: a Ctrl-C at the terminal reaches it once, relayed here, not twice.
    // (On Windows a detached child gets a console of its own; there Ctrl-C is not a POSIX signal anyway.)
    detached: process.platform !== "win32",
  });
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of RELAYED) process.on(signal, relay);
  let reported: number | undefined;
  // Once the child's work is over it says its code: a signal after that (a repeated SIGTERM) is not
  // relayed, since it could only kill the child while it closes and lose that code.
  child.on("message", (message: { exitCode?: unknown }) => {
    if (typeof message?.exitCode !== "number") return;
    reported = message.exitCode;
    for (const s of RELAYED) process.off(s, relay);
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      for (const s of RELAYED) process.off(s, relay);
      resolve(reported ?? code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

/** In the child: tells the parent the work's exit code as soon as it is decided. */
function reportToParent(env: NodeJS.ProcessEnv, exitCode: number): void {
  if (isTunedChild(env) && process.send) process.send({ exitCode });
}

/** In the child: the IPC channel does not keep it alive, and losing the parent ends it like a kill. */
function followParent(env: NodeJS.ProcessEnv): void {
  if (!isTunedChild(env) || !process.channel) return;
  process.channel.unref();
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
}
