import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { readLockfile } from "../../src/lock/file.js";
import { MemoryLogger } from "../../src/logger.js";
import { execute } from "../../src/pipeline/execute.js";
import { createGeminiProvider } from "../../src/provider/gemini.js";
import type { ImageProvider, ImageRequest } from "../../src/provider/provider.js";

const MANIFEST = `version: 1
budget: { maxUsd: 5 }
limits: { concurrency: 3 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
  output: { format: webp, quality: 80, width: 64, height: 64 }
assets:
  - id: moss
    prompt: Moss on old stone steps, macro, no text
    count: 3
    out: img/moss-{n}.webp
`;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 5, randomSeed: 31, corruptRate: 0 });
});
afterAll(async () => {
  await emulator.close();
});

async function repo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "seedlock-refused-"));
  await mkdir(join(dir, ".git"));
  await writeFile(join(dir, "assets.yaml"), MANIFEST);
  return dir;
}

/** The emulator behind a provider that notes every answer it hands over, and lets a test act just before. */
function provider(onAnswer: (request: ImageRequest) => void = () => {}): ImageProvider & { answered: string[]; asked: string[] } {
  const inner = createGeminiProvider({ apiKey: "test-key", baseUrl: emulator.url });
  const answered: string[] = [];
  const asked: string[] = [];
  return {
    answered,
    asked,
    async generate(request) {
      const key = `${request.model}:${request.seed}`;
      asked.push(key);
      const result = await inner.generate(request);
      answered.push(key);
      onAnswer(request);
      return result;
    },
    judge: (request) => inner.judge(request),
  };
}

function run(dir: string, p: ImageProvider) {
  return execute({ command: "run", manifestPath: join(dir, "assets.yaml") }, { logger: new MemoryLogger(), provider: p });
}

describe("a journal folder that stops taking files in the middle of a run", () => {
  it("stops with exit 2 naming the folder, records the answers already paid for, and the rerun pays for none of them again", async () => {
    const dir = await repo();
    try {
      const incoming = join(dir, ".seedlock", "drafts", "moss", "incoming");
      let blocked = false;
      const first = provider(() => {
        if (blocked) return;
        blocked = true;
        rmSync(incoming, { recursive: true, force: true });
        writeFileSync(incoming, "a file where the journal folder was\n");
      });
      const report = await run(dir, first);
      expect(report.exitCode).toBe(2);
      expect(report.message).toMatch(/cannot write into .*incoming\/: a file stands where a folder should be .*; move or delete .*incoming, then rerun: everything accepted so far is kept/);

      const lock = await readLockfile(join(dir, "assets.lock.yaml"));
      const recorded = new Set(lock.assets.moss!.seeds.map((s) => `${s.model}:${s.seed}`));
      const draftsAnswered = first.answered.filter((key) => key.startsWith(`${lock.assets.moss!.models.draft}:`));
      expect(draftsAnswered.length).toBeGreaterThan(0);
      expect(draftsAnswered.filter((key) => !recorded.has(key))).toEqual([]);
      expect(report.spentUsd).toBeCloseTo(lock.assets.moss!.spentUsd, 6);

      rmSync(incoming, { force: true });
      const second = provider();
      expect((await run(dir, second)).exitCode).toBe(0);
      expect(second.asked.filter((key) => first.answered.includes(key))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("an output that cannot be written in the middle of a run (a folder where img/moss-2.webp should be)", () => {
  it("stops with exit 2 naming the file, and the rerun writes it from the kept final without paying for it again", async () => {
    const dir = await repo();
    try {
      mkdirSync(join(dir, "img", "moss-2.webp"), { recursive: true });
      const first = provider();
      const report = await run(dir, first);
      expect(report.exitCode).toBe(2);
      expect(report.message).toMatch(/cannot write .*img\/moss-2\.webp: a folder stands where a file should be; move or delete the folder .*moss-2\.webp, then rerun/);

      await rmdir(join(dir, "img", "moss-2.webp"));
      const second = provider();
      const rerun = await run(dir, second);
      expect(rerun.exitCode).toBe(0);
      expect(rerun.assets[0]!.outputs).toContain("img/moss-2.webp");
      expect(second.asked.filter((key) => first.answered.includes(key))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
