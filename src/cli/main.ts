import { parseArgs } from "node:util";
import { ExitCode, InputError, SeedlockError } from "../errors.js";
import { StderrLogger } from "../logger.js";
import { GLOBAL_OPTIONS, type Command } from "./command.js";

/** Each command lives in its own module, loaded only when asked for. */
const COMMANDS: Record<string, () => Promise<Command>> = {};

export function registerCommand(name: string, load: () => Promise<Command>): void {
  COMMANDS[name] = load;
}

function usage(): string {
  const names = Object.keys(COMMANDS).join(" | ");
  return [
    `usage: seedlock <${names}> [--manifest assets.yaml] [--max-budget-usd N] [--base-url URL] [--json]`,
    "",
    "Environment: GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL.",
    "Exit codes: 0 done, 1 fault, 2 invalid input, 3 budget exceeded, 4 attempt cap, 5 provider unavailable, 130 interrupted.",
  ].join("\n");
}

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
    if (!name || name === "--help" || name === "-h" || name === "help") {
      process.stdout.write(`${usage()}\n`);
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
      throw new InputError([{ message: (err as Error).message.replace(/\. To specify a positional.*$/s, ""), fix: `run "seedlock ${name} --help" for the flags it takes` }]);
    }
    if (parsed.values.help) {
      process.stdout.write(`seedlock ${name}: ${command.summary}\n`);
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
        process.stdout.write(`${JSON.stringify({ exitCode: err.exitCode, error: err.message, ...(diagnostics ? { diagnostics } : {}) })}\n`);
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
