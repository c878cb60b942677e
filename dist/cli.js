#!/usr/bin/env node
import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  runTuned
} from "./chunks/chunk-LQGBYXID.js";
import {
  wantsColor,
  widthOf
} from "./chunks/chunk-MFRKUSXS.js";
import {
  runResultJson
} from "./chunks/chunk-6M3LJYRS.js";
import {
  StderrLogger
} from "./chunks/chunk-PK654C6K.js";
import {
  EXIT_CODE_MEANING,
  ExitCode,
  InputError,
  SeedlockError
} from "./chunks/chunk-CBOTSRC4.js";
import "./chunks/chunk-4RHKQ3D4.js";

// src/cli/main.ts
import { parseArgs } from "node:util";

// package.json
var package_default = {
  name: "seedlock",
  version: "0.1.0",
  private: true,
  description: "Draft image assets cheaply on Gemini's Lite model, screen them, render only the keepers, and lock every seed and prompt.",
  license: "MIT",
  type: "module",
  bin: {
    seedlock: "dist/cli.js"
  },
  engines: {
    node: ">=24"
  },
  scripts: {
    build: "tsc -p tsconfig.json --noEmit",
    bundle: "node scripts/bundle.mjs",
    lint: "tsc -p tsconfig.json --noEmit && node scripts/lint.mjs",
    test: "tsc -p tsconfig.json --noEmit && node scripts/lint.mjs && vitest run",
    "setup:chromium": "bash scripts/setup-ci.sh",
    bench: "node scripts/bundle.mjs && node bench/run.mjs",
    demo: "node dist/cli.js demo"
  },
  dependencies: {
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@google/genai": "^3.1.0",
    ajv: "^8.20.0",
    sharp: "0.35.5",
    yaml: "^2.9.1"
  },
  devDependencies: {
    "@types/node": "24.19.2",
    "@types/pngjs": "^6.0.5",
    esbuild: "0.28.2",
    "jpeg-js": "^0.4.4",
    marked: "^18.2.1",
    node: "24.9.0",
    pngjs: "^7.0.0",
    typescript: "5.9.3",
    vitest: "^5.1.1"
  },
  allowScripts: {
    node: true,
    esbuild: true,
    protobufjs: false
  }
};

// src/cli/command.ts
var GLOBAL_OPTIONS = {
  manifest: { type: "string", default: "assets.yaml", value: "PATH", help: "the asset manifest; its lockfile is the .lock.yaml beside it" },
  "max-budget-usd": { type: "string", value: "N", help: "a ceiling in USD for this run, a plain number \u2265 0 such as 5 or 0.50 (0 spends nothing: any command with work to pay for exits 3 before its first call); lowers the manifest's budget.maxUsd, never raises it" },
  "base-url": { type: "string", value: "URL", help: "the Gemini API's base URL, an http(s) URL (default: GOOGLE_GEMINI_BASE_URL, else Google's), e.g. a local `seedlock emulate`" },
  json: { type: "boolean", default: false, help: "print one JSON object on stdout (schema/run-result.v1.json) instead of the table" },
  verbose: { type: "boolean", short: "v", default: false, help: "log every call and retry on stderr" },
  help: { type: "boolean", short: "h", default: false, help: "show this help and exit" },
  version: { type: "boolean", default: false, help: "print seedlock's version and exit" }
};
function parseArgsOptions(...tables) {
  const options = {};
  for (const table of tables) {
    for (const [name, flag] of Object.entries(table)) {
      options[name] = {
        type: flag.type,
        ...flag.short ? { short: flag.short } : {},
        ...flag.multiple ? { multiple: true } : {},
        ...flag.default !== void 0 ? { default: flag.default } : {}
      };
    }
  }
  return options;
}

// src/cli/help.ts
var ENVIRONMENT = [
  ["GEMINI_API_KEY", "the Gemini API key (plan needs none)"],
  ["GOOGLE_GEMINI_BASE_URL", "the API's base URL when --base-url is not given"],
  ["NO_COLOR", "set to anything to print without colour"]
];
function overviewHelp(commands, layout) {
  const out = [
    `${bold("usage:", layout)} seedlock <command> [flags]`,
    "",
    bold("commands:", layout),
    ...rows(commands.map((c) => [c.name, c.summary]), layout),
    "",
    ...flagSection("global flags:", GLOBAL_OPTIONS, layout),
    ...trailer(layout),
    ...wrap(`Run "seedlock help <command>" or "seedlock <command> --help" for a command's own flags.`, layout.width)
  ];
  return out.join("\n") + "\n";
}
function commandHelp(name, command, layout) {
  const usage2 = `seedlock ${name}${command.usage ? ` ${command.usage}` : ""} [flags]`;
  const [first = "", ...rest] = wrap(`seedlock ${name} \u2014 ${command.summary}`, layout.width);
  const title = first.replace(`seedlock ${name}`, bold(`seedlock ${name}`, layout));
  const out = [title, ...rest, "", `${bold("usage:", layout)} ${usage2}`, ""];
  for (const paragraph of command.details ?? []) out.push(...wrap(paragraph, layout.width), "");
  if (Object.keys(command.options).length) out.push(...flagSection("flags:", command.options, layout));
  out.push(...flagSection("global flags:", GLOBAL_OPTIONS, layout), ...trailer(layout));
  return out.join("\n").replace(/\n+$/, "") + "\n";
}
function flagSection(title, table, layout) {
  const entries = Object.entries(table).map(([name, flag]) => {
    const short = flag.short ? `-${flag.short}, ` : "";
    const value = flag.type === "string" ? ` ${flag.value ?? "VALUE"}` : "";
    const byDefault = flag.type === "string" && flag.default !== void 0 && !flag.help.includes("default") ? ` (default ${String(flag.default)})` : "";
    return [`${short}--${name}${value}`, `${flag.help}${byDefault}`];
  });
  return [bold(title, layout), ...rows(entries, layout), ""];
}
function trailer(layout) {
  const codes = Object.entries(EXIT_CODE_MEANING).map(([code, meaning]) => [code, meaning]);
  return [bold("environment:", layout), ...rows(ENVIRONMENT, layout), "", bold("exit codes:", layout), ...rows(codes, layout), ""];
}
function rows(entries, layout) {
  const nameWidth = Math.min(Math.max(...entries.map(([n]) => n.length)), Math.floor(layout.width / 3));
  const indent = 2 + nameWidth + 2;
  const lines = [];
  for (const [name, text] of entries) {
    const wrapped = wrap(text, Math.max(20, layout.width - indent));
    if (name.length > nameWidth) {
      lines.push(`  ${name}`);
      for (const line of wrapped) lines.push(`${" ".repeat(indent)}${line}`);
      continue;
    }
    wrapped.forEach((line, i) => lines.push(i === 0 ? `  ${name.padEnd(nameWidth)}  ${line}` : `${" ".repeat(indent)}${line}`));
  }
  return lines;
}
function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}
function bold(text, layout) {
  return layout.color ? `\x1B[1m${text}\x1B[22m` : text;
}

// src/cli/main.ts
var COMMANDS = {};
function registerCommand(name, load) {
  COMMANDS[name] = load;
}
async function usage(env) {
  const commands = await Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => ({ name, summary: (await load()).summary })));
  return overviewHelp(commands, layoutFor(env));
}
function layoutFor(env) {
  return { width: widthOf(process.stdout, env), color: wantsColor(process.stdout, env) };
}
var VERSION = package_default.version;
async function main(argv2, env = process.env) {
  const logger = new StderrLogger(argv2.includes("--verbose") || argv2.includes("-v"));
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const [name, ...rest] = argv2;
    if (name === "--version" || name === "-V") {
      process.stdout.write(`seedlock ${VERSION}
`);
      return ExitCode.ok;
    }
    if (!name || name === "--help" || name === "-h" || name === "help" && rest.length === 0) {
      process.stdout.write(await usage(env));
      return name ? ExitCode.ok : ExitCode.invalidInput;
    }
    if (name === "help") {
      const topic = rest[0];
      const loadTopic = COMMANDS[topic];
      if (!loadTopic) throw new InputError([{ message: `no help for "${topic}": there is no such command`, fix: `use one of: ${Object.keys(COMMANDS).join(", ")}` }]);
      process.stdout.write(commandHelp(topic, await loadTopic(), layoutFor(env)));
      return ExitCode.ok;
    }
    const load = COMMANDS[name];
    if (!load) {
      throw new InputError([{ message: `unknown command "${name}"`, fix: `use one of: ${Object.keys(COMMANDS).join(", ")}` }]);
    }
    const command = await load();
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: parseArgsOptions(GLOBAL_OPTIONS, command.options), allowPositionals: true, strict: true });
    } catch (err) {
      throw new InputError([{ message: err.message.replace(/\. To specify a positional.*$/s, ""), fix: `run "seedlock ${name} --help" for the flags it takes` }]);
    }
    if (parsed.positionals.length && !command.takesArguments) {
      const [first] = parsed.positionals;
      throw new InputError([
        {
          message: `unexpected argument ${JSON.stringify(first)}; seedlock ${name} takes flags only`,
          fix: /\.ya?ml$/i.test(first) ? `to use that manifest, write seedlock ${name} --manifest ${first}` : `run "seedlock ${name} --help" for the flags it takes`
        }
      ]);
    }
    if (parsed.values.help) {
      process.stdout.write(commandHelp(name, command, layoutFor(env)));
      return ExitCode.ok;
    }
    if (parsed.values.version) {
      process.stdout.write(`seedlock ${VERSION}
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
      if (argv2.includes("--json")) {
        const diagnostics = err instanceof InputError ? err.diagnostics : void 0;
        process.stdout.write(runResultJson({ exitCode: err.exitCode, error: err.message, ...diagnostics ? { diagnostics } : {} }));
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
registerCommand("plan", async () => (await import("./chunks/plan-TWFFQL57.js")).planCommand);
registerCommand("preview", async () => (await import("./chunks/preview-RCKQASUI.js")).previewCommand);
registerCommand("run", async () => (await import("./chunks/run-S6YZRYB7.js")).runCommand);
registerCommand("render", async () => (await import("./chunks/render-UUCMGA25.js")).renderCommand);
registerCommand("summary", async () => (await import("./chunks/summary-KPTJZEGC.js")).summaryCommand);
registerCommand("verify", async () => (await import("./chunks/verify-EJAQB7HM.js")).verifyCommand);
registerCommand("merge-lock", async () => (await import("./chunks/merge-lock-WKHUOBDW.js")).mergeLockCommand);
registerCommand("demo", async () => (await import("./chunks/demo-F5CJAQ5Q.js")).demoCommand);
registerCommand("emulate", async () => (await import("./chunks/emulate-CHBMBPS3.js")).emulateCommand);
var argv = process.argv.slice(2);
var IMAGE_COMMANDS = /* @__PURE__ */ new Set(["run", "preview", "render", "demo"]);
var wanted = IMAGE_COMMANDS.has(argv[0] ?? "") && !argv.includes("--help") && !argv.includes("-h");
process.exitCode = await runTuned({ wanted, entry: process.argv[1], args: argv, work: () => main(argv) });
