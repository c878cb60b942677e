import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { seedlock, STACK_LINE } from "../support/cli.js";
import { cli, readLock, RecordingProxy, tempRepo } from "./harness.js";

const MANIFEST = `version: 1
models:
  draft: gemini-3.1-flash-lite-image
  final: gemini-nano-banana-2.1
budget:
  maxUsd: 5
limits:
  concurrency: 4
defaults:
  aspectRatio: "16:9"
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: wall
    prompt: Quiet pine forest in morning fog, soft light, no text
    count: 2
    out: img/wall-{n}.webp
    output: { format: webp, quality: 80, width: 640, height: 360, fit: cover }
  - id: hero
    prompt: Paper lantern floating over a dark lake, warm glow, no text
    tier: final-only
    out: img/hero.png
  - id: icon
    prompt: Flat geometric acorn icon, two colours, centred, no text
    tier: draft-only
    aspectRatio: "1:1"
    count: 2
    out: img/icon-{n}.jpg
    output: { quality: 80, width: 128, height: 128 }
`;

let emulator: RunningEmulator;
let proxy: RecordingProxy;
let url: string;
let dir: string;
let first: RunReport;

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 5, randomSeed: 11 });
  proxy = new RecordingProxy(emulator.url);
  url = await proxy.start();
  dir = await tempRepo(MANIFEST);
  const ran = await cli(dir, url, ["run", "--json"]);
  expect(ran.stderr).not.toMatch(STACK_LINE);
  expect(ran.code).toBe(0);
  first = JSON.parse(ran.stdout) as RunReport;
});

afterAll(async () => {
  await proxy.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a run writes every output in the format and size the manifest declares", () => {
  it("two-tier: WebP at the declared 640×360", async () => {
    for (const n of [1, 2]) {
      const meta = await sharp(await readFile(join(dir, `img/wall-${n}.webp`))).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["webp", 640, 360]);
    }
  });

  it("final-only: a PNG at the final model's size when no size is declared", async () => {
    const meta = await sharp(await readFile(join(dir, "img/hero.png"))).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 1376, 768]); // 16:9 at 1K
  });

  it("draft-only: JPEG at the declared 128×128 from a Lite draft", async () => {
    for (const n of [1, 2]) {
      const meta = await sharp(await readFile(join(dir, `img/icon-${n}.jpg`))).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 128, 128]);
    }
  });

  it("only two-tier assets call the final model with the accepted draft as reference", () => {
    const renders = proxy.requests.filter((r) => r.withReference && r.model === "gemini-nano-banana-2.1");
    const lite = proxy.requests.filter((r) => r.model === "gemini-3.1-flash-lite-image");
    expect(renders.length).toBeGreaterThanOrEqual(2);
    expect(renders.every((r) => r.prompt.startsWith("Quiet pine forest"))).toBe(true);
    expect(lite.every((r) => !r.withReference)).toBe(true);
    expect(first.rendered).toBe(5);
  });
});

describe("the lockfile records exactly what is on disk", () => {
  it("every output's sha256 is the sha256 of its file, and each names its seed and model", async () => {
    const lock = await readLock(dir);
    const outputs = Object.values(lock.assets).flatMap((a) => a.outputs);
    expect(outputs.map((o) => o.path).sort()).toEqual(["img/hero.png", "img/icon-1.jpg", "img/icon-2.jpg", "img/wall-1.webp", "img/wall-2.webp"]);
    for (const o of outputs) {
      const bytes = await readFile(join(dir, o.path));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(o.sha256);
      expect(o.bytes).toBe(bytes.length);
    }
    expect(lock.assets.wall!.outputs.every((o) => o.model === "gemini-nano-banana-2.1")).toBe(true);
    expect(lock.assets.icon!.outputs.every((o) => o.model === "gemini-3.1-flash-lite-image")).toBe(true);
  });

  it("every seed tried is recorded with its verdict, and the rejected ones with their reasons", async () => {
    const lock = await readLock(dir);
    const seeds = Object.values(lock.assets).flatMap((a) => a.seeds);
    const drafted = proxy.requests.filter((r) => !r.withReference);
    expect(new Set(drafted.map((r) => `${r.model}:${r.seed}`)).size).toBe(seeds.length);
    for (const s of seeds.filter((s) => s.status === "rejected")) expect(s.reasons?.length).toBeGreaterThan(0);
    expect(lock.stats.drafts).toBe(seeds.length);
  });

  it("accepted drafts are kept beside the manifest, where the lockfile points", async () => {
    const lock = await readLock(dir);
    for (const s of Object.values(lock.assets).flatMap((a) => a.seeds).filter((s) => s.status !== "rejected")) {
      expect(s.draft).toMatch(/^\.seedlock\/drafts\//);
      await expect(readFile(join(dir, s.draft!))).resolves.toBeInstanceOf(Buffer);
    }
  });

  it("report.html and one contact sheet per asset are written in the report folder", async () => {
    expect(first.reportDir).toBe(join(dir, ".seedlock", "report"));
    const html = await readFile(join(dir, ".seedlock", "report", "report.html"), "utf8");
    expect(html).toContain("wall");
    for (const a of first.assets) {
      expect(a.contactSheet).toMatch(new RegExp(`^runs/[\\w-]+-run/${a.id}\\.contact-sheet\\.jpg$`));
      const meta = await sharp(await readFile(join(dir, ".seedlock", "report", a.contactSheet!))).metadata();
      expect(meta.format).toBe("jpeg");
    }
  });
});

describe("an unchanged second run makes no call", () => {
  it("sends zero requests, pays nothing and reports every asset unchanged", async () => {
    const before = proxy.requests.length;
    const requestsBefore = emulator.stats.requests;
    const ran = await cli(dir, url, ["run", "--json"]);
    expect(ran.code).toBe(0);
    const report = JSON.parse(ran.stdout) as RunReport;
    expect(proxy.requests.length).toBe(before);
    expect(emulator.stats.requests).toBe(requestsBefore);
    expect(report.spentUsd).toBe(0);
    expect(report.assets.map((a) => a.status)).toEqual(["unchanged", "unchanged", "unchanged"]);
  });

  it("a deleted output is made again from its accepted draft without drafting anew, and without a key", async () => {
    await rm(join(dir, "img/icon-2.jpg"));
    const before = proxy.requests.length;
    const ran = await seedlock(["run", "--json", "--base-url", url], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(ran.code).toBe(0);
    // A draft-only output is the accepted draft post-processed: no call at all.
    expect(proxy.requests.length).toBe(before);
    const meta = await sharp(await readFile(join(dir, "img/icon-2.jpg"))).metadata();
    expect([meta.width, meta.height]).toEqual([128, 128]);
  });
});

describe("verify checks the outputs against the lockfile", () => {
  it("passes when every file matches", async () => {
    const ran = await cli(dir, url, ["verify"]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/verified: 5 outputs match the lockfile/);
  });

  it("exits 6 (drift, not invalid input's 2) naming the file that changed, without a stack trace", async () => {
    const path = join(dir, "img/wall-1.webp");
    const original = await readFile(path);
    await writeFile(path, Buffer.concat([original, Buffer.from("edited")]));
    try {
      const ran = await cli(dir, url, ["verify"]);
      expect(ran.code).toBe(6);
      expect(ran.stderr).toMatch(/img\/wall-1\.webp: differs from the lockfile/);
      const bad = await cli(dir, url, ["verify", "--manifest", "no-such.yaml"]);
      expect(bad.code).toBe(2);
      expect(ran.stderr).not.toMatch(STACK_LINE);
    } finally {
      await writeFile(path, original);
    }
  });
});
