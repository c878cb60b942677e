import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_MANIFEST } from "../../src/cli/demo.js";
import { readLockfile } from "../../src/lock/file.js";
import { loadManifest } from "../../src/manifest/load.js";
import { repoRoot, seedlock, STACK_LINE, type Ran } from "../support/cli.js";

let base: string;
let ran: Ran;
const env = { PATH: process.env.PATH, HOME: process.env.HOME };

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "seedlock-demo-"));
  // No key in the environment: the demo needs none.
  ran = await seedlock(["demo", "--dir", "demo", "--latency-ms", "20"], { cwd: base, env });
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("npm run demo works from a fresh checkout with no key", () => {
  it("keeps the copy built into the bundle equal to examples/assets.yaml", async () => {
    expect(EXAMPLE_MANIFEST).toBe(await readFile(join(repoRoot, "examples", "assets.yaml"), "utf8"));
  });

  it("runs the example manifest on the emulator and prints the table and where to look", () => {
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/asset\s+status\s+drafts/);
    expect(ran.stdout).toMatch(/report:\s+demo\/\.seedlock\/report\/report\.html/);
  });

  it("writes every output the example declares, and the lockfile that records them", async () => {
    const lock = await readLockfile(join(base, "demo", "assets.lock.yaml"));
    const manifest = await loadManifest(join(base, "demo", "assets.yaml"));
    const outputs = Object.values(lock.assets).flatMap((a) => a.outputs);
    expect(outputs.length).toBe(manifest.assets.reduce((n, a) => n + a.count, 0));
    for (const o of outputs) {
      const meta = await sharp(await readFile(join(base, "demo", o.path))).metadata();
      expect(meta.width).toBe(o.width);
    }
    await expect(access(join(base, "demo", ".seedlock", "report", "report.html"))).resolves.toBeUndefined();
  });

  it("starts over in its own folder, and will not touch a folder it did not make", async () => {
    const again = await seedlock(["demo", "--dir", "demo", "--latency-ms", "0"], { cwd: base, env });
    expect(again.code).toBe(0);
    await mkdir(join(base, "mine"));
    await writeFile(join(base, "mine", "notes.txt"), "keep me");
    const refused = await seedlock(["demo", "--dir", "mine"], { cwd: base, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists and was not made by seedlock demo/);
    expect(await readFile(join(base, "mine", "notes.txt"), "utf8")).toBe("keep me");
  });
});

describe("npm run demo -- --batch", () => {
  it("sends drafts and renders through the emulator's Batch API and collects them in the same process", async () => {
    const batch = await seedlock(["demo", "--dir", "demo-batch", "--latency-ms", "0", "--batch", "--json"], { cwd: base, env });
    expect(batch.stderr).not.toMatch(STACK_LINE);
    expect(batch.code).toBe(0);
    const report = JSON.parse(batch.stdout) as { batch?: { submitted: { stage: string }[]; pending: unknown[] }; rendered: number };
    expect(report.batch?.pending).toEqual([]);
    expect(new Set(report.batch?.submitted.map((j) => j.stage))).toEqual(new Set(["draft", "final"]));
    const lock = await readLockfile(join(base, "demo-batch", "assets.lock.yaml"));
    const manifest = await loadManifest(join(base, "demo-batch", "assets.yaml"));
    expect(Object.values(lock.assets).flatMap((a) => a.outputs).length).toBe(manifest.assets.reduce((n, a) => n + a.count, 0));
  });
});
