// Issue 9, parsing and paths: a manifest, lockfile or file in the checkout written by an attacker
// cannot write, read or spend where it must not. Each case drives the built CLI (or the built
// Action main.js as the runner starts it) and checks what a user would see: the exit code, the
// message and its position, the files on disk and in origin, and the emulator's bill.
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { runStep } from "../action/runner.js";
import { seedlock, STACK_LINE, type Ran } from "../support/cli.js";
import { GitHubApiStandIn } from "../support/github-api.js";
import { TestRepo } from "../support/git-repo.js";

const KEY = "hostile-test-key";
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: KEY, ...extra });

let emulator: RunningEmulator;
const scratch = mkdtempSync(join(tmpdir(), "seedlock-hostile-"));

beforeAll(async () => {
  emulator = await startEmulator({ ...NO_FLAWS, latencyMs: 0 });
});
afterAll(async () => {
  await emulator.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A folder that is its own repository (a `.git` folder marks it), with `files` written in it. */
function workspace(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, ".git"), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Every path under `dir` with its size: what "nothing on disk changed" compares. */
function listing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return `${path.slice(dir.length)}${e.isSymbolicLink() ? " -> link" : e.isFile() ? ` ${statSync(path).size}` : "/"}`;
    })
    .sort();
}

function run(dir: string, args: string[], extra?: NodeJS.ProcessEnv): Promise<Ran> {
  return seedlock([...args, "--base-url", emulator.url], { cwd: dir, env: env(extra) });
}

function answered(ran: Ran, code: number, message: RegExp): void {
  expect(ran.stderr, ran.stderr).not.toMatch(STACK_LINE);
  expect(ran.code, ran.stderr).toBe(2 === code ? 2 : code);
  expect(ran.stderr).toMatch(message);
}

const HEAD = `version: 1
budget: { maxUsd: 1 }
defaults: { screen: { minWidth: 64, minHeight: 64 } }
assets:
`;

describe("hole 1: an out template cannot carry control characters into git or the file system", () => {
  it("a newline in out is refused at its position before any call, and the Action pushes nothing", async () => {
    const evil = `img/a.png\\n100644 e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\\tsrc/index.js`;
    const manifest = `${HEAD}  - id: a\n    prompt: A calm sea, no text\n    tier: draft-only\n    out: "${evil}"\n`;
    const repo = TestRepo.create({ "assets.yaml": manifest, "src/index.js": "console.log('the real code');\n" });
    const api = await GitHubApiStandIn.start({ owner: "octo", repo: "site", tokens: ["ghs_hostile"] });
    try {
      const ws = repo.clone("checkout");
      const before = repo.originGit("rev-parse", "main");
      const calls = emulator.stats.requests;
      const sha = ws.git("rev-parse", "HEAD");
      const step = await runStep(
        "main",
        {
          workspace: ws.dir,
          inputs: { command: "run", "api-key": KEY, "github-token": "ghs_hostile", "base-url": emulator.url },
          event: { name: "push", sha, ref: "refs/heads/main", payload: { ref: "refs/heads/main", after: sha, repository: { full_name: "octo/site" } } },
          repository: "octo/site",
          apiUrl: api.url,
        },
        repo.home,
      );
      expect(step.code).toBe(1);
      expect(step.annotations.join("\n")).toMatch(/^::error file=assets\.yaml,line=8,col=10::assets\[0\]\.out holds the control character \\n/m);
      expect(step.stdout + step.stderr).not.toMatch(STACK_LINE);
      expect(repo.originGit("rev-parse", "main")).toBe(before);
      expect(repo.originGit("show", "main:src/index.js")).toBe("console.log('the real code');");
      expect(emulator.stats.requests).toBe(calls);
    } finally {
      await api.close();
      repo.remove();
    }
  });

  for (const [what, text, shown] of [
    ["a tab", "img/a\\tb.png", "\\\\t"],
    ["an escape", "img/a\\eb.png", "\\\\u001b"],
    ["a bell", "img/a\\ab.png", "\\\\u0007"],
    ["a NUL", "img/a\\0b.png", "\\\\u0000"],
  ] as const) {
    it(`${what} in out is refused at its position, before any draft is paid for`, async () => {
      const dir = workspace(`control-${what.replace(/\W/g, "")}`, { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea\n    tier: draft-only\n    out: "${text}"\n` });
      const before = listing(dir);
      const calls = emulator.stats.requests;
      const ran = await run(dir, ["run"]);
      answered(ran, 2, new RegExp(`assets\\.yaml:8:10: assets\\[0\\]\\.out holds the control character ${shown}`));
      expect(emulator.stats.requests).toBe(calls);
      expect(listing(dir)).toEqual(before);
    });
  }
});

describe("hole 3: symlinks cannot lead a read or a write out of the repository", () => {
  it("an output folder named by a seed is checked for that seed, before its draft is paid for", async () => {
    const outside = join(scratch, "outside-seed");
    mkdirSync(outside);
    const dir = workspace("seed-folder", {
      "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea, no text\n    tier: draft-only\n    seed: 100\n    out: "img/{seed}/a.png"\n`,
    });
    mkdirSync(join(dir, "img"));
    symlinkSync(outside, join(dir, "img", "101"));
    // Seed 100 is refused by the service, so seed 101 is next: its folder leads outside.
    const blocking = await startEmulator({ ...NO_FLAWS, latencyMs: 0, failures: { 0: { finishReason: "IMAGE_SAFETY" } } });
    try {
      const ran = await seedlock(["run", "--base-url", blocking.url], { cwd: dir, env: env() });
      answered(ran, 2, /cannot write img\/101\/a\.png: a symlink on the way leads out of the repository/);
      expect(readdirSync(outside)).toEqual([]);
      // Only seed 100 was asked for; 101 was refused before it cost anything.
      expect(blocking.stats.byModel).toEqual({ [Object.keys(blocking.stats.byModel)[0]!]: 1 });
    } finally {
      await blocking.close();
    }
  });

  it("a kept draft that is a symlink to a file outside is never read or uploaded as the reference", async () => {
    const dir = workspace("draft-link", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea, no text\n    out: img/a.webp\n` });
    const preview = await run(dir, ["preview"]);
    expect(preview.code, preview.stderr).toBe(0);
    const draftsDir = join(dir, ".seedlock", "drafts", "a");
    const draft = readdirSync(draftsDir).find((f) => /^\d+\.(png|jpg|webp)$/.test(f))!;
    const secret = join(scratch, "secret-token.txt");
    writeFileSync(secret, "ghp_THIS_IS_A_SECRET_TOKEN\n");
    rmSync(join(draftsDir, draft));
    symlinkSync(secret, join(draftsDir, draft));
    const calls = emulator.stats.requests;

    const ran = await run(dir, ["render"]);

    answered(ran, 2, new RegExp(`\\.seedlock/drafts/a/${draft.replace(".", "\\.")} leads out of the repository through a symlink`));
    const sent = JSON.stringify(emulator.recent.map((r) => r.body));
    expect(sent).not.toContain(Buffer.from("ghp_THIS_IS_A_SECRET_TOKEN\n").toString("base64"));
    expect(emulator.stats.requests).toBe(calls);
    expect(existsSync(join(dir, "img", "a.webp"))).toBe(false);
  });

  it("a manifest that is a symlink to a file outside the workspace is not read, and nothing of it is shown", async () => {
    const secret = join(scratch, "outside-manifest.txt");
    writeFileSync(secret, "SECRET-abcdefghijklmnopqrstuvwxyz-0123456789: [\n");
    const repo = TestRepo.create({ "README.md": "site\n" });
    const api = await GitHubApiStandIn.start({ owner: "octo", repo: "site", tokens: ["ghs_hostile"] });
    try {
      const ws = repo.clone("checkout");
      symlinkSync(secret, join(ws.dir, "assets.yaml"));
      const sha = ws.git("rev-parse", "HEAD");
      const step = await runStep(
        "main",
        {
          workspace: ws.dir,
          inputs: { command: "plan", "github-token": "ghs_hostile" },
          event: { name: "push", sha, ref: "refs/heads/main", payload: { ref: "refs/heads/main", after: sha, repository: { full_name: "octo/site" } } },
          repository: "octo/site",
          apiUrl: api.url,
        },
        repo.home,
      );
      expect(step.code).toBe(1);
      expect(step.annotations.join("\n")).toMatch(/assets\.yaml: leads out of the repository through a symlink/);
      expect(step.stdout + step.stderr + step.summary).not.toContain("SECRET-abc");
    } finally {
      await api.close();
      repo.remove();
    }
  });

  it("lockfile outputs through a symlinked folder are not hashed by plan or verify", async () => {
    const dir = workspace("output-link", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea, no text\n    tier: draft-only\n    out: img/a.webp\n` });
    expect((await run(dir, ["run"])).code).toBe(0);
    // The lockfile now says the output is peek/a.webp, and peek/ leads outside, to a copy of it.
    const outside = join(scratch, "outside-output");
    mkdirSync(outside);
    copyFileSync(join(dir, "img", "a.webp"), join(outside, "a.webp"));
    writeFileSync(join(outside, "b.webp"), "not an image, but a file outside the repository\n");
    symlinkSync(outside, join(dir, "peek"));
    const lockPath = join(dir, "assets.lock.yaml");
    writeFileSync(lockPath, readFileSync(lockPath, "utf8").replace('"path": "img/a.webp"', '"path": "peek/a.webp"'));
    const outsideHash = createHash("sha256").update(readFileSync(join(outside, "b.webp"))).digest("hex");

    const verify = await run(dir, ["verify"]);
    // Not read through the link, so the output is missing: drift (exit 6), not a match.
    expect(verify.code).toBe(6);
    expect(verify.stderr).toMatch(/peek\/a\.webp: missing/);
    const plan = await run(dir, ["plan", "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect((JSON.parse(plan.stdout) as { assets: { id: string; state: string }[] }).assets[0]!.state).not.toBe("unchanged");

    // Pointed at a different file outside, verify does not print its hash either.
    writeFileSync(lockPath, readFileSync(lockPath, "utf8").replace('"path": "peek/a.webp"', '"path": "peek/b.webp"'));
    const again = await run(dir, ["verify"]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/peek\/b\.webp: missing/);
    expect(again.stdout + again.stderr).not.toContain(outsideHash.slice(0, 12));
  });

  it("a lockfile draft through a symlinked folder is not sent as a batch render's reference", async () => {
    const dir = workspace("batch-draft-link", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea, no text\n    batch: finals\n    out: img/a.webp\n` });
    expect((await run(dir, ["preview"])).code).toBe(0);
    // The lockfile now says the accepted draft is peek/…, and peek/ leads outside, to a copy of it.
    const lockPath = join(dir, "assets.lock.yaml");
    const draft = /"draft": "(\.seedlock\/drafts\/a\/[^"]+)"/.exec(readFileSync(lockPath, "utf8"))![1]!;
    const outside = join(scratch, "outside-draft");
    mkdirSync(outside);
    copyFileSync(join(dir, draft), join(outside, "draft.jpg"));
    symlinkSync(outside, join(dir, "peek"));
    writeFileSync(lockPath, readFileSync(lockPath, "utf8").split(`"draft": "${draft}"`).join('"draft": "peek/draft.jpg"'));
    const submitted = emulator.batches.requests.length;

    const ran = await run(dir, ["run"]);
    answered(ran, 2, /peek\/draft\.jpg leads out of the repository through a symlink/);
    expect(emulator.batches.requests.length).toBe(submitted);
  });

  it("a .seedlock folder that is a symlink outside takes neither the run lock nor any answer", async () => {
    const outside = join(scratch, "outside-seedlock");
    mkdirSync(outside);
    const dir = workspace("seedlock-link", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea, no text\n    tier: draft-only\n    out: img/a.webp\n` });
    symlinkSync(outside, join(dir, ".seedlock"));
    const calls = emulator.stats.requests;
    const ran = await run(dir, ["run"]);
    answered(ran, 2, /cannot write \.seedlock\/: a symlink on the way leads out of the repository/);
    expect(readdirSync(outside)).toEqual([]);
    expect(emulator.stats.requests).toBe(calls);
  });

  it("a .seedlock/.gitignore that is a dangling symlink outside is replaced, and nothing is created where it pointed", async () => {
    const outside = join(scratch, "outside-ignore");
    mkdirSync(outside);
    const target = join(outside, "planted");
    const dir = workspace("ignore-link", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea, no text\n    tier: draft-only\n    out: img/a.webp\n` });
    mkdirSync(join(dir, ".seedlock"));
    symlinkSync(target, join(dir, ".seedlock", ".gitignore"));
    const ran = await run(dir, ["preview"]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(outside)).toEqual([]);
    // What stands there now is seedlock's own ignore file, a regular file inside the checkout.
    expect(lstatSync(join(dir, ".seedlock", ".gitignore")).isFile()).toBe(true);
    expect(readFileSync(join(dir, ".seedlock", ".gitignore"), "utf8")).toMatch(/!drafts\//);
  });
});

describe("hole 4: __proto__ cannot smuggle keys past validation", () => {
  it("a manifest with __proto__: {budget} and no budget is refused at the key", async () => {
    const dir = workspace("proto-manifest", {
      "assets.yaml": `version: 1\n__proto__:\n  budget: { maxUsd: 100 }\nassets:\n  - id: a\n    prompt: A calm sea\n    out: img/a.webp\n`,
    });
    const ran = await run(dir, ["plan"]);
    answered(ran, 2, /assets\.yaml:2:1: the key __proto__ is not allowed in a seedlock file/);
  });

  it("a lockfile with assets: {__proto__: …} is refused at the key, and no path of it is read", async () => {
    const dir = workspace("proto-lock", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea\n    out: img/a.webp\n` });
    writeFileSync(
      join(dir, "assets.lock.yaml"),
      `version: 1\nstats: {drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0, spentUsd: 0}\nassets:\n  __proto__:\n    a: {inputHash: x, seeds: [{seed: 1, draft: /etc/passwd}]}\n`,
    );
    const before = listing(dir);
    const ran = await run(dir, ["run"]);
    answered(ran, 2, /assets\.lock\.yaml:4:3: the key __proto__ is not allowed in a seedlock file/);
    expect(listing(dir)).toEqual(before);
  });

  it("constructor cannot be an asset id, whose lockfile entry would be JavaScript's own", async () => {
    const dir = workspace("constructor-id", { "assets.yaml": `${HEAD}  - id: constructor\n    prompt: A calm sea\n    out: img/a.webp\n` });
    answered(await run(dir, ["plan"]), 2, /assets\.yaml:5:9: assets\[0\]\.id 'constructor' cannot be an asset id/);
  });
});

describe("hole 5: the parsers answer a hostile document with exit 2 at a position, not a crash", () => {
  const bomb = `x1: &a [y, y, y, y, y, y, y, y, y, y]\nx2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nx3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nx4: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
  const deep = `x: ${"[".repeat(20000)}${"]".repeat(20000)}\n`;
  const cases: [string, string, RegExp][] = [
    ["an alias bomb", bomb, /:4:9: aliases here expand to more than 1000 copies/],
    ["an unresolved alias", "x: *nowhere\n", /:3:4: the alias \*nowhere names no anchor/],
    ["a 20,000-deep flow list", deep, /:3:\d+: lists and mappings are nested too deep here/],
    ["a 100-deep block mapping", Array.from({ length: 100 }, (_, i) => `${"  ".repeat(i)}k:`).join("\n") + " 1\n", /:\d+:\d+: lists and mappings are nested more than 64 deep/],
  ];
  for (const [what, text, where] of cases) {
    it(`${what} in the manifest`, async () => {
      const dir = workspace(`manifest-${what.replace(/\W/g, "")}`, { "assets.yaml": `version: 1\nbudget: { maxUsd: 1 }\n${text}assets: []\n` });
      answered(await run(dir, ["plan"]), 2, new RegExp(`assets\\.yaml${where.source}`));
    });
    it(`${what} in the lockfile`, async () => {
      const dir = workspace(`lock-${what.replace(/\W/g, "")}`, {
        "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea\n    out: img/a.webp\n`,
        "assets.lock.yaml": `version: 1\nstats: {drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0, spentUsd: 0}\n${text}`,
      });
      const before = listing(dir);
      answered(await run(dir, ["run"]), 2, new RegExp(`assets\\.lock\\.yaml${where.source}`));
      expect(listing(dir)).toEqual(before);
    });
  }
});

describe("hole 8: what is knowable at load is refused before the first paid call, all at once", () => {
  it("a missing API key writes nothing: no lockfile, no folders, no report", async () => {
    const dir = workspace("no-key", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea\n    out: img/a.webp\n` });
    const before = listing(dir);
    const ran = await seedlock(["run", "--base-url", emulator.url], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    answered(ran, 2, /no API key: GEMINI_API_KEY is not set; nothing was written and nothing spent/);
    expect(listing(dir)).toEqual(before);
  });

  it("a stray argument is refused instead of running assets.yaml", async () => {
    const dir = workspace("stray", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea\n    out: img/a.webp\n`, "other.yaml": "not: used\n" });
    const before = listing(dir);
    const calls = emulator.stats.requests;
    const ran = await run(dir, ["run", "other.yaml"]);
    answered(ran, 2, /unexpected argument "other\.yaml"; seedlock run takes flags only \(to use that manifest, write seedlock run --manifest other\.yaml\)/);
    expect(emulator.stats.requests).toBe(calls);
    expect(listing(dir)).toEqual(before);
  });

  it("--concurrency 1000 is refused with its bound", async () => {
    const dir = workspace("concurrency", { "assets.yaml": `${HEAD}  - id: a\n    prompt: A calm sea\n    out: img/a.webp\n` });
    answered(await run(dir, ["run", "--concurrency", "1000"]), 2, /--concurrency must be at most 64, not 1000/);
    expect(listing(dir).some((p) => p.includes(".seedlock"))).toBe(false);
  });

  it("every asset's problems are named in one pass, those of an asset with a schema error included", async () => {
    const dir = workspace("all-at-once", {
      "assets.yaml": `${HEAD}  - id: a\n    prompt: "   "\n    out: .GIT/a.webp\n  - id: b\n    count: many\n    prompt: A calm sea\n    out: "img/b\\0.webp"\n  - id: c\n    prompt: A calm sea\n    out: "img/${"x".repeat(250)}-{seed}.webp"\n`,
    });
    const before = listing(dir);
    const calls = emulator.stats.requests;
    const ran = await run(dir, ["run"]);
    answered(ran, 2, /assets\.yaml:6:13: assets\[0\]\.prompt is only whitespace/);
    expect(ran.stderr).toMatch(/assets\.yaml:7:10: assets\[0\]\.out points inside \.git \(in any letter case\)/);
    expect(ran.stderr).toMatch(/assets\.yaml:9:12: assets\[1\]\.count must be an integer/);
    expect(ran.stderr).toMatch(/assets\.yaml:11:10: assets\[1\]\.out holds the control character \\u0000/);
    expect(ran.stderr).toMatch(/assets\.yaml:14:10: assets\[2\]\.out makes a path that has a name of 266 bytes/);
    expect(emulator.stats.requests).toBe(calls);
    expect(listing(dir)).toEqual(before);
  });
});
