import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { link, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { RUN_LOCK } from "../disk/folders.js";
import { displayPathFor, RepositoryFolder } from "../disk/repository-path.js";
import { RunLockedError } from "../errors.js";
import { isProcessAlive } from "../lock/file.js";
import { sleep } from "../sleep.js";
import { refusedWrite } from "../disk/refused-write.js";

/**
 * One run that spends or writes (preview, run, render) per manifest folder at a time. Two runs at
 * once would claim the same seeds, pay for every draft twice and each rewrite the lockfile from its
 * own copy. The lock is `.seedlock/run.lock` beside the manifest, created with O_EXCL and naming
 * its holder; a holder that is no longer alive (a killed run) is taken over by the next run.
 */

interface Holder {
  pid: number;
  host: string;
  started: string;
  command: string;
  manifest: string;
  /** Tells this run's lock from a later one of the same process. */
  token: string;
}

export interface RunLock {
  readonly path: string;
  /** Removes the lock if it is still this run's; never throws. */
  release(): Promise<void>;
}

/** A lock file older than this that cannot be parsed was left by a run killed while creating it. */
const UNREADABLE_STALE_MS = 10_000;
const ATTEMPTS = 6;

/** Takes the run lock for `manifestFile` (absolute), or says who holds it (RunLockedError) or why it cannot be written (WriteRefusedError). */
export async function takeRunLock(manifestFile: string, command: string, now: () => number = Date.now): Promise<RunLock> {
  const path = join(dirname(manifestFile), RUN_LOCK);
  const mine: Holder = { pid: process.pid, host: hostname(), started: new Date(now()).toISOString(), command, manifest: manifestFile, token: randomBytes(8).toString("hex") };
  const text = `${JSON.stringify(mine, null, 2)}\n`;
  let madeFolder = false;
  try {
    // Its folder's real place is checked first: a symlinked .seedlock/ cannot take the lock elsewhere.
    const folder = new RepositoryFolder(dirname(manifestFile));
    madeFolder = !(await folder.holds(dirname(path)));
    await folder.makeFolder(dirname(path));
  } catch (error) {
    throw refusedWrite(error, path) ?? error;
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      await writeFile(path, text, { flag: "wx" });
      return held(path, mine.token, madeFolder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw refusedWrite(error, path) ?? error;
    }
    const found = await readHolder(path);
    if (found === "gone") continue;
    if (found === "being written") {
      await sleep(50);
      continue;
    }
    const { holder } = found;
    if (holder && holder.host !== mine.host) throw new RunLockedError(otherHost(holder, path));
    if (holder && isProcessAlive(holder.pid)) throw new RunLockedError(busy(holder, path));
    // Its run is gone (or never wrote it whole): move the lock aside, and keep it aside only if it is the one judged stale.
    await takeOver(path, found.text);
  }
  throw new RunLockedError(
    `another seedlock run keeps taking ${displayPathFor(path)}; wait for the other runs on ${displayPathFor(manifestFile)} to finish, or delete ${displayPathFor(path)} if no run is active`,
  );
}

/** `madeFolder`: the lock made `.seedlock/`, so a run that wrote nothing else leaves no folder behind. */
function held(path: string, token: string, madeFolder: boolean): RunLock {
  const ours = (text: string) => {
    try {
      return (JSON.parse(text) as Holder).token === token;
    } catch {
      return false;
    }
  };
  // A process that ends without reaching the `finally` (an uncaught error) still leaves no lock behind.
  const onExit = () => {
    try {
      if (ours(readFileSync(path, "utf8"))) unlinkSync(path);
    } catch {
      // Already gone, or unreadable: the next run judges it.
    }
  };
  process.once("exit", onExit);
  return {
    path,
    async release() {
      process.off("exit", onExit);
      const text = await readFile(path, "utf8").catch(() => "");
      if (ours(text)) await rm(path, { force: true }).catch(() => {});
      // Removed only while empty: anything a run kept there stays.
      if (madeFolder) await rmdir(dirname(path)).catch(() => {});
    },
  };
}

/** What the lock file holds; no holder when it was left unreadable long enough ago to be garbage. */
type Found = { holder?: Holder; text: string } | "gone" | "being written";

async function readHolder(path: string): Promise<Found> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw refusedWrite(error, path) ?? error;
  }
  const holder = parseHolder(text);
  if (holder) return { holder, text };
  // Created but not yet written (O_EXCL then write), or left so by a run killed in between.
  const age = await stat(path).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  return age > UNREADABLE_STALE_MS ? { text } : "being written";
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (Number.isInteger(h.pid) && h.pid! > 0 && typeof h.host === "string" && typeof h.started === "string") return h as Holder;
  } catch {
    // Not whole yet, or not ours.
  }
  return undefined;
}

/** Moves a stale lock out of the way; if another run replaced it meanwhile, puts that one back. */
async function takeOver(path: string, staleText: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw refusedWrite(error, path) ?? error;
  }
  const moved = await readFile(aside, "utf8").catch(() => "");
  if (moved !== staleText) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

function since(started: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(started) ? `${started.slice(0, 10)} ${started.slice(11, 19)} UTC` : started;
}

function busy(h: Holder, path: string): string {
  return (
    `another seedlock run (pid ${h.pid}, \`seedlock ${h.command}\`, started ${since(h.started)}) is working on ${displayPathFor(h.manifest)}; ` +
    `wait for it to finish, or delete ${displayPathFor(path)} if no run is active`
  );
}

function otherHost(h: Holder, path: string): string {
  return (
    `another seedlock run (pid ${h.pid} on host ${h.host}, \`seedlock ${h.command}\`, started ${since(h.started)}) is working on ${displayPathFor(h.manifest)}, ` +
    `and seedlock cannot check a process on another host; wait for it to finish, or delete ${displayPathFor(path)} if no run is active`
  );
}

