import { execFile } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

const run = promisify(execFile);
const LINT = join(repoRoot, "scripts", "lint.mjs");
const copies: string[] = [];

async function lint(dir?: string): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [LINT, ...(dir ? [dir] : [])], { cwd: repoRoot });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

/** A copy of src/ to plant one fault in. */
function copyOfSource(): string {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-lint-"));
  copies.push(dir);
  cpSync(join(repoRoot, "src"), join(dir, "src"), { recursive: true });
  return dir;
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the tree's layering, as docs/ARCHITECTURE.md draws it", () => {
  it("holds for the source as it is", async () => {
    expect(await lint()).toEqual({ code: 0, stderr: "" });
  });

  it("refuses an import that runs back up, naming the file, the line and both layers", async () => {
    const dir = copyOfSource();
    appendFileSync(join(dir, "src", "report", "figures.ts"), `\nimport { execute } from "../pipeline/execute.js";\nvoid execute;\n`);
    const { code, stderr } = await lint(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^src\/report\/figures\.ts:\d+: src\/report\/ \(layer 6\) imports src\/pipeline\/execute\.ts from src\/pipeline\/ \(layer 7\), a higher layer/m);
  });

  it("refuses an import between two folders on the same layer", async () => {
    const dir = copyOfSource();
    appendFileSync(join(dir, "src", "plan", "tier.ts"), `\nimport { usd } from "../report/figures.js";\nvoid usd;\n`);
    const { code, stderr } = await lint(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/src\/plan\/tier\.ts:\d+: .*a sibling on the same layer/);
  });

  it("refuses an import cycle inside one folder", async () => {
    const dir = copyOfSource();
    writeFileSync(join(dir, "src", "lock", "knot-a.ts"), `import { b } from "./knot-b.js";\nexport const a = () => b;\n`);
    writeFileSync(join(dir, "src", "lock", "knot-b.ts"), `import { a } from "./knot-a.js";\nexport const b = () => a;\n`);
    const { code, stderr } = await lint(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/import cycle: src\/lock\/knot-[ab]\.ts → src\/lock\/knot-[ab]\.ts → src\/lock\/knot-[ab]\.ts/);
  });

  it("keeps @google/genai in provider/ and sharp in the modules that decode or encode images", async () => {
    const dir = copyOfSource();
    appendFileSync(join(dir, "src", "plan", "plan.ts"), `\nimport sharp from "sharp";\nvoid sharp;\n`);
    appendFileSync(join(dir, "src", "pipeline", "ledger.ts"), `\nimport { GoogleGenAI } from "@google/genai";\nvoid GoogleGenAI;\n`);
    const { code, stderr } = await lint(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/src\/plan\/plan\.ts:\d+: .*sharp/);
    expect(stderr).toMatch(/src\/pipeline\/ledger\.ts:\d+: .*@google\/genai/);
  });

  it("lets only cli/ reach the emulator", async () => {
    const dir = copyOfSource();
    appendFileSync(join(dir, "src", "action", "run.ts"), `\nimport { startEmulator } from "../emulator/emulator.js";\nvoid startEmulator;\n`);
    const { code, stderr } = await lint(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/src\/action\/run\.ts:\d+: .*emulator/);
  });
});
