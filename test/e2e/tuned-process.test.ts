import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/emulator.js";
import { cli, readLock, RecordingProxy, spawnCli, tempRepo } from "./harness.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const MANIFEST = `version: 1
budget: { maxUsd: 20 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: dune
    prompt: Wind-carved dunes under a pale sky, no text
    count: 30
    maxAttempts: 200
    out: img/dune-{n}.webp
`;

describe("the image work runs in a child process that lives and dies with the command", () => {
  it("a SIGKILL of the command stops the work at once: nothing more is sent, and a rerun takes the run lock and finishes", async () => {
    const emulator = await startEmulator({ latencyMs: 150, randomSeed: 8, corruptRate: 0 });
    const proxy = new RecordingProxy(emulator.url);
    const url = await proxy.start();
    const dir = await tempRepo(MANIFEST);
    cleanup.push(() => emulator.close(), () => proxy.close(), () => rm(dir, { recursive: true, force: true }));
    const child = spawnCli(dir, url, ["run"]);
    await new Promise<void>((resolve) => {
      const stop = proxy.onRequest(() => {
        if (proxy.requests.length < 4) return;
        stop();
        child.kill("SIGKILL");
        resolve();
      });
    });
    // "close" comes once every holder of the output pipes is gone: the child too.
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, s) => resolve(s)));
    expect(signal).toBe("SIGKILL");
    // Requests the child wrote just before it died may still sit in the proxy's socket buffers on a
    // loaded machine; once those are read, nothing more may come.
    await new Promise((r) => setTimeout(r, 300));
    const sentByThen = proxy.requests.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(proxy.requests.length).toBe(sentByThen);
    // A run that went on would have drafted and rendered at least 30 images.
    expect(sentByThen).toBeLessThan(30);
    const rerun = await cli(dir, url, ["run"]);
    expect(rerun.stderr).not.toMatch(/another seedlock run/);
    expect(rerun.code).toBe(0);
    expect((await readLock(dir)).assets.dune!.outputs).toHaveLength(30);
  });
});
