import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, seedlock, STACK_LINE, type Ran } from "../support/cli.js";

/**
 * Every file here is a user mistake. Each starts with (or, when it must stay empty, sits beside
 * a `.expect` file holding) two comment lines:
 *   # expect: LINE:COL what the message says (after `file:line:col: `)
 *   # fix: a fragment of the fix shown in parentheses on the same line, or `-` for none
 */
interface Case {
  name: string;
  /** The manifest passed with --manifest, relative to the repository. */
  manifest: string;
  /** The file the first diagnostic must name. */
  file: string;
  where: string;
  message: string;
  fix?: string;
}

const corpus = join(repoRoot, "test", "corpus");

function expectation(text: string): { where: string; message: string; fix?: string } {
  const expect = /^# expect: (\d+:\d+) (.+)$/m.exec(text);
  const fix = /^# fix: (.+)$/m.exec(text);
  if (!expect || !fix) throw new Error("corpus file without its # expect: / # fix: header");
  return { where: expect[1]!, message: expect[2]!, ...(fix[1] !== "-" ? { fix: fix[1]! } : {}) };
}

const manifestCases: Case[] = readdirSync(join(corpus, "manifest"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => {
    const rel = `test/corpus/manifest/${f}`;
    return { name: f.replace(/\.yaml$/, ""), manifest: rel, file: rel, ...expectation(readFileSync(join(repoRoot, rel), "utf8")) };
  });

const lockCases: Case[] = readdirSync(join(corpus, "lock"))
  .filter((f) => f.endsWith(".lock.yaml"))
  .sort()
  .map((f) => {
    const name = f.replace(/\.lock\.yaml$/, "");
    const lockRel = `test/corpus/lock/${f}`;
    const sidecar = join(corpus, "lock", `${name}.expect`);
    const text = readFileSync(existsSync(sidecar) ? sidecar : join(repoRoot, lockRel), "utf8");
    return { name, manifest: `test/corpus/lock/${name}.yaml`, file: lockRel, ...expectation(text) };
  });

/** The line of stderr that carries the diagnostic at `file:where`. */
function diagnosticLine(ran: Ran, file: string, where: string): string | undefined {
  return ran.stderr.split("\n").find((line) => line.includes(`${file}:${where}: `));
}

function expectAnswered(ran: Ran, c: Case, file = c.file): void {
  expect(ran.stderr).not.toMatch(STACK_LINE);
  expect(ran.code, ran.stderr).toBe(2);
  const line = diagnosticLine(ran, file, c.where);
  expect(line, `no diagnostic at ${file}:${c.where} in:\n${ran.stderr}`).toBeDefined();
  expect(line).toContain(`${file}:${c.where}: ${c.message}`);
  if (c.fix) expect(line).toMatch(new RegExp(`\\(.*${escape(c.fix)}.*\\)$`));
  expect(ran.stdout).toBe("");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("the corpus is large enough to mean something", () => {
  it("holds at least 100 broken manifests and lockfiles", () => {
    expect(manifestCases.length + lockCases.length).toBeGreaterThanOrEqual(100);
    expect(lockCases.length).toBeGreaterThanOrEqual(25);
  });
});

/** Every file and folder under the corpus with its size and time: a refusal must leave it as it was. */
function corpusOnDisk(): string {
  return readdirSync(corpus, { recursive: true, withFileTypes: true })
    .map((e) => {
      const path = join(e.parentPath, e.name);
      const info = statSync(path);
      return `${path} ${e.isDirectory() ? "/" : `${info.size} ${info.mtimeMs}`}`;
    })
    .sort()
    .join("\n");
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent("a broken manifest is answered with exit 2, file:line:col and a fix", () => {
  for (const c of manifestCases) {
    if (c.name === "symlink-escape") {
      // A symlink that leaves the repository cannot be committed safely; build the repository around the file.
      it(c.name, async () => {
        const dir = mkdtempSync(join(tmpdir(), "seedlock-corpus-"));
        temporary.push(dir);
        const repo = join(dir, "repo");
        mkdirSync(join(repo, ".git"), { recursive: true });
        mkdirSync(join(dir, "elsewhere"));
        copyFileSync(join(repoRoot, c.manifest), join(repo, "assets.yaml"));
        symlinkSync(join(dir, "elsewhere"), join(repo, "outside"));
        const ran = await seedlock(["plan", "--manifest", "assets.yaml"], { cwd: repo });
        expectAnswered(ran, c, "assets.yaml");
      });
      continue;
    }
    it(c.name, async () => {
      const before = corpusOnDisk();
      expectAnswered(await seedlock(["plan", "--manifest", c.manifest]), c);
      expect(corpusOnDisk()).toBe(before);
    });
  }
});

describe.concurrent("a broken lockfile is answered with exit 2, file:line:col and a way to recover", () => {
  for (const c of lockCases) {
    it(c.name, async () => {
      const before = corpusOnDisk();
      expectAnswered(await seedlock(["plan", "--manifest", c.manifest]), c);
      expect(corpusOnDisk()).toBe(before);
    });
  }
});

describe.concurrent("a bad --max-budget-usd is answered with exit 2 and an example", () => {
  for (const value of ["abc", "5 USD", "=-1", "1e999", ""]) {
    it(JSON.stringify(value), async () => {
      const args = value.startsWith("=") ? [`--max-budget-usd${value}`] : ["--max-budget-usd", value];
      const ran = await seedlock(["plan", "--manifest", "examples/assets.yaml", ...args]);
      expect(ran.stderr).not.toMatch(STACK_LINE);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toMatch(/--max-budget-usd must be a plain number of US dollars ≥ 0, not "[^"]*" \(for example --max-budget-usd 5 or 0\.50; 0 spends nothing\)/);
    });
  }
});
