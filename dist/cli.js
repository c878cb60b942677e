#!/usr/bin/env node
import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/errors.ts
function formatDiagnostic(d) {
  const where2 = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : "";
  const subject = d.path ? `${d.path} ` : "";
  const fix = d.fix ? ` (${d.fix})` : "";
  return `${where2}${subject}${d.message}${fix}`;
}
var ExitCode, SeedlockError, InputError;
var init_errors = __esm({
  "src/errors.ts"() {
    "use strict";
    ExitCode = {
      ok: 0,
      fault: 1,
      invalidInput: 2,
      budgetExceeded: 3,
      attemptCap: 4,
      providerUnavailable: 5,
      interrupted: 130
    };
    SeedlockError = class extends Error {
      constructor(message, exitCode, options) {
        super(message, options);
        this.exitCode = exitCode;
        this.name = new.target.name;
      }
      exitCode;
    };
    InputError = class extends SeedlockError {
      constructor(diagnostics, summary) {
        super(summary ?? diagnostics.map(formatDiagnostic).join("\n"), ExitCode.invalidInput);
        this.diagnostics = diagnostics;
      }
      diagnostics;
    };
  }
});

// src/cli/plan.ts
var plan_exports = {};
__export(plan_exports, {
  planCommand: () => planCommand
});
var planCommand;
var init_plan = __esm({
  "src/cli/plan.ts"() {
    "use strict";
    init_errors();
    planCommand = {
      summary: "estimate the spend of the manifest's changes before any call",
      options: {},
      async run() {
        throw new SeedlockError("plan is not built yet", ExitCode.fault);
      }
    };
  }
});

// src/cli/main.ts
init_errors();
import { parseArgs } from "node:util";

// src/logger.ts
var StderrLogger = class {
  constructor(verbose = false) {
    this.verbose = verbose;
  }
  verbose;
  debug(message) {
    if (this.verbose) process.stderr.write(`debug: ${message}
`);
  }
  info(message) {
    process.stderr.write(`${message}
`);
  }
  warn(message, location) {
    process.stderr.write(`warning: ${where(location)}${message}
`);
  }
  error(message, location) {
    process.stderr.write(`error: ${where(location)}${message}
`);
  }
  async group(name, fn) {
    if (this.verbose) process.stderr.write(`\u2500\u2500 ${name}
`);
    return fn();
  }
};
function where(location) {
  return location ? `${location.file}:${location.line}:${location.col}: ` : "";
}

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
registerCommand("plan", async () => (await Promise.resolve().then(() => (init_plan(), plan_exports))).planCommand);
var code = await main(process.argv.slice(2));
process.exitCode = code;
