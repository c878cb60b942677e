import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  startEmulator
} from "./chunk-YSOILUTC.js";
import "./chunk-B26JENO5.js";
import {
  ExitCode,
  InputError
} from "./chunk-RUZPBMFR.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/emulate.ts
var emulateCommand = {
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
    key: { type: "string" }
  },
  async run(ctx) {
    const options = emulatorOptions(ctx.values);
    let emulator;
    try {
      emulator = await startEmulator({ ...options, logger: ctx.logger });
    } catch (err) {
      if (err.code === "EADDRINUSE") {
        throw new InputError([{ message: `port ${options.port} is already in use`, fix: "pick another with --port N, or --port 0 for any free port" }]);
      }
      throw err;
    }
    ctx.logger.info(`Gemini emulator listening on ${emulator.url}`);
    ctx.logger.info(`Point seedlock (or any @google/genai client) at it:
  export GOOGLE_GEMINI_BASE_URL=${emulator.url}`);
    ctx.logger.info(
      options.key !== void 0 ? "  export GEMINI_API_KEY=<the key given with --key>" : "  export GEMINI_API_KEY=anything   # any non-empty key is accepted"
    );
    ctx.logger.info("Stop with Ctrl-C.");
    await new Promise((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await emulator.close();
    ctx.logger.info(`Emulator stopped after ${emulator.stats.requests} requests (${emulator.stats.images} images).`);
    return ExitCode.ok;
  }
};
function emulatorOptions(values) {
  const problems = [];
  const integer = (flag, min, max, example) => {
    const raw = values[flag];
    if (raw === void 0) return void 0;
    const n = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      problems.push({ message: `--${flag} must be a whole number from ${min} to ${max}, got "${String(raw)}"`, fix: `e.g. --${flag} ${example}` });
      return void 0;
    }
    return n;
  };
  const rate = (flag) => {
    const raw = values[flag];
    if (raw === void 0) return void 0;
    const n = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !(n >= 0 && n <= 1)) {
      problems.push({ message: `--${flag} must be a share between 0 and 1, got "${String(raw)}"`, fix: `e.g. --${flag} 0.05 for 5 %` });
      return void 0;
    }
    return n;
  };
  const options = { port: integer("port", 0, 65535, "8787 (or 0 for any free port)") ?? 8787 };
  const latencyMs = integer("latency-ms", 0, 6e5, "200");
  const rpm = integer("rpm", 1, 1e6, "60");
  if (latencyMs !== void 0) options.latencyMs = latencyMs;
  if (rpm !== void 0) options.rpm = rpm;
  const rates = {
    errorRate: rate("error-rate"),
    blockRate: rate("block-rate"),
    corruptRate: rate("corrupt-rate"),
    darkRate: rate("dark-rate"),
    flatRate: rate("flat-rate"),
    duplicateRate: rate("duplicate-rate")
  };
  for (const name of Object.keys(rates)) {
    const value = rates[name];
    if (value !== void 0) options[name] = value;
  }
  const key = values["key"];
  if (key !== void 0) {
    if (typeof key !== "string" || key.trim() === "") problems.push({ message: "--key must not be empty", fix: "give the key clients must send, or leave --key out to accept any" });
    else options.key = key;
  }
  if (problems.length > 0) throw new InputError(problems);
  return options;
}
export {
  emulateCommand,
  emulatorOptions
};
