import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  runTuned
} from "./chunks/chunk-LQGBYXID.js";
import {
  Input,
  getInput,
  setFailed
} from "./chunks/chunk-DXY4RWES.js";
import "./chunks/chunk-GEXTQ4V7.js";
import "./chunks/chunk-4RHKQ3D4.js";

// src/action/main.ts
var LIGHT_COMMANDS = /* @__PURE__ */ new Set(["plan", "verify", "summary"]);
var wanted = !LIGHT_COMMANDS.has(getInput(Input.command).trim()) || process.env.GITHUB_EVENT_NAME === "issue_comment";
process.exitCode = await runTuned({
  wanted,
  entry: process.argv[1],
  args: [],
  work: async () => {
    const { runMain } = await import("./chunks/run-MWNHBH5O.js");
    await runMain().catch((err) => setFailed(`seedlock failed unexpectedly: ${err?.stack ?? String(err)}`));
    return Number(process.exitCode ?? 0);
  }
});
