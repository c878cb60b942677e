import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

// src/pipeline/tuned-process.ts
import { spawn } from "node:child_process";
import { constants } from "node:os";
var CHILD = "SEEDLOCK_TUNED_CHILD";
var RELAYED = ["SIGINT", "SIGTERM", "SIGHUP"];
var HELD = ["SIGINT", "SIGTERM"];
async function runTuned(tuned) {
  const env = tuned.env ?? process.env;
  const handOff = tuned.wanted && !isTunedChild(env);
  let code;
  for (const signal of HELD) {
    process.on(signal, () => {
      if (code !== void 0) process.exit(code);
      if (handOff || process.listenerCount(signal) > 1) return;
      process.exit(128 + constants.signals[signal]);
    });
  }
  followParent(env);
  code = handOff ? await runInTunedChild(tuned.args, tuned.entry) : await tuned.work();
  reportToParent(env, code);
  return code;
}
function isTunedChild(env) {
  return env[CHILD] === "1";
}
function runInTunedChild(args, entry) {
  const child = spawn(process.execPath, [...process.execArgv, "--max-semi-space-size=4", entry, ...args], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2", [CHILD]: "1" },
    // Its own process group: a Ctrl-C at the terminal reaches it once, relayed here, not twice.
    // (On Windows a detached child gets a console of its own; there Ctrl-C is not a POSIX signal anyway.)
    detached: process.platform !== "win32"
  });
  const relay = (signal) => child.kill(signal);
  for (const signal of RELAYED) process.on(signal, relay);
  let reported;
  child.on("message", (message) => {
    if (typeof message?.exitCode !== "number") return;
    reported = message.exitCode;
    for (const s of RELAYED) process.off(s, relay);
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      for (const s of RELAYED) process.off(s, relay);
      resolve(reported ?? code ?? 128 + (signal ? constants.signals[signal] ?? 0 : 0));
    });
  });
}
function reportToParent(env, exitCode) {
  if (isTunedChild(env) && process.send) process.send({ exitCode });
}
function followParent(env) {
  if (!isTunedChild(env) || !process.channel) return;
  process.channel.unref();
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
}

export {
  runTuned
};
