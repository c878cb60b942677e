// Bad flags and hostile files on disk (symlinks planted in the checkout), each run through the
// built CLI in a repository of its own: exit 2, a message naming the flag or file (with its
// position when it has one), no call to the service, and nothing changed on disk, inside or out.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedlock, STACK_LINE } from "../support/cli.js";

const MANIFEST = `version: 1
budget:
  maxUsd: 5
assets:
  - id: hero
    prompt: A lighthouse at night
    out: art/hero.png
`;
// Nothing listens there: a call made by mistake fails loudly instead of reaching a service.
const NOWHERE = "http://127.0.0.1:9";

const scratch = mkdtempSync(join(tmpdir(), "seedlock-corpus-disk-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Setup {
  repo: string;
  outside: string;
}

interface Case {
  name: string;
  args: string[];
  /** Builds the hostile part of the checkout. */
  plant?: (setup: Setup) => void;
  /** What stderr must say, position included where the problem has one. */
  says: RegExp;
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const path = join(e.parentPath, e.name);
      const info = lstatSync(path);
      return `${path.slice(dir.length)} ${info.isSymbolicLink() ? "link" : info.isDirectory() ? "/" : `${info.size} ${statSync(path).mtimeMs}`}`;
    })
    .sort();
}

const CASES: Case[] = [
  { name: "a stray argument to plan", args: ["plan", "other.yaml"], says: /unexpected argument "other\.yaml"; seedlock plan takes flags only \(to use that manifest, write seedlock plan --manifest other\.yaml\)/ },
  { name: "stray words after run", args: ["run", "everything", "now"], says: /unexpected argument "everything"; seedlock run takes flags only \(run "seedlock run --help"/ },
  { name: "a manifest named without --manifest to verify", args: ["verify", "assets.yaml"], says: /unexpected argument "assets\.yaml"; seedlock verify takes flags only/ },
  { name: "--concurrency 1000", args: ["run", "--concurrency", "1000"], says: /--concurrency must be at most 64, not 1000; more calls at once only earn refusals/ },
  { name: "--concurrency one above the bound", args: ["preview", "--concurrency", "65"], says: /--concurrency must be at most 64, not 65/ },
  { name: "--concurrency written in exponent form", args: ["run", "--concurrency=1e3"], says: /--concurrency must be at most 64, not 1000/ },
  { name: "an empty --concurrency", args: ["run", "--concurrency="], says: /--concurrency must be a whole number ≥ 1, not "" \(for example --concurrency 8\)/ },
  { name: "--rpm above what any project gets", args: ["run", "--rpm", "1000000"], says: /--rpm must be at most 100000, not 1000000/ },
  {
    name: "the manifest is a symlink to a file outside the repository",
    args: ["plan"],
    plant: ({ repo, outside }) => {
      rmSync(join(repo, "assets.yaml"));
      writeFileSync(join(outside, "secret.txt"), "token: ghp_not_for_your_eyes\n");
      symlinkSync(join(outside, "secret.txt"), join(repo, "assets.yaml"));
    },
    says: /assets\.yaml: leads out of the repository through a symlink \(to .*secret\.txt\); seedlock reads no file outside it \(point --manifest/,
  },
  {
    name: "the lockfile is a symlink to a file outside the repository",
    args: ["plan"],
    plant: ({ repo, outside }) => {
      writeFileSync(join(outside, "other.lock.yaml"), "version: 1\n");
      symlinkSync(join(outside, "other.lock.yaml"), join(repo, "assets.lock.yaml"));
    },
    says: /assets\.lock\.yaml: leads out of the repository through a symlink .*\(replace the symlink with the lockfile itself/,
  },
  {
    name: "the output folder leads outside through a chain of two symlinks",
    args: ["plan"],
    plant: ({ repo, outside }) => {
      symlinkSync(outside, join(repo, "hop"));
      symlinkSync(join(repo, "hop"), join(repo, "art"));
    },
    says: /assets\.yaml:7:10: assets\[0\]\.out writes art\/hero\.png through a symlink that leads out of the repository/,
  },
  {
    name: "the output folder is a dangling symlink",
    args: ["plan"],
    plant: ({ repo, outside }) => symlinkSync(join(outside, "not-made-yet"), join(repo, "art")),
    says: /assets\.yaml:7:10: assets\[0\]\.out writes art\/hero\.png through a symlink that leads out of the repository/,
  },
  {
    name: ".seedlock is a symlink to a folder outside",
    args: ["preview"],
    plant: ({ repo, outside }) => symlinkSync(outside, join(repo, ".seedlock")),
    says: /cannot write \.seedlock\/: a symlink on the way leads out of the repository .*nothing was sent|cannot write \.seedlock\/: a symlink on the way leads out of the repository/,
  },
  {
    name: "an answer journal folder is a symlink to a folder outside, whose files must not be swept",
    args: ["run"],
    plant: ({ repo, outside }) => {
      mkdirSync(join(repo, ".seedlock", "drafts", "hero"), { recursive: true });
      writeFileSync(join(outside, "precious.txt"), "not a journal file\n");
      symlinkSync(outside, join(repo, ".seedlock", "drafts", "hero", "incoming"));
    },
    says: /cannot write \.seedlock\/drafts\/hero\/incoming\/.*a symlink on the way leads out of the repository/,
  },
];

describe.concurrent("a bad flag or a hostile file on disk is refused with exit 2 before any call, changing nothing", () => {
  for (const [i, c] of CASES.entries()) {
    it(c.name, async () => {
      const repo = join(scratch, `case-${i}`, "repo");
      const outside = join(scratch, `case-${i}`, "outside");
      mkdirSync(join(repo, ".git"), { recursive: true });
      mkdirSync(outside);
      writeFileSync(join(repo, "assets.yaml"), MANIFEST);
      c.plant?.({ repo, outside });
      const before = { repo: listing(repo), outside: listing(outside) };

      const ran = await seedlock([...c.args, "--base-url", NOWHERE], { cwd: repo, env: { PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: "corpus-key" } });

      expect(ran.stderr).not.toMatch(STACK_LINE);
      expect(ran.code, ran.stderr).toBe(2);
      expect(ran.stderr).toMatch(c.says);
      expect(ran.stderr).not.toMatch(/ECONNREFUSED|fetch failed|provider/i);
      expect(ran.stderr).not.toContain("ghp_not_for_your_eyes");
      expect({ repo: listing(repo), outside: listing(outside) }).toEqual(before);
    });
  }

  it("a symlink that stays inside the repository is followed: a manifest linked from another folder is read", async () => {
    const repo = join(scratch, "inside-link");
    mkdirSync(join(repo, ".git"), { recursive: true });
    mkdirSync(join(repo, "config"));
    writeFileSync(join(repo, "config", "assets.yaml"), MANIFEST);
    symlinkSync(join(repo, "config", "assets.yaml"), join(repo, "assets.yaml"));
    const ran = await seedlock(["plan"], { cwd: repo });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain("hero");
  });
});
