import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runNode } from "../support/cli.js";

describe("the test suite keeps its temporary files to itself", () => {
  it("hands every test and child process one seedlock-test-* temp folder outside the repository, which the global teardown removes", async () => {
    expect(tmpdir()).toMatch(/[\\/]seedlock-test-[^\\/]+$/);
    expect(relative(repoRoot, tmpdir()).startsWith("..")).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "seedlock-probe-"));
    rmSync(dir, { recursive: true });
    const child = await runNode(join(repoRoot, "test", "support", "print-tmpdir.mjs"), [], { env: { ...process.env } });
    expect(child.stdout.trim()).toBe(tmpdir());
  });
});
