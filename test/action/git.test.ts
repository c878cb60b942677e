import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitCli, type Git, landCommit, PushRefusedError, syncWorkTree, type LockfileMerge } from "../../src/action/git.js";
import { TestRepo } from "../support/git-repo.js";

// A stand-in lockfile for these tests: one `id: value` line per asset, merged per line.
const mergeLines: LockfileMerge = async (base, ours, theirs) => {
  const parse = (t: string | null) => new Map((t ?? "").split("\n").filter(Boolean).map((l) => l.split(": ") as [string, string]));
  const [b, o, t] = [parse(base), parse(ours), parse(theirs)];
  const ids = [...new Set([...o.keys(), ...t.keys()])].sort();
  return ids.map((id) => `${id}: ${o.get(id) !== b.get(id) ? o.get(id) : t.get(id)}`).join("\n") + "\n";
};

const noWait = { sleep: async () => {}, random: () => 0 };
let repos: TestRepo[] = [];
afterEach(() => {
  repos.forEach((r) => r.remove());
  repos = [];
});
function repo(): TestRepo {
  const r = TestRepo.create({ "assets.yaml": "version: 1\n", "assets.lock.yaml": "", "README.md": "hello\n" });
  repos.push(r);
  return r;
}

describe("a commit carries only the outputs and the lockfile", () => {
  it("pushes one commit by github-actions[bot] with exactly the given paths, leaving the user's own changes alone", async () => {
    const r = repo();
    const ws = r.clone("ws");
    const startedFrom = ws.git("rev-parse", "HEAD");
    ws.write({ "out/dunes-1.txt": "pixels", "assets.lock.yaml": "dunes: 1\n", "README.md": "edited by an earlier step\n", "stray.txt": "x" });
    ws.git("add", "stray.txt");
    const git = new GitCli(ws.dir);

    const landed = await landCommit(git, {
      branch: "main",
      startedFrom,
      message: "seedlock: regenerate dunes\n\n- dunes: 1 output",
      files: ["out/dunes-1.txt", "assets.lock.yaml"].map((p) => ({ path: p, source: join(ws.dir, p) })),
      lockfile: { path: "assets.lock.yaml", merge: mergeLines },
    });

    expect(landed.commit).toBe(r.originGit("rev-parse", "main"));
    expect(r.changedPaths("main")).toEqual(["assets.lock.yaml", "out/dunes-1.txt"]);
    expect(r.originGit("log", "-1", "--format=%an <%ae>|%cn|%s", "main")).toBe(
      "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|github-actions[bot]|seedlock: regenerate dunes",
    );
    expect(r.originGit("rev-parse", "main~1")).toBe(startedFrom);
    // The user's index and work tree are as they left them.
    expect(ws.git("diff", "--cached", "--name-only")).toBe("stray.txt");
    expect(readFileSync(join(ws.dir, "README.md"), "utf8")).toBe("edited by an earlier step\n");
  });

  it("makes no commit when the branch already holds these files", async () => {
    const r = repo();
    const ws = r.clone("ws");
    const before = r.originGit("rev-parse", "main");
    const landed = await landCommit(new GitCli(ws.dir), {
      branch: "main",
      startedFrom: before,
      message: "nothing",
      files: [{ path: "assets.lock.yaml", source: join(ws.dir, "assets.lock.yaml") }],
    });
    expect(landed.commit).toBeNull();
    expect(r.originGit("rev-parse", "main")).toBe(before);
  });
});

describe("a push rejected because the branch moved", () => {
  it("builds on the branch's new tip with the lockfile merged per asset, so both runs' work is kept", async () => {
    const r = repo();
    const a = r.clone("a");
    const b = r.clone("b");
    const startedFrom = a.git("rev-parse", "HEAD");
    a.write({ "out/dunes.txt": "dunes", "assets.lock.yaml": "dunes: 1\n" });
    b.write({ "out/hero.txt": "hero", "assets.lock.yaml": "hero: 1\n" });
    const land = (dir: string, id: string) =>
      landCommit(
        new GitCli(dir),
        {
          branch: "main",
          startedFrom,
          message: `seedlock: regenerate ${id}`,
          files: [`out/${id}.txt`, "assets.lock.yaml"].map((p) => ({ path: p, source: join(dir, p) })),
          lockfile: { path: "assets.lock.yaml", merge: mergeLines },
        },
        noWait,
      );

    const first = await land(a.dir, "dunes");
    const retries: string[] = [];
    const second = await landCommit(
      new GitCli(b.dir),
      {
        branch: "main",
        startedFrom,
        message: "seedlock: regenerate hero",
        files: ["out/hero.txt", "assets.lock.yaml"].map((p) => ({ path: p, source: join(b.dir, p) })),
        lockfile: { path: "assets.lock.yaml", merge: mergeLines },
      },
      { ...noWait, onRetry: (_n, reason) => retries.push(reason) },
    );

    expect(first).toMatchObject({ attempts: 1, merged: false });
    expect(second).toMatchObject({ merged: true });
    expect(r.originGit("show", "main:assets.lock.yaml")).toBe("dunes: 1\nhero: 1");
    expect(r.originGit("ls-tree", "-r", "--name-only", "main").split("\n")).toEqual(
      expect.arrayContaining(["out/dunes.txt", "out/hero.txt"]),
    );
    expect(r.changedPaths("main")).toEqual(["assets.lock.yaml", "out/hero.txt"]);
    expect(r.originGit("rev-parse", "main~1")).toBe(first.commit);
    expect(second.attempts).toBe(1);
    expect(retries).toEqual([]);
  });

  it("retries a push that loses the race between fetch and push, and lands on the second try", async () => {
    const r = repo();
    const a = r.clone("a");
    const other = r.clone("other");
    const startedFrom = a.git("rev-parse", "HEAD");
    a.write({ "out/dunes.txt": "dunes", "assets.lock.yaml": "dunes: 1\n" });
    other.commit({ "out/hero.txt": "hero", "assets.lock.yaml": "hero: 1\n" }, "other run");
    // The real git, with the other run's push slipped in just before our first push.
    const real = new GitCli(a.dir);
    let raced = false;
    const racing: Git = {
      exec(args, call) {
        if (args[0] === "push" && !raced) {
          raced = true;
          other.git("push", "--quiet", "origin", "HEAD:main");
        }
        return real.exec(args, call);
      },
    };
    const retries: string[] = [];

    const landed = await landCommit(
      racing,
      {
        branch: "main",
        startedFrom,
        message: "seedlock: regenerate dunes",
        files: ["out/dunes.txt", "assets.lock.yaml"].map((p) => ({ path: p, source: join(a.dir, p) })),
        lockfile: { path: "assets.lock.yaml", merge: mergeLines },
      },
      { ...noWait, onRetry: (_n, reason) => retries.push(reason) },
    );

    expect(landed).toMatchObject({ attempts: 2, merged: true });
    expect(retries).toEqual(["[rejected] (fetch first)"]);
    expect(r.originGit("show", "main:assets.lock.yaml")).toBe("dunes: 1\nhero: 1");
    expect(r.originGit("rev-parse", "main~1")).toBe(other.git("rev-parse", "HEAD"));
  });

  it("gives up after the bounded number of tries when the branch keeps moving", async () => {
    const r = repo();
    const a = r.clone("a");
    const other = r.clone("other");
    a.write({ "out/dunes.txt": "dunes" });
    const real = new GitCli(a.dir);
    let n = 0;
    const busy: Git = {
      exec(args, call) {
        if (args[0] === "push") other.git("commit", "--quiet", "--allow-empty", "-m", `busy ${++n}`), other.git("push", "--quiet", "origin", "HEAD:main");
        return real.exec(args, call);
      },
    };
    const error = await landCommit(
      busy,
      { branch: "main", startedFrom: null, message: "m", files: [{ path: "out/dunes.txt", source: join(a.dir, "out/dunes.txt") }] },
      { ...noWait, maxAttempts: 3 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushRefusedError);
    expect((error as Error).message).toMatch(/moved on 3 times/);
    expect(n).toBe(3);
  });
});

describe("a push the server refuses", () => {
  it("fails at once with the server's reason instead of retrying", async () => {
    const r = repo();
    const ws = r.clone("ws");
    const hook = join(r.origin, "hooks", "pre-receive");
    writeFileSync(hook, "#!/bin/sh\necho 'protected branch' >&2\nexit 1\n");
    chmodSync(hook, 0o755);
    ws.write({ "out/a.txt": "a" });
    const tries: number[] = [];
    const error = await landCommit(
      new GitCli(ws.dir),
      { branch: "main", startedFrom: null, message: "m", files: [{ path: "out/a.txt", source: join(ws.dir, "out/a.txt") }] },
      { ...noWait, onRetry: (n) => tries.push(n) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushRefusedError);
    expect((error as Error).message).toMatch(/pushing to main was refused: pre-receive hook declined/);
    expect(tries).toEqual([]);
  });
});

describe("the work tree after landing", () => {
  it("is moved to the landed commit with the other run's files present", async () => {
    const r = repo();
    const a = r.clone("a");
    const b = r.clone("b");
    const startedFrom = b.git("rev-parse", "HEAD");
    a.commit({ "out/dunes.txt": "dunes", "assets.lock.yaml": "dunes: 1\n" }, "other run");
    a.git("push", "--quiet", "origin", "HEAD:main");
    b.write({ "out/hero.txt": "hero", "assets.lock.yaml": "hero: 1\n" });
    const git = new GitCli(b.dir);
    const landed = await landCommit(git, {
      branch: "main",
      startedFrom,
      message: "m",
      files: ["out/hero.txt", "assets.lock.yaml"].map((p) => ({ path: p, source: join(b.dir, p) })),
      lockfile: { path: "assets.lock.yaml", merge: mergeLines },
    });
    await syncWorkTree(git, startedFrom, landed.commit!, "main");
    expect(b.git("rev-parse", "HEAD")).toBe(landed.commit);
    expect(b.git("status", "--porcelain")).toBe("");
    expect(readFileSync(join(b.dir, "out/dunes.txt"), "utf8")).toBe("dunes");
    expect(readFileSync(join(b.dir, "assets.lock.yaml"), "utf8")).toBe("dunes: 1\nhero: 1\n");
  });
});

describe("git plumbing reads NUL-separated paths, and refuses a path git would read as something else", () => {
  it("lands paths with spaces, quotes, backslash-free Unicode and a leading dash exactly as named", async () => {
    const r = repo();
    const ws = r.clone("ws");
    const names = ['art/a b "c".png', "art/é 中文.webp", "art/-dash.png", "art/tail "];
    ws.write(Object.fromEntries(names.map((n, i) => [n, `pixels ${i}`])));
    await landCommit(new GitCli(ws.dir), { branch: "main", startedFrom: ws.git("rev-parse", "HEAD"), message: "odd names", files: names.map((p) => ({ path: p, source: join(ws.dir, p) })) }, noWait);
    const landed = r.originGit("ls-tree", "-r", "-z", "--name-only", "main", "art").split("\0").filter(Boolean).sort();
    expect(landed).toEqual([...names].sort());
  });

  for (const [what, path] of [
    ["a newline that would start a second index line", "img/a.png\n100644 e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\tsrc/index.js"],
    ["a tab", "img/a\tb.png"],
    ["a NUL", "img/a\0b.png"],
    ["a .git component in capitals", ".GIT/hooks/post-checkout"],
  ] as const) {
    it(`refuses ${what}, and origin stays as it was`, async () => {
      const r = repo();
      const ws = r.clone("ws");
      ws.write({ "img/a.png": "pixels" });
      const before = r.originGit("rev-parse", "main");
      const landing = landCommit(new GitCli(ws.dir), { branch: "main", startedFrom: before, message: "x", files: [{ path, source: join(ws.dir, "img/a.png") }] }, noWait);
      await expect(landing).rejects.toThrow(/^refusing to commit ".*": it (holds the control character|points inside \.git)/);
      expect(r.originGit("rev-parse", "main")).toBe(before);
    });
  }
});
