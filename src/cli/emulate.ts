import { ExitCode, InputError, type Diagnostic } from "../errors.js";
import { startEmulator, type EmulatorOptions } from "../emulator/emulator.js";
import type { Command, OptionValues } from "./command.js";

/** `seedlock emulate`: a Gemini-compatible server on loopback for free dry runs and CI wiring. */
export const emulateCommand: Command = {
  summary: "serve a local Gemini-compatible API (images for free) until Ctrl-C",
  options: {
    port: { type: "string", default: "8787" },
    "latency-ms": { type: "string" },
    rpm: { type: "string" },
    "error-rate": { type: "string" },
    "block-rate": { type: "string" },
    "corrupt-rate": { type: "string" },
    "dark-rate": { type: "string" },
    "flat-rate": { type: "string" },
    "duplicate-rate": { type: "string" },
    key: { type: "string" },
    "batch-delay-ms": { type: "string" },
  },
  async run(ctx) {
    const options = emulatorOptions(ctx.values);
    let emulator;
    try {
      emulator = await startEmulator({ ...options, logger: ctx.logger });
    } catch (err) {
      if ((err as { code?: string }).code === "EADDRINUSE") {
        throw new InputError([{ message: `port ${options.port} is already in use`, fix: "pick another with --port N, or --port 0 for any free port" }]);
      }
      throw err;
    }
    ctx.logger.info(`Gemini emulator listening on ${emulator.url}`);
    ctx.logger.info(`Point seedlock (or any @google/genai client) at it:\n  export GOOGLE_GEMINI_BASE_URL=${emulator.url}`);
    ctx.logger.info(
      options.key !== undefined
        ? "  export GEMINI_API_KEY=<the key given with --key>"
        : "  export GEMINI_API_KEY=anything   # any non-empty key is accepted",
    );
    ctx.logger.info("Stop with Ctrl-C.");
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await emulator.close();
    ctx.logger.info(`Emulator stopped after ${emulator.stats.requests} requests (${emulator.stats.images} images).`);
    return ExitCode.ok;
  },
};

/** Flags to EmulatorOptions; every bad value is reported at once, each with its fix. */
export function emulatorOptions(values: OptionValues): EmulatorOptions & { port: number } {
  const problems: Diagnostic[] = [];
  const integer = (flag: string, min: number, max: number, example: string): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      problems.push({ message: `--${flag} must be a whole number from ${min} to ${max}, got "${String(raw)}"`, fix: `e.g. --${flag} ${example}` });
      return undefined;
    }
    return n;
  };
  const rate = (flag: string): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !(n >= 0 && n <= 1)) {
      problems.push({ message: `--${flag} must be a share between 0 and 1, got "${String(raw)}"`, fix: `e.g. --${flag} 0.05 for 5 %` });
      return undefined;
    }
    return n;
  };
  const options: EmulatorOptions & { port: number } = { port: integer("port", 0, 65535, "8787 (or 0 for any free port)") ?? 8787 };
  const latencyMs = integer("latency-ms", 0, 600_000, "200");
  const rpm = integer("rpm", 1, 1_000_000, "60");
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  if (rpm !== undefined) options.rpm = rpm;
  // How long a batch job stays pending: 86400000 is the Batch API's 24 h target.
  const batchDelayMs = integer("batch-delay-ms", 0, 86_400_000, "60000");
  if (batchDelayMs !== undefined) options.batchDelayMs = batchDelayMs;
  const rates = {
    errorRate: rate("error-rate"),
    blockRate: rate("block-rate"),
    corruptRate: rate("corrupt-rate"),
    darkRate: rate("dark-rate"),
    flatRate: rate("flat-rate"),
    duplicateRate: rate("duplicate-rate"),
  };
  for (const name of Object.keys(rates) as (keyof typeof rates)[]) {
    const value = rates[name];
    if (value !== undefined) options[name] = value;
  }
  const key = values["key"];
  if (key !== undefined) {
    if (typeof key !== "string" || key.trim() === "") problems.push({ message: "--key must not be empty", fix: "give the key clients must send, or leave --key out to accept any" });
    else options.key = key;
  }
  if (problems.length > 0) throw new InputError(problems);
  return options;
}
