// Hole 7 of issue 9: `run` must never overwrite a file seedlock did not write, and two manifests
// of one repository must not claim the same output.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { parseLockfile } from "../../src/lock/file.js";
import { seedlock, STACK_LINE, type Ran } from "../support/cli.js";
import { emulator as actionEmulator, modelCalls, pushStep, repo, step, useScenario } from "../action/scenario.js";

const asset = (id: string, out: string, extra = "") => `  - id: ${id}\n    prompt: A ${id} study, muted colours, no text\n    count: 1\n    out: ${out}\n${extra}`;
const manifest = (assets: string) => `version: 1
budget: { maxUsd: 2 }
defaults:
  finalSize: "1K"
  oversample: 2
  output: { format: webp, quality: 80, width: 64, height: 64 }
assets:
${assets}`;
const HAND_MADE = Buffer.from("a hand-made image, not from seedlock\n");

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  emulator = await startEmulator({ ...NO_FLAWS });
});
afterAll(() => emulator.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "seedlock-claims-"));
  execFileSync("git", ["init", "--quiet", "-b", "main", dir]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}
function run(args: string[]): Promise<Ran> {
  return seedlock(["run", ...args, "--base-url", emulator.url], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: "claims-key" } });
}
/** Every file in the folder but git's own, with its content: what a run could have changed. */
function tree(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (path === ".git") continue;
      if (e.isDirectory()) walk(path);
      else out[path] = readFileSync(join(dir, path)).toString("base64");
    }
  };
  walk("");
  return out;
}

describe("an untracked file at an output path", () => {
  it("stops run with exit 2 before any call, naming the file and the flag, and leaves every file as it was", async () => {
    write({ "assets.yaml": manifest(asset("dunes", "art/dunes-{n}.webp")), "art/dunes-1.webp": HAND_MADE });
    const before = tree();
    const calls = emulator.stats.requests;

    const r = await run([]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/assets\.yaml:\d+:\d+: assets\[0\]\.out would overwrite art\/dunes-1\.webp, a file that seedlock's lockfile does not record as its own/);
    expect(r.stderr).toMatch(/--overwrite-untracked art\/dunes-1\.webp/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(emulator.stats.requests).toBe(calls);
    expect(tree()).toEqual(before);
  });

  it("is replaced when the user passes --overwrite-untracked with its path, and then belongs to seedlock", async () => {
    write({ "assets.yaml": manifest(asset("dunes", "art/dunes-{n}.webp")), "art/dunes-1.webp": HAND_MADE });

    const r = await run(["--overwrite-untracked", "art/dunes-1.webp"]);

    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "art/dunes-1.webp")).equals(HAND_MADE)).toBe(false);
    const lock = parseLockfile(readFileSync(join(dir, "assets.lock.yaml"), "utf8"), "assets.lock.yaml");
    expect(lock.assets.dunes!.outputs.map((o) => o.path)).toEqual(["art/dunes-1.webp"]);
    // Now the lockfile records it: a changed prompt re-renders it without the flag.
    writeFileSync(join(dir, "assets.yaml"), manifest(asset("dunes", "art/dunes-{n}.webp")).replace("muted colours", "warm colours"));
    expect((await run([])).code).toBe(0);
  });

  it("is found where out names the seed, among the seeds the attempt cap allows", async () => {
    write({ "assets.yaml": manifest(asset("dunes", "art/{seed}/dunes.webp", "    seed: 100\n")), "art/101/dunes.webp": HAND_MADE });
    const before = tree();
    const calls = emulator.stats.requests;

    const r = await run([]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/would overwrite art\/101\/dunes\.webp/);
    expect(emulator.stats.requests).toBe(calls);
    expect(tree()).toEqual(before);
  });
});

describe("two manifests that claim the same output", () => {
  it("the second is refused before any call, naming the other manifest's lockfile and asset", async () => {
    write({
      "site/assets.yaml": manifest(asset("hero", "public/hero.webp")),
      "blog/assets.yaml": manifest(asset("banner", "public/hero.webp")),
    });
    const first = await run(["--manifest", "site/assets.yaml"]);
    expect(first.code, first.stderr).toBe(0);
    const before = tree();
    const calls = emulator.stats.requests;

    const second = await run(["--manifest", "blog/assets.yaml"]);

    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toMatch(/blog\/assets\.yaml:\d+:\d+: assets\[0\]\.out writes public\/hero\.webp, which site\/assets\.lock\.yaml records as the output of its asset 'hero'/);
    expect(second.stderr).toMatch(/give asset 'banner' or site\/assets\.yaml's 'hero' another out path/);
    expect(emulator.stats.requests).toBe(calls);
    expect(tree()).toEqual(before);
    expect(existsSync(join(dir, "blog/assets.lock.yaml"))).toBe(false);
  });
});

describe("in the Action, an untracked file at an output path", () => {
  useScenario();

  it("fails the step before any call and pushes nothing; overwrite-untracked lets the run replace it and push it", async () => {
    const ws = repo.clone("checkout");
    ws.write({ "art/dunes-1.webp": HAND_MADE });
    const main = repo.originGit("rev-parse", "main");

    const refused = await step("main", pushStep(ws, { "api-key": "AIza-claims" }));

    expect(refused.code).toBe(1);
    expect(refused.annotations.join("\n")).toMatch(/::error.*would overwrite art\/dunes-1\.webp.*overwrite-untracked/);
    expect(modelCalls()).toBe(0);
    expect(repo.originGit("rev-parse", "main")).toBe(main);
    expect(readFileSync(join(ws.dir, "art/dunes-1.webp")).equals(HAND_MADE)).toBe(true);
    expect(ws.git("status", "--porcelain", "--untracked-files=all")).toBe("?? art/dunes-1.webp");

    const allowed = await step("main", pushStep(ws, { "api-key": "AIza-claims", "overwrite-untracked": "art/dunes-1.webp" }));

    expect(allowed.code, allowed.stdout).toBe(0);
    expect(actionEmulator.stats.requests).toBeGreaterThan(0);
    const pushed = repo.originGit("rev-parse", "main");
    expect(pushed).not.toBe(main);
    expect(repo.changedPaths(pushed)).toEqual(expect.arrayContaining(["art/dunes-1.webp", "assets.lock.yaml"]));
    expect(repo.originGit("show", `${pushed}:art/dunes-1.webp`)).not.toContain("hand-made");
  });
});

describe("--overwrite-untracked with a folder", () => {
  it("lets run replace the files in that folder, and only those", async () => {
    write({ "assets.yaml": manifest(asset("dunes", "art/dunes-{n}.webp") + asset("tide", "img/tide-{n}.webp")), "art/dunes-1.webp": HAND_MADE, "img/tide-1.webp": HAND_MADE });

    const r = await run(["--overwrite-untracked", "art"]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/would overwrite img\/tide-1\.webp/);
    expect(r.stderr).not.toMatch(/would overwrite art\/dunes-1\.webp/);
    const both = await run(["--overwrite-untracked", "art", "--overwrite-untracked", "img/"]);
    expect(both.code, both.stderr).toBe(0);
    expect(readFileSync(join(dir, "img/tide-1.webp")).equals(HAND_MADE)).toBe(false);
  });
});

describe("a preview, which writes no output", () => {
  it("drafts as usual but warns that the run after it would stop at the untracked file", async () => {
    write({ "assets.yaml": manifest(asset("dunes", "art/dunes-{n}.webp")), "art/dunes-1.webp": HAND_MADE });

    const r = await seedlock(["preview", "--base-url", emulator.url], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: "claims-key" } });

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/the run after this preview would stop: assets\[0\]\.out would overwrite art\/dunes-1\.webp.*--overwrite-untracked art\/dunes-1\.webp/);
    expect(readFileSync(join(dir, "art/dunes-1.webp")).equals(HAND_MADE)).toBe(true);
  });
});
