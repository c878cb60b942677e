import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS } from "../../src/cli/command.js";
import { commandHelp } from "../../src/cli/help.js";
import { GENERATE_OPTIONS } from "../../src/cli/settings.js";
import { emulateCommand } from "../../src/cli/emulate.js";
import { createProgress, barLine } from "../../src/report/progress.js";
import { repoRoot, seedlock } from "../support/cli.js";

const env = (more: NodeJS.ProcessEnv = {}) => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...more });

describe("help is where the error messages send users", () => {
  it("`run --help` and `help run` print the same page, listing every flag run takes with its value and meaning", async () => {
    const viaFlag = await seedlock(["run", "--help"], { env: env() });
    const viaHelp = await seedlock(["help", "run"], { env: env() });
    expect(viaFlag.code).toBe(0);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaFlag.stdout).toMatch(/^seedlock run — draft, screen and render/);
    for (const [name, flag] of Object.entries({ ...GENERATE_OPTIONS, ...GLOBAL_OPTIONS })) {
      expect(viaFlag.stdout, name).toContain(`--${name}${flag.type === "string" ? ` ${flag.value}` : ""}`);
    }
    expect(viaFlag.stdout).toMatch(/-v, --verbose/);
    expect(viaFlag.stdout).toMatch(/--concurrency N +calls in flight at once/);
    expect(viaFlag.stdout).toMatch(/^ {2}6 +drift: verify found/m);
  });

  it("`emulate --help` documents every emulator flag", async () => {
    const r = await seedlock(["emulate", "--help"], { env: env() });
    expect(r.code).toBe(0);
    for (const name of Object.keys(emulateCommand.options)) expect(r.stdout, name).toContain(`--${name} `);
    expect(r.stdout).toMatch(/--dark-rate P +share of images drawn too dark/);
  });

  it("bare `seedlock help` lists every command with its summary and exits 0; no command at all exits 2", async () => {
    const r = await seedlock(["help"], { env: env() });
    expect(r.code).toBe(0);
    for (const name of ["plan", "preview", "run", "render", "verify", "merge-lock", "emulate", "demo"]) expect(r.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, "m"));
    expect((await seedlock([], { env: env() })).code).toBe(2);
    const unknown = await seedlock(["help", "frobnicate"], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no help for "frobnicate"/);
  });

  it("`--version` prints the package's version, alone and after a command", async () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
    expect((await seedlock(["--version"], { env: env() })).stdout).toBe(`seedlock ${version}\n`);
    expect((await seedlock(["plan", "--version"], { env: env() })).stdout).toBe(`seedlock ${version}\n`);
  });

  it("wraps to the terminal's width: no line of `run --help` is wider than COLUMNS", async () => {
    for (const columns of [60, 100]) {
      const r = await seedlock(["run", "--help"], { env: env({ COLUMNS: String(columns) }) });
      const widest = Math.max(...r.stdout.split("\n").map((l) => [...l].length));
      expect(widest, `COLUMNS=${columns}`).toBeLessThanOrEqual(columns);
      expect(widest).toBeGreaterThan(columns - 15);
    }
  });

  it("is bold on a colour terminal and plain under NO_COLOR", () => {
    expect(commandHelp("emulate", emulateCommand, { width: 80, color: true })).toContain("\u001b[1m");
    expect(commandHelp("emulate", emulateCommand, { width: 80, color: false })).not.toMatch(/\u001b\[/);
  });
});

describe("NO_COLOR", () => {
  it("turns colour off on a terminal, as no-color.org asks (set and not empty), and so does TERM=dumb", async () => {
    const { wantsColor } = await import("../../src/cli/terminal.js");
    const fake = { isTTY: true, write: () => true } as unknown as NodeJS.WritableStream;
    expect(wantsColor(fake, {})).toBe(true);
    expect(wantsColor(fake, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor(fake, { NO_COLOR: "" })).toBe(true);
    expect(wantsColor(fake, { TERM: "dumb" })).toBe(false);
  });
});

describe("the progress bar on a narrow terminal", () => {
  const snapshot = { assetsTotal: 12, assetsDone: 3, drafts: 1, accepted: 1, rejected: 0, rendered: 0, inFlight: 4, spentUsd: 0.0336, ceilingUsd: 10, elapsedMs: 72_000 };

  it("keeps spend and time at 80 columns and 50, dropping lesser counts instead, and says 1 draft", () => {
    for (const width of [80, 50]) {
      const line = barLine(snapshot, width);
      expect([...line].length, line).toBeLessThanOrEqual(width);
      expect(line).toContain("$0.0336 / $10.00");
      expect(line).toMatch(/1m12s$/);
    }
    expect(barLine(snapshot)).toContain("1 draft ·");
    expect(barLine(snapshot)).not.toContain("1 drafts");
  });

  it("redraws within the stream's columns", () => {
    let text = "";
    const stream = { isTTY: true, columns: 60, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
    const progress = createProgress(stream, { now: () => 0 });
    progress.update(snapshot);
    progress.done();
    const drawn = text.replace(/\r|\u001b\[K|\n/g, "");
    expect([...drawn].length).toBeLessThanOrEqual(59);
    expect(drawn).toContain("1m12s");
  });
});
