import { parseArgs } from "node:util";
import { ExitCode, InputError, SeedlockError } from "../errors.js";
import { StderrLogger } from "../logger.js";
import { runResultJson } from "../report/json.js";
import packageJson from "../../package.json" with { type: "json" };
import { GLOBAL_OPTIONS, parseArgsOptions, type Command } from "./command.js";
import { commandHelp, overviewHelp } from "./help.js";
import { wantsColor, widthOf } from "./terminal.js";

/** Each command lives in its own module, loaded only when asked for. */
const COMMANDS: Record<string, () => Promise<Command>> = {};

export function registerCommand(name: string, load: () => Promise<Command>): void {
  COMMANDS[name] = load;
}

/** The overview loads every command for its summary; only help pays for that. */
async function usage(env: NodeJS.ProcessEnv): Promise<string> {
  const commands = await Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => ({ name, summary: (await load()).summary })));
  return overviewHelp(commands, layoutFor(env));
}

function layoutFor(env: NodeJS.ProcessEnv) {
  return { width: widthOf(process.stdout, env), color: wantsColor(process.stdout, env) };
}

export const VERSION: string = packageJson.version;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const logger = new StderrLogger(argv.includes("--verbose") || argv.includes("-v"));
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  // Not `once`: a second signal (Ctrl-C twice, a supervisor repeating SIGTERM) would kill the run mid-stop,
  // before it books the answers it is receiving; the stop ends within 2 s anyway.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const [name, ...rest] = argv;
    if (name === "--version" || name === "-V") {
      process.stdout.write(`seedlock ${VERSION}\n`);
      return ExitCode.ok;
    }
    if (!name || name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
      process.stdout.write(await usage(env));
      return name ? ExitCode.ok : ExitCode.invalidInput;
    }
    if (name === "help") {
      const topic = rest[0]!;
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
      throw new InputError([{ message: (err as Error).message.replace(/\. To specify a positional.*$/s, ""), fix: `run "seedlock ${name} --help" for the flags it takes` }]);
    }
    // `seedlock run other.yaml` would otherwise run assets.yaml: no command takes a bare argument.
    if (parsed.positionals.length && !command.takesArguments) {
      const [first] = parsed.positionals;
      throw new InputError([
        {
          message: `unexpected argument ${JSON.stringify(first)}; seedlock ${name} takes flags only`,
          fix: /\.ya?ml$/i.test(first!) ? `to use that manifest, write seedlock ${name} --manifest ${first}` : `run "seedlock ${name} --help" for the flags it takes`,
        },
      ]);
    }
    if (parsed.values.help) {
      process.stdout.write(commandHelp(name, command, layoutFor(env)));
      return ExitCode.ok;
    }
    if (parsed.values.version) {
      process.stdout.write(`seedlock ${VERSION}\n`);
      return ExitCode.ok;
    }
    return await command.run({
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
      logger,
      stdout: process.stdout,
      env,
      cwd: process.cwd(),
      signal: controller.signal,
    });
  } catch (err) {
    if (err instanceof SeedlockError) {
      logger.error(err.message);
      // A script that asked for --json reads stdout: give it one object there too, not silence.
      if (argv.includes("--json")) {
        const diagnostics = err instanceof InputError ? err.diagnostics : undefined;
        process.stdout.write(runResultJson({ exitCode: err.exitCode, error: err.message, ...(diagnostics ? { diagnostics } : {}) }));
      }
      return err.exitCode;
    }
    if (controller.signal.aborted) return ExitCode.interrupted;
    process.stderr.write(`seedlock: unexpected fault; please report it with this trace:\n${(err as Error)?.stack ?? String(err)}\n`);
    return ExitCode.fault;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
