import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";
import { gitEnv } from "../support/git-repo.js";

const root = mkdtempSync(join(tmpdir(), "seedlock-release-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { ...gitEnv(join(root, "home")), SEEDLOCK_RELEASE_DATE: "2026-12-01" };
const origin = join(root, "origin.git");
const work = join(root, "work");

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" }).trim();
const release = (...args: string[]) => spawnSync(process.execPath, [join(work, "scripts", "release.mjs"), ...args], { cwd: work, env, encoding: "utf8" });

function setUp(): void {
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin], { env });
  execFileSync("git", ["init", "-q", "-b", "main", work], { env });
  mkdirSync(join(work, "scripts"));
  copyFileSync(join(repoRoot, "scripts", "release.mjs"), join(work, "scripts", "release.mjs"));
  writeFileSync(join(work, "package.json"), `${JSON.stringify({ name: "seedlock", version: "0.1.0", private: true }, null, 2)}\n`);
  writeFileSync(join(work, "CHANGELOG.md"), "# Changelog\n\n## Unreleased\n\n- One definition per figure.\n\n## v0.1.0 — 2026-11-01\n\n- First cut.\n");
  git(work, "add", "-A");
  git(work, "commit", "-qm", "start");
  git(work, "remote", "add", "origin", origin);
  git(work, "push", "-q", "origin", "main");
}

describe("scripts/release.mjs", () => {
  it("tags vX.Y.Z, moves v1 to it, pushes both, and keeps the changelog's notes in the tag", () => {
    setUp();
    const first = release("1.0.0", "--push", "--skip-bundle");
    expect(first.status, first.stderr).toBe(0);
    expect(git(origin, "rev-parse", "v1.0.0^{commit}")).toBe(git(origin, "rev-parse", "v1^{commit}"));
    expect(git(origin, "rev-parse", "main")).toBe(git(origin, "rev-parse", "v1.0.0^{commit}"));
    expect(JSON.parse(readFileSync(join(work, "package.json"), "utf8"))).toMatchObject({ version: "1.0.0" });
    expect(readFileSync(join(work, "CHANGELOG.md"), "utf8")).toMatch(/## Unreleased\n\n## v1\.0\.0 — 2026-12-01\n\n- One definition per figure\./);
    expect(git(origin, "tag", "-l", "--format=%(contents)", "v1.0.0")).toContain("- One definition per figure.");
    const notes = release("1.0.0", "--notes");
    expect(notes.stdout.trim()).toBe("- One definition per figure.");

    // The next release moves v1 on; the old tag stays where it was.
    writeFileSync(join(work, "CHANGELOG.md"), readFileSync(join(work, "CHANGELOG.md"), "utf8").replace("## Unreleased\n", "## Unreleased\n\n- A fix.\n"));
    git(work, "commit", "-qam", "a fix");
    const was = git(origin, "rev-parse", "v1.0.0^{commit}");
    expect(release("1.0.1", "--push", "--skip-bundle").status).toBe(0);
    expect(git(origin, "rev-parse", "v1^{commit}")).toBe(git(origin, "rev-parse", "v1.0.1^{commit}"));
    expect(git(origin, "rev-parse", "v1.0.0^{commit}")).toBe(was);
  });

  it("refuses a version that is not newer, a tag that exists, an empty Unreleased section and a dirty tree", () => {
    expect(release("0.9.0", "--skip-bundle").stderr).toMatch(/not newer than package\.json's 1\.0\.1/);
    expect(release("1.0.1", "--skip-bundle").stderr).toMatch(/v1\.0\.1 already exists/);
    expect(release("1.1.0", "--skip-bundle").stderr).toMatch(/non-empty "## Unreleased" section/);
    writeFileSync(join(work, "stray.txt"), "x");
    expect(release("1.1.0", "--skip-bundle").stderr).toMatch(/work tree has changes/);
    expect(release("one", "--skip-bundle").status).toBe(2);
  });
});
