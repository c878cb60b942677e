import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  LIMIT_SHAPES,
  PROFILES,
  PROFILE_NAMES,
  isProfileName,
  startEmulator
} from "./chunk-DCCPGTCU.js";
import "./chunk-QZFFVMHD.js";
import "./chunk-PK654C6K.js";
import "./chunk-P5UZNSPX.js";
import {
  ExitCode,
  InputError
} from "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/emulate.ts
var emulateCommand = {
  summary: "serve a local Gemini-compatible API (images for free) until Ctrl-C",
  details: ["Speaks the Gemini API's wire format on 127.0.0.1, so seedlock and any @google/genai client run against it unchanged. Rates are shares from 0 to 1 of (model, prompt, seed), so a rerun sees the same answers."],
  options: {
    port: { type: "string", default: "8787", value: "N", help: "port to listen on, 0 for any free one" },
    "latency-ms": { type: "string", value: "MS", help: "time each answer takes (default 0)" },
    rpm: { type: "string", value: "N", help: "answer 429 RESOURCE_EXHAUSTED past N requests a minute (default: no limit)" },
    "limit-shape": { type: "string", value: "SHAPE", help: "token-bucket | sliding-window | fixed-window: the shape of the --rpm limit (default sliding-window)" },
    burst: { type: "string", value: "N", help: "with --limit-shape token-bucket: requests the bucket holds (default ten seconds' worth)" },
    "retry-delay-ms": { type: "string", value: "MS", help: "the RetryInfo delay every 429 names (default: the true wait)" },
    rpd: { type: "string", value: "N", help: "a per-day quota: past N requests answer 429 naming the per-day quota" },
    "error-rate": { type: "string", value: "P", help: "share of requests answered 503 UNAVAILABLE" },
    "block-rate": { type: "string", value: "P", help: "share of answers blocked (IMAGE_SAFETY or a prompt block)" },
    "corrupt-rate": { type: "string", value: "P", help: "share of images sent as bytes that do not decode" },
    "dark-rate": { type: "string", value: "P", help: "share of images drawn too dark (mean luma < 20)" },
    "flat-rate": { type: "string", value: "P", help: "share of images drawn flat (no contrast)" },
    "duplicate-rate": { type: "string", value: "P", help: "share of images drawn as a near-copy of the previous seed" },
    key: { type: "string", value: "KEY", help: "the only API key accepted (default: any non-empty key)" },
    "batch-delay-ms": { type: "string", value: "MS", help: "how long a batch job stays pending (default 60000)" },
    profile: { type: "string", value: "NAME", help: "answer as the real service is documented to vary: gemini-3, gemini-2.5-geometry, undersized, two-images, png, overthinking-judge, per-day-quota" }
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
    ctx.logger.info(`Gemini emulator listening on ${emulator.url}${options.profile ? ` (profile ${options.profile}: ${PROFILES[options.profile].summary})` : ""}`);
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
  const shape = values["limit-shape"];
  const burst = integer("burst", 1, 1e6, "20");
  const retryDelayMs = integer("retry-delay-ms", 0, 36e5, "200");
  if (shape !== void 0 && !LIMIT_SHAPES.includes(shape)) {
    problems.push({ message: `--limit-shape must be one of ${LIMIT_SHAPES.join(", ")}, got "${String(shape)}"`, fix: "e.g. --limit-shape token-bucket --rpm 120 --burst 20" });
  } else if ((shape !== void 0 || burst !== void 0 || retryDelayMs !== void 0) && rpm === void 0) {
    problems.push({ message: "--limit-shape, --burst and --retry-delay-ms shape a limit that --rpm sets", fix: "add --rpm N, e.g. --rpm 120" });
  } else if (burst !== void 0 && shape !== "token-bucket") {
    problems.push({ message: "--burst applies to --limit-shape token-bucket only", fix: "add --limit-shape token-bucket, or leave --burst out" });
  } else if (rpm !== void 0) {
    options.limit = {
      shape: shape ?? "sliding-window",
      perMinute: rpm,
      ...burst !== void 0 ? { burst } : {},
      ...retryDelayMs !== void 0 ? { retryDelayMs } : {}
    };
  }
  const rpd = integer("rpd", 0, 1e8, "250");
  if (rpd !== void 0) options.perDay = rpd;
  const batchDelayMs = integer("batch-delay-ms", 0, 864e5, "60000");
  if (batchDelayMs !== void 0) options.batchDelayMs = batchDelayMs;
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
  const profile = values["profile"];
  if (profile !== void 0) {
    if (typeof profile !== "string" || !isProfileName(profile)) {
      problems.push({ message: `--profile must name one of the emulator's profiles, got "${String(profile)}"`, fix: `use one of: ${PROFILE_NAMES.join(", ")} (docs/EMULATOR.md says what each does)` });
    } else {
      options.profile = profile;
    }
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
