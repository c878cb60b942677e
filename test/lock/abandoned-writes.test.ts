import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeLockfile } from "../../src/lock/file.js";
import { emptyLockfile } from "../../src/lock/types.js";

const dir = mkdtempSync(join(tmpdir(), "seedlock-abandoned-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("half-written lockfiles left by a killed run are cleaned up", () => {
  it("removes a dead run's temporary file and keeps a live run's", async () => {
    // A process that has exited: its pid names nobody now.
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      const deadTemp = join(dir, `.assets.lock.yaml.${dead}.0badf00d.tmp`);
      const liveTemp = join(dir, `.assets.lock.yaml.${live.pid}.1badf00d.tmp`);
      const otherFile = join(dir, `.other.yaml.${dead}.2badf00d.tmp`);
      for (const f of [deadTemp, liveTemp, otherFile]) writeFileSync(f, "version: 1\nstats:\n");

      await writeLockfile(join(dir, "assets.lock.yaml"), emptyLockfile());

      expect(existsSync(deadTemp)).toBe(false);
      expect(existsSync(liveTemp)).toBe(true);
      expect(existsSync(otherFile)).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp") && f.includes(`.${process.pid}.`))).toEqual([]);
    } finally {
      live.kill();
    }
  });
});
