#!/usr/bin/env node
import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  ExitCode,
  InputError,
  SeedlockError,
  StderrLogger
} from "./chunks/chunk-RUZPBMFR.js";
import "./chunks/chunk-4RHKQ3D4.js";

// src/cli/main.ts
import { parseArgs } from "node:util";

// src/cli/command.ts
var GLOBAL_OPTIONS = {
  manifest: { type: "string", default: "assets.yaml" },
  "max-budget-usd": { type: "string" },
  "base-url": { type: "string" },
  json: { type: "boolean", default: false },
  verbose: { type: "boolean", short: "v", default: false },
  help: { type: "boolean", short: "h", default: false }
};

// src/cli/main.ts
var COMMANDS = {};
function registerCommand(name, load) {
  COMMANDS[name] = load;
}
function usage() {
  const names = Object.keys(COMMANDS).join(" | ");
  return [
    `usage: seedlock <${names}> [--manifest assets.yaml] [--max-budget-usd N] [--base-url URL] [--json]`,
    "",
    "Environment: GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL.",
    "Exit codes: 0 done, 1 fault, 2 invalid input, 3 budget exceeded, 4 attempt cap, 5 provider unavailable, 130 interrupted."
  ].join("\n");
}
async function main(argv, env = process.env) {
  const logger = new StderrLogger(argv.includes("--verbose") || argv.includes("-v"));
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const [name, ...rest] = argv;
    if (!name || name === "--help" || name === "-h" || name === "help") {
      process.stdout.write(`${usage()}
`);
      return name ? ExitCode.ok : ExitCode.invalidInput;
    }
    const load = COMMANDS[name];
    if (!load) {
      throw new InputError([{ message: `unknown command "${name}"`, fix: `use one of: ${Object.keys(COMMANDS).join(", ")}` }]);
    }
    const command = await load();
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new InputError([{ message: err.message.replace(/\. To specify a positional.*$/s, ""), fix: `run "seedlock ${name} --help" for the flags it takes` }]);
    }
    if (parsed.values.help) {
      process.stdout.write(`seedlock ${name}: ${command.summary}
`);
      return ExitCode.ok;
    }
    return await command.run({
      values: parsed.values,
      positionals: parsed.positionals,
      logger,
      stdout: process.stdout,
      env,
      cwd: process.cwd(),
      signal: controller.signal
    });
  } catch (err) {
    if (err instanceof SeedlockError) {
      logger.error(err.message);
      if (argv.includes("--json")) {
        const diagnostics = err instanceof InputError ? err.diagnostics : void 0;
        process.stdout.write(`${JSON.stringify({ exitCode: err.exitCode, error: err.message, ...diagnostics ? { diagnostics } : {} })}
`);
      }
      return err.exitCode;
    }
    if (controller.signal.aborted) return ExitCode.interrupted;
    process.stderr.write(`seedlock: unexpected fault; please report it with this trace:
${err?.stack ?? String(err)}
`);
    return ExitCode.fault;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

// src/cli/index.ts
registerCommand("plan", async () => (await import("./chunks/plan-F3ZWPJI6.js")).planCommand);
registerCommand("preview", async () => (await import("./chunks/preview-ZLHQBUHZ.js")).previewCommand);
registerCommand("run", async () => (await import("./chunks/run-KXZTOKJM.js")).runCommand);
registerCommand("render", async () => (await import("./chunks/render-UHBWJSEV.js")).renderCommand);
registerCommand("verify", async () => (await import("./chunks/verify-QLDK2WKI.js")).verifyCommand);
registerCommand("demo", async () => (await import("./chunks/demo-MYYCAAFC.js")).demoCommand);
registerCommand("emulate", async () => (await import("./chunks/emulate-P5CIYWAL.js")).emulateCommand);
var code = await main(process.argv.slice(2));
process.exitCode = code;
