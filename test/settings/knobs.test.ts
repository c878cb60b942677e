import { describe, expect, it } from "vitest";
import { buildActionSettings } from "../../src/action/settings.js";
import type { CliContext } from "../../src/cli/command.js";
import { settingsFromCli } from "../../src/cli/settings.js";
import { InputError, type Diagnostic } from "../../src/errors.js";
import { NullLogger } from "../../src/logger.js";
import type { Settings } from "../../src/pipeline/settings.js";

/** One knob at both entry points: the CLI's flag and the Action's input, and where the typed value lands. */
interface Knob {
  flag: string;
  input: string;
  /** The command that takes it (`--shards` and `shards:` are plan's alone). */
  command: "run" | "plan";
  read: (settings: Settings) => unknown;
}

type Read = { value: unknown } | { refused: Diagnostic };

function fromCli(knob: Knob, raw: string, env: NodeJS.ProcessEnv = {}): Read {
  const ctx: CliContext = {
    values: { [knob.flag]: raw },
    positionals: [],
    logger: new NullLogger(),
    stdout: process.stdout,
    env,
    cwd: "/work/site",
    signal: new AbortController().signal,
  };
  return attempt(() => knob.read(settingsFromCli(knob.command, ctx)));
}

function fromAction(knob: Knob, raw: string): Read {
  const inputs: Record<string, string> = { command: knob.command, "api-key": "k", [knob.input]: raw };
  const env = { GITHUB_WORKSPACE: "/work/site", GITHUB_REPOSITORY: "octo/site", GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" };
  return attempt(() => knob.read(buildActionSettings((name) => inputs[name] ?? "", env, {}).core));
}

function attempt(read: () => unknown): Read {
  try {
    return { value: read() };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.diagnostics).toHaveLength(1);
    return { refused: error.diagnostics[0]! };
  }
}

const BUDGET: Knob = { flag: "max-budget-usd", input: "max-budget-usd", command: "run", read: (s) => s.maxBudgetUsd };
const BASE_URL: Knob = { flag: "base-url", input: "base-url", command: "run", read: (s) => s.baseUrl };
const SHARD: Knob = { flag: "shard", input: "shard", command: "run", read: (s) => s.shard };
const SHARDS: Knob = { flag: "shards", input: "shards", command: "plan", read: (s) => s.shards };
const BATCH: Knob = { flag: "batch", input: "batch", command: "run", read: (s) => s.batch };
const WAIT: Knob = { flag: "wait", input: "wait-minutes", command: "run", read: (s) => s.waitMinutes };

/** A text, and what both entry points make of it: the value, or a refusal whose message matches. */
type Row = [raw: string, answer: { is: unknown } | { says: RegExp }];

function bothAgree(knob: Knob, rows: Row[]) {
  it.each(rows)("%j", (raw, answer) => {
    const cli = fromCli(knob, raw);
    const action = fromAction(knob, raw);
    if ("is" in answer) {
      expect(cli).toEqual({ value: answer.is });
      expect(action).toEqual({ value: answer.is });
      return;
    }
    if (!("refused" in cli) || !("refused" in action)) throw new Error(`expected both to refuse ${JSON.stringify(raw)}: ${JSON.stringify({ cli, action })}`);
    // The same words after the knob's name, each naming its own flag or input.
    expect(cli.refused.message).toMatch(answer.says);
    expect(action.refused.message).toBe(cli.refused.message);
    expect(cli.refused.path).toBe(`--${knob.flag}`);
    expect(action.refused.path).toBe(`input "${knob.input}"`);
    expect(cli.refused.message).toContain(JSON.stringify(raw));
  });
}

describe("--max-budget-usd and max-budget-usd: a plain number of US dollars ≥ 0", () => {
  bothAgree(BUDGET, [
    ["5", { is: 5 }],
    ["0.50", { is: 0.5 }],
    [" 2.5 ", { is: 2.5 }],
    [".5", { is: 0.5 }],
    ["0", { is: 0 }],
    ["$5", { says: /must be a plain number of US dollars/ }],
    ["-1", { says: /≥ 0/ }],
    ["ten", { says: /≥ 0/ }],
    ["5 USD", { says: /≥ 0/ }],
    ["1,5", { says: /≥ 0/ }],
    ["1e3", { says: /≥ 0/ }],
    ["0x10", { says: /≥ 0/ }],
    ["Infinity", { says: /≥ 0/ }],
    ["NaN", { says: /≥ 0/ }],
    ["9".repeat(400), { says: /≥ 0/ }],
  ]);

  it("answers a dollar sign with the amount written the way each entry point takes it", () => {
    expect(fromCli(BUDGET, "$5")).toMatchObject({ refused: { fix: "write it without the dollar sign: --max-budget-usd 5" } });
    expect(fromAction(BUDGET, "$5")).toMatchObject({ refused: { fix: "write it without the dollar sign: max-budget-usd: 5" } });
    expect(fromCli(BUDGET, "ten")).toMatchObject({ refused: { fix: "for example --max-budget-usd 5 or 0.50; 0 spends nothing" } });
    expect(fromAction(BUDGET, "ten")).toMatchObject({ refused: { fix: "for example max-budget-usd: 5 or 0.50; 0 spends nothing" } });
  });
});

describe("--base-url and base-url: an http(s) URL with a host", () => {
  bothAgree(BASE_URL, [
    ["http://127.0.0.1:8089", { is: "http://127.0.0.1:8089" }],
    ["http://127.0.0.1:8089//", { is: "http://127.0.0.1:8089" }],
    [" https://proxy.example/gemini/ ", { is: "https://proxy.example/gemini" }],
    ["HTTPS://proxy.example", { is: "HTTPS://proxy.example" }],
    ["ftp://models.example", { says: /must be an http\(s\) URL/ }],
    ["localhost:8089", { says: /must be an http\(s\) URL/ }],
    ["http://", { says: /must be an http\(s\) URL/ }],
    ["http:host", { says: /must be an http\(s\) URL/ }],
    ["https://a b", { says: /must be an http\(s\) URL/ }],
  ]);

  it("GOOGLE_GEMINI_BASE_URL is read by the same rule and named as a variable; the flag wins over it", () => {
    expect(fromCli({ ...BASE_URL, flag: "unused" }, "", { GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:9/" })).toEqual({ value: "http://127.0.0.1:9" });
    expect(fromCli({ ...BASE_URL, flag: "unused" }, "", { GOOGLE_GEMINI_BASE_URL: "ftp://x" })).toMatchObject({
      refused: { path: "GOOGLE_GEMINI_BASE_URL", fix: "for example GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8080 for a local emulator" },
    });
    expect(fromCli(BASE_URL, "http://127.0.0.1:1", { GOOGLE_GEMINI_BASE_URL: "ftp://x" })).toEqual({ value: "http://127.0.0.1:1" });
  });
});

describe("--shard and shard: i/n with 1 ≤ i ≤ n, counted from 0 inside", () => {
  bothAgree(SHARD, [
    ["2/4", { is: { index: 1, count: 4 } }],
    [" 1/1 ", { is: { index: 0, count: 1 } }],
    ["3/2", { says: /i is above n/ }],
    ["0/3", { says: /shards count from 1/ }],
    ["1/0", { says: /n, the number of shards, must be at least 1/ }],
    ["first", { says: /not i\/n/ }],
    ["2 / 4", { says: /not i\/n/ }],
    ["-1/4", { says: /not i\/n/ }],
    ["1.5/4", { says: /not i\/n/ }],
    ["1/99999999999999999999", { says: /too large/ }],
  ]);
});

describe("plan --shards and shards: 1..256 jobs, or auto", () => {
  bothAgree(SHARDS, [
    ["16", { is: 16 }],
    ["256", { is: 256 }],
    ["auto", { is: "auto" }],
    ["0", { says: /outside 1\.\.256/ }],
    ["257", { says: /outside 1\.\.256/ }],
    ["many", { says: /not a number of shards/ }],
    ["4.5", { says: /not a number of shards/ }],
    ["-2", { says: /not a number of shards/ }],
  ]);
});

describe("--batch and batch: off, drafts, finals or all, in any case", () => {
  bothAgree(BATCH, [
    ["all", { is: "all" }],
    ["DRAFTS", { is: "drafts" }],
    [" off ", { is: "off" }],
    ["later", { says: /must be one of off, drafts, finals, all/ }],
    ["true", { says: /must be one of off, drafts, finals, all/ }],
  ]);
});

describe("--wait and wait-minutes: minutes above 0, at most a day", () => {
  bothAgree(WAIT, [
    ["30", { is: 30 }],
    ["0.5", { is: 0.5 }],
    ["1440", { is: 1440 }],
    ["0", { says: /above 0 and at most 1440/ }],
    ["1441", { says: /above 0 and at most 1440/ }],
    ["soon", { says: /above 0 and at most 1440/ }],
  ]);
});

describe("an empty value", () => {
  it("is refused on the command line, where it is a flag given without one; in the Action it is an input not given", () => {
    for (const knob of [BUDGET, BASE_URL, SHARD, SHARDS, BATCH, WAIT]) {
      expect(fromCli(knob, ""), knob.flag).toHaveProperty("refused.path", `--${knob.flag}`);
      expect(fromAction(knob, ""), knob.input).toEqual({ value: undefined });
    }
  });
});

describe("--concurrency and --rpm (the command line's alone): whole numbers within the manifest's limits", () => {
  const CONCURRENCY: Knob = { flag: "concurrency", input: "", command: "run", read: (s) => s.concurrency };
  const RPM: Knob = { flag: "rpm", input: "", command: "run", read: (s) => s.rpm };
  it.each([
    { knob: CONCURRENCY, raw: "8", read: { value: 8 } },
    { knob: CONCURRENCY, raw: "64", read: { value: 64 } },
    { knob: CONCURRENCY, raw: "65", read: { refused: { path: "--concurrency", message: "must be at most 64, not 65; more calls at once only earn refusals from the service", fix: "for example --concurrency 8" } } },
    { knob: CONCURRENCY, raw: "0", read: { refused: { path: "--concurrency", message: 'must be a whole number ≥ 1, not "0"', fix: "for example --concurrency 8" } } },
    { knob: RPM, raw: "100000", read: { value: 100_000 } },
    { knob: RPM, raw: "fast", read: { refused: { path: "--rpm", message: 'must be a whole number ≥ 1, not "fast"', fix: "for example --rpm 60" } } },
  ])("--$knob.flag $raw", ({ knob, raw, read }) => {
    expect(fromCli(knob, raw)).toEqual(read);
  });
});
