import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunLockedError, WriteRefusedError } from "../../src/errors.js";
import { RUN_LOCK } from "../../src/disk/folders.js";
import { takeRunLock } from "../../src/pipeline/run-lock.js";

let dir: string;
let manifest: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "seedlock-run-lock-"));
  manifest = join(dir, "assets.yaml");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

async function leaveLock(holder: { pid: number; host: string }): Promise<void> {
  await mkdir(join(dir, ".seedlock"), { recursive: true });
  const lock = { ...holder, started: "2026-01-02T03:04:05.000Z", command: "run", manifest, token: "left-behind" };
  await writeFile(join(dir, RUN_LOCK), JSON.stringify(lock));
}

describe("one run at a time works on a manifest", () => {
  it("refuses a second run while the first is alive, naming its pid, and lets it in once the first is done", async () => {
    const first = await takeRunLock(manifest, "run");
    const second = takeRunLock(manifest, "preview");
    await expect(second).rejects.toBeInstanceOf(RunLockedError);
    await expect(second).rejects.toThrow(new RegExp(`another seedlock run \\(pid ${process.pid}, \`seedlock run\`, started .*\\) is working on .*assets\\.yaml; wait for it to finish, or delete .*run\\.lock if no run is active`));
    await first.release();
    const third = await takeRunLock(manifest, "preview");
    expect(JSON.parse(await readFile(third.path, "utf8"))).toMatchObject({ pid: process.pid, command: "preview" });
    await third.release();
  });

  it("takes over the lock a killed run left behind", async () => {
    await leaveLock({ pid: deadPid(), host: hostname() });
    const lock = await takeRunLock(manifest, "run");
    expect(JSON.parse(await readFile(lock.path, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
    await expect(readFile(lock.path)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("takes over the lock of a run that died but was never reaped (an orphan where the first process does not reap)", async () => {
    // `sleep 0` exits at once; its parent execs into a sleep that never waits for it: a zombie for a while.
    const { spawn } = await import("node:child_process");
    const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 5"], { stdio: ["ignore", "pipe", "ignore"] });
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(d.toString()))));
    try {
      await new Promise((r) => setTimeout(r, 200));
      const state = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
      if (!state.includes(") Z")) return; // not Linux, or it was reaped after all: nothing to show here
      await leaveLock({ pid, host: hostname() });
      const lock = await takeRunLock(manifest, "run");
      expect(JSON.parse(await readFile(lock.path, "utf8")).pid).toBe(process.pid);
      await lock.release();
    } finally {
      parent.kill();
    }
  });

  it("refuses a lock from another host, naming the host, since its process cannot be checked from here", async () => {
    await leaveLock({ pid: deadPid(), host: "buildbox-7" });
    await expect(takeRunLock(manifest, "run")).rejects.toThrow(/pid \d+ on host buildbox-7.*cannot check a process on another host.*delete .*run\.lock/);
  });

  it("leaves alone a lock that another run took after this one's was moved aside", async () => {
    const lock = await takeRunLock(manifest, "run");
    await leaveLock({ pid: process.pid, host: hostname() });
    await lock.release();
    expect(JSON.parse(await readFile(lock.path, "utf8"))).toMatchObject({ token: "left-behind" });
  });

  it("names .seedlock when a file stands where its folder should be", async () => {
    await writeFile(join(dir, ".seedlock"), "not a folder\n");
    const taking = takeRunLock(manifest, "run");
    await expect(taking).rejects.toBeInstanceOf(WriteRefusedError);
    await expect(taking).rejects.toThrow(/cannot write .*run\.lock: a file stands where a folder should be \(.*\.seedlock is a file\); move or delete .*\.seedlock/);
  });
});
