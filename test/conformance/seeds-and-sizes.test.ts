import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type EmulatorOptions } from "../../src/emulator/emulator.js";
import { RecordingProxy, readLock, tempRepo } from "../e2e/harness.js";
import { expectSpendIsTheBill, runJson } from "./conformance.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const done of cleanups.splice(0)) await done();
});

async function service(options: EmulatorOptions = {}) {
  const emulator = await startEmulator({ ...NO_FLAWS, latencyMs: 5, randomSeed: 3, ...options });
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  cleanups.push(async () => {
    await proxy.close();
    await emulator.close();
  });
  return { emulator, proxy, url };
}

async function scratch(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
}

const ONE_ASSET = (output: string, extra = "") => `version: 1
budget: { maxUsd: 2 }
defaults: { screen: { minWidth: 256, minHeight: 256 } }
assets:
  - id: ridge
    prompt: A mountain ridge under low cloud, no text
    aspectRatio: "3:2"
    finalSize: 2K
    out: img/ridge.webp
    output: ${output}
${extra}`;

describe("a final smaller than asked", () => {
  it("is re-rendered once, paid and said so, only when it cannot make the output; then the seed fails with both answers recorded", async () => {
    const { emulator, proxy, url } = await service({ profile: "undersized" });
    const dir = await tempRepo(ONE_ASSET("{ width: 2000, height: 1333 }", "    maxAttempts: 1\n"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const ran = await runJson(dir, url, ["run"]);
    expect(ran.code).toBe(4);
    const seed = (await readLock(dir)).assets.ridge!.seeds[0]!;
    expect(seed.status).toBe("failed");
    expect(seed.reasons).toEqual([
      "final: re-rendered (the paid answer was not used): too-small: 1264×848 cannot make the 2000×1333 output without enlarging it",
      "final: too-small: 1264×848 cannot make the 2000×1333 output without enlarging it",
    ]);
    expect(proxy.requests.filter((r) => r.withReference)).toHaveLength(2);
    expect(seed.costUsd).toBeGreaterThan(3 * 0.0336);
    expectSpendIsTheBill([ran.report], emulator);
  });

  it("is kept and marked undersized when it still makes the output, with no second call", async () => {
    const { proxy, url } = await service({ profile: "undersized" });
    const dir = await tempRepo(ONE_ASSET("{ width: 900, height: 600 }"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const ran = await runJson(dir, url, ["run"]);
    expect(ran.code).toBe(0);
    expect((await readLock(dir)).assets.ridge!.outputs[0]).toMatchObject({ width: 900, height: 600, undersized: true, answered: "1264x848", asked: "2528x1696" });
    expect(proxy.requests.filter((r) => r.withReference)).toHaveLength(1);
  });
});

describe("a seed is not a recipe", () => {
  it("the accepted drafts are kept where git keeps them, so a fresh clone renders from the screened bytes without drawing again", async () => {
    const { proxy, url } = await service();
    const dir = await scratch("seedlock-origin-");
    git(dir, "init", "-q");
    await writeFile(join(dir, "assets.yaml"), ONE_ASSET("{ width: 600, height: 400 }"));
    const preview = await runJson(dir, url, ["preview"]);
    expect(preview.code, preview.stderr).toBe(0);
    const draft = (await readLock(dir)).assets.ridge!.seeds.find((s) => s.status === "accepted")!.draft!;
    // seedlock's own .gitignore keeps its caches out and lets the accepted draft in.
    git(dir, "add", "-A");
    expect(git(dir, "ls-files", "--cached")).toContain(draft);
    expect(git(dir, "ls-files", "--cached")).not.toMatch(/output-hashes|incoming/);
    git(dir, "commit", "-qm", "preview");
    const clone = await scratch("seedlock-clone-");
    git(clone, "clone", "-q", dir, ".");
    const before = proxy.requests.length;
    const render = await runJson(clone, url, ["render"]);
    expect(render.code, render.stderr).toBe(0);
    const calls = proxy.requests.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.withReference).toBe(true);
    expect(render.report.drafts).toBe(0);
  });

  it("a draft drawn again from its seed because its file is missing is screened again before it is sent as reference", async () => {
    const first = await service();
    const dir = await tempRepo(ONE_ASSET("{ width: 600, height: 400 }"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    expect((await runJson(dir, first.url, ["preview"])).code).toBe(0);
    const accepted = (await readLock(dir)).assets.ridge!.seeds.find((s) => s.status === "accepted")!;
    await unlink(join(dir, accepted.draft!));
    // The service draws that seed differently now (a seed is best effort): this time too dark.
    const second = await service({ darkRate: 1 });
    const render = await runJson(dir, second.url, ["render"]);
    const seed = (await readLock(dir)).assets.ridge!.seeds.find((s) => s.seed === accepted.seed)!;
    expect(seed.status).toBe("rejected");
    expect(seed.reasons?.[0]).toBe(`re-drawn from seed ${accepted.seed} because its draft file ${accepted.draft} was missing, and screened again`);
    expect(seed.reasons?.some((r) => r.startsWith("too-dark"))).toBe(true);
    // Never rendered from an image nobody screened: the render, if any, is of another seed the preview accepted.
    expect(second.proxy.requests.filter((r) => r.withReference && r.seed === accepted.seed)).toHaveLength(0);
    const outputs = (await readLock(dir)).assets.ridge!.outputs;
    expect(outputs.every((o) => o.seed !== accepted.seed)).toBe(true);
    expect(render.report.rendered).toBe(outputs.length);
    expect(await readFile(join(dir, "assets.lock.yaml"), "utf8")).toContain("screened again");
  });
});
