import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runNode } from "../support/cli.js";

describe("the test suite keeps its temporary files to itself", () => {
  it("hands every test and child process a temp folder under .cache/tmp, which the global teardown removes", async () => {
    const inside = relative(join(repoRoot, ".cache", "tmp"), tmpdir());
    expect(inside).toMatch(/^run-\d+$/);
    const dir = mkdtempSync(join(tmpdir(), "seedlock-probe-"));
    rmSync(dir, { recursive: true });
    const child = await runNode(join(repoRoot, "test", "support", "print-tmpdir.mjs"), [], { env: { ...process.env } });
    expect(child.stdout.trim()).toBe(tmpdir());
  });
});
