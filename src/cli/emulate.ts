import { ExitCode, InputError, type Diagnostic } from "../errors.js";
import { startEmulator, type EmulatorOptions } from "../emulator/emulator.js";
import type { Command, OptionValues } from "./command.js";

/** `seedlock emulate`: a Gemini-compatible server on loopback for free dry runs and CI wiring. */
export const emulateCommand: Command = {
  summary: "serve a local Gemini-compatible API (images for free) until Ctrl-C",
  details: ["Speaks the Gemini API's wire format on 127.0.0.1, so seedlock and any @google/genai client run against it unchanged. Rates are shares from 0 to 1 of (model, prompt, seed), so a rerun sees the same answers."],
  options: {
    port: { type: "string", default: "8787", value: "N", help: "port to listen on, 0 for any free one" },
    "latency-ms": { type: "string", value: "MS", help: "time each answer takes (default 0)" },
    rpm: { type: "string", value: "N", help: "answer 429 RESOURCE_EXHAUSTED past N requests a minute (default: no limit)" },
    "error-rate": { type: "string", value: "P", help: "share of requests answered 503 UNAVAILABLE" },
    "block-rate": { type: "string", value: "P", help: "share of answers blocked (IMAGE_SAFETY or a prompt block)" },
    "corrupt-rate": { type: "string", value: "P", help: "share of images sent as bytes that do not decode" },
    "dark-rate": { type: "string", value: "P", help: "share of images drawn too dark (mean luma < 20)" },
    "flat-rate": { type: "string", value: "P", help: "share of images drawn flat (no contrast)" },
    "duplicate-rate": { type: "string", value: "P", help: "share of images drawn as a near-copy of the previous seed" },
    key: { type: "string", value: "KEY", help: "the only API key accepted (default: any non-empty key)" },
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
