import { spawn } from "node:child_process";
import { constants } from "node:os";

/**
 * The commands that handle images run in a child process started with the memory settings that
 * only act at process start: a 4 MB young generation (each answer is a base64 string of hundreds of
 * kilobytes, garbage a moment later) and two malloc arenas (libvips and libuv threads otherwise
 * keep a fragmented arena each). A 1,000-draft run then peaks near half the memory. The parent
 * only relays: every signal goes to the child (which keeps its handlers for the whole command),
 * its exit code comes back, and a parent that dies, even by SIGKILL, takes the child with it at once.
 */

const CHILD = "SEEDLOCK_TUNED_CHILD";
const IMAGE_COMMANDS = new Set(["run", "preview", "render", "demo"]);
const RELAYED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Whether this process should hand the command to a tuned child instead of running it. */
export function wantsTunedChild(argv: string[], env: NodeJS.ProcessEnv): boolean {
  return IMAGE_COMMANDS.has(argv[0] ?? "") && env[CHILD] !== "1" && !argv.includes("--help") && !argv.includes("-h");
}

/** Runs this CLI again as a tuned child with `argv`; resolves to its exit code. */
export function runInTunedChild(argv: string[], entry: string): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, "--max-semi-space-size=4", entry, ...argv], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2", [CHILD]: "1" },
    // Its own process group: a Ctrl-C at the terminal reaches it once, relayed here, not twice.
    // (On Windows a detached child gets a console of its own; there Ctrl-C is not a POSIX signal anyway.)
    detached: process.platform !== "win32",
  });
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of RELAYED) process.on(signal, relay);
  let reported: number | undefined;
  // Once the child's command is over it says its code: a signal after that (a repeated SIGTERM) is not
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

/** In the child: tells the parent the command's exit code as soon as it is decided. */
export function reportToParent(env: NodeJS.ProcessEnv, exitCode: number): void {
  if (env[CHILD] === "1" && process.send) process.send({ exitCode });
}

/** In the child: the IPC channel does not keep it alive, and losing the parent ends it like a kill. */
export function followParent(env: NodeJS.ProcessEnv): void {
  if (env[CHILD] !== "1" || !process.channel) return;
  process.channel.unref();
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
}
