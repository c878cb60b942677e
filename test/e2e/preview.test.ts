import { access, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { Lockfile } from "../../src/lock/types.js";
import type { RunReport } from "../../src/run-report.js";
import { cli, readLock, RecordingProxy, tempRepo } from "./harness.js";

const LITE = "gemini-3.1-flash-lite-image";
const MANIFEST = `version: 1
budget: { maxUsd: 5 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: mesa
    prompt: Red mesa under a clear sky, graphic style, no text
    count: 2
    out: img/mesa-{n}.webp
  - id: pier
    prompt: Wooden pier into a still lake, dusk, no text
    count: 3
    out: img/pier-{n}.webp
`;

let emulator: RunningEmulator;
let proxy: RecordingProxy;
let url: string;
let dir: string;
let previewed: Lockfile;
let preview: RunReport;

const exists = (path: string) => access(join(dir, path)).then(() => true, () => false);
const usable = (lock: Lockfile, id: string) => lock.assets[id]!.seeds.filter((s) => s.status === "accepted" || s.status === "rendered");

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 5, randomSeed: 31, corruptRate: 0 });
  proxy = new RecordingProxy(emulator.url);
  url = await proxy.start();
  dir = await tempRepo(MANIFEST);
  const ran = await cli(dir, url, ["preview", "--json"]);
  expect(ran.code).toBe(0);
  preview = JSON.parse(ran.stdout) as RunReport;
  previewed = await readLock(dir);
});

afterAll(async () => {
  await proxy.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe("preview drafts and screens, and renders nothing", () => {
  it("records at least count accepted seeds per asset, with their drafts kept, and writes no output", async () => {
    expect(usable(previewed, "mesa").length).toBeGreaterThanOrEqual(2);
    expect(usable(previewed, "pier").length).toBeGreaterThanOrEqual(3);
    for (const s of [...usable(previewed, "mesa"), ...usable(previewed, "pier")]) expect(await exists(s.draft!)).toBe(true);
    expect(await exists("img/mesa-1.webp")).toBe(false);
    expect(proxy.requests.every((r) => r.model === LITE)).toBe(true);
    expect(preview.rendered).toBe(0);
    expect(preview.accepted).toBeGreaterThanOrEqual(5);
  });

  it("a second preview finds the seeds it accepted and calls nothing", async () => {
    const before = proxy.requests.length;
    expect((await cli(dir, url, ["preview"])).code).toBe(0);
    expect(proxy.requests.length).toBe(before);
  });
});

describe("render finishes exactly the previewed seeds", () => {
  it("calls only the final model, once per accepted seed it needs, for seeds the preview accepted", async () => {
    const before = proxy.requests.length;
    const ran = await cli(dir, url, ["render", "--json"]);
    expect(ran.code).toBe(0);
    const calls = proxy.requests.slice(before);
    expect(calls.every((r) => r.model === "gemini-nano-banana-2.1" && r.withReference)).toBe(true);
    const accepted = new Set([...usable(previewed, "mesa"), ...usable(previewed, "pier")].map((s) => s.seed));
    for (const r of calls) expect(accepted.has(r.seed!)).toBe(true);
    expect(new Set(calls.map((r) => r.seed)).size).toBe(calls.length);
    // A final the model refuses is replaced by a spare accepted draft if there is one, never by a new draft.
    const lock = await readLock(dir);
    const outputs = lock.assets.mesa!.outputs.length + lock.assets.pier!.outputs.length;
    const refused = Object.values(lock.assets).flatMap((a) => a.seeds.filter((s) => s.status === "failed")).length;
    expect(calls.length).toBe(outputs + refused);
    const report = JSON.parse(ran.stdout) as RunReport;
    for (const a of report.assets) expect(a.status).toBe(lock.assets[a.id]!.outputs.length === (a.id === "mesa" ? 2 : 3) ? "done" : "planned");
  });

  it("run afterwards pays only for what render could not finish, and renders nothing twice", async () => {
    const rendered = new Set(Object.values((await readLock(dir)).assets).flatMap((a) => a.outputs.map((o) => o.seed)));
    const before = proxy.requests.length;
    expect((await cli(dir, url, ["run"])).code).toBe(0);
    const calls = proxy.requests.slice(before);
    for (const r of calls.filter((r) => r.withReference)) expect(rendered.has(r.seed!)).toBe(false);
    const lock = await readLock(dir);
    expect([lock.assets.mesa!.outputs.length, lock.assets.pier!.outputs.length]).toEqual([2, 3]);
    const again = proxy.requests.length;
    expect((await cli(dir, url, ["run"])).code).toBe(0);
    expect(proxy.requests.length).toBe(again);
  });
});

describe("a fresh checkout without the drafts folder still renders the reviewed seeds", () => {
  it("drafts those same seeds once more for their reference, and no new seed", async () => {
    const fresh = await tempRepo(MANIFEST);
    try {
      expect((await cli(fresh, url, ["preview"])).code).toBe(0);
      const lock = await readLock(fresh);
      const reviewed = new Set(Object.values(lock.assets).flatMap((a) => a.seeds.filter((s) => s.status === "accepted").map((s) => s.seed)));
      await rm(join(fresh, ".seedlock"), { recursive: true, force: true });
      const before = proxy.requests.length;
      expect((await cli(fresh, url, ["render"])).code).toBe(0);
      const drafts = proxy.requests.slice(before).filter((r) => r.model === LITE);
      expect(drafts.length).toBeGreaterThan(0);
      for (const r of drafts) expect(reviewed.has(r.seed!)).toBe(true);
      const outputs = Object.values((await readLock(fresh)).assets).flatMap((a) => a.outputs);
      expect(outputs.length).toBeGreaterThan(0);
      for (const o of outputs) {
        expect(reviewed.has(o.seed)).toBe(true);
        expect(await readFile(join(fresh, o.path))).toBeInstanceOf(Buffer);
      }
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
