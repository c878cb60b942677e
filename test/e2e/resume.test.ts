import { createHash } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { emptyLockfile, type Lockfile } from "../../src/lock/types.js";
import { cli, readLock, RecordingProxy, spawnCli, tempRepo, type SeenRequest } from "./harness.js";
import { seededRandom } from "../support/seeded-random.js";


const KILLS = 22;
const CONCURRENCY = 4;
const ASSETS = [
  { id: "arch", tier: "two-tier", prompt: "Stone arch over a dry river bed, evening light, no text" },
  { id: "bay", tier: "two-tier", prompt: "Fishing boats in a small bay, overcast, no text" },
  { id: "cliff", tier: "two-tier", prompt: "Chalk cliffs and a lone gull, wide view, no text" },
  { id: "delta", tier: "draft-only", prompt: "Aerial view of a river delta, green and ochre, no text" },
  { id: "elm", tier: "draft-only", prompt: "A single elm in a snowy field, minimal, no text" },
  { id: "fern", tier: "final-only", prompt: "Fern fronds unfurling, macro, soft focus, no text" },
];

function manifest(count: number): string {
  const lines = ASSETS.map(
    (a) =>
      `  - id: ${a.id}\n    prompt: ${a.prompt}\n    tier: ${a.tier}\n    count: ${count}\n    maxAttempts: 100\n    out: img/${a.id}-{n}.webp` +
      (a.tier === "draft-only" ? "\n    output: { width: 256, height: 144 }" : ""),
  );
  return `version: 1\nbudget: { maxUsd: 50 }\nlimits: { concurrency: ${CONCURRENCY} }\ndefaults:\n  finalSize: "1K"\n  screen: { minWidth: 256, minHeight: 256 }\nassets:\n${lines.join("\n")}\n`;
}

const idOfPrompt = new Map(ASSETS.map((a) => [a.prompt, a.id]));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Each kill's findings, for the assertions and the figure printed at the end. */
interface Cycle {
  kill: number;
  exitedBeforeKill: boolean;
  requests: SeenRequest[];
  /** Requests for a seed whose answer was kept (lockfile or journal) when this run started: paid twice. */
  repaid: SeenRequest[];
  /** Accepted drafts or outputs in the lockfile before this run that were gone after it. */
  lost: string[];
  /** Answers the service delivered that were neither recorded nor journaled when the process died. */
  unrecorded: number;
}

let emulator: RunningEmulator;
let proxy: RecordingProxy;
let url: string;
let dir: string;
const cycles: Cycle[] = [];
let finalCode: number | null = null;
const random = seededRandom(20261122);

async function lockOrEmpty(): Promise<Lockfile> {
  return readLock(dir).catch(() => emptyLockfile());
}

/**
 * Answers kept on disk per asset: seeds recorded in the lockfile or waiting in the answer journal
 * (`.seedlock/drafts/<id>/incoming/`), and the seeds whose final is an output or waits there.
 */
async function kept(lock: Lockfile): Promise<{ seeds: Map<string, Set<number>>; finals: Map<string, Set<number>> }> {
  const seeds = new Map<string, Set<number>>();
  const finals = new Map<string, Set<number>>();
  for (const { id } of ASSETS) {
    const entry = lock.assets[id];
    seeds.set(id, new Set(entry?.seeds.map((s) => s.seed) ?? []));
    // A final the model refused is recorded too: its seed is marked failed.
    finals.set(id, new Set([...(entry?.outputs.map((o) => o.seed) ?? []), ...(entry?.seeds.filter((s) => s.status === "failed").map((s) => s.seed) ?? [])]));
    const incoming = join(dir, ".seedlock", "drafts", id, "incoming");
    for (const name of await readdir(incoming).catch(() => [] as string[])) {
      const m = /^(draft|final)-[0-9a-f]+-(\d+)-(\d+)-\d+\.(\w+)$/.exec(name);
      if (!m) continue;
      // An answer whose bytes do not decode is regenerated once, by design: that call is no re-payment.
      const usable = m[4] === "blocked" || m[3] !== "0" || (await sharp(await readFile(join(incoming, name))).stats().then(() => true, () => false));
      if (usable) (m[1] === "draft" ? seeds : finals).get(id)!.add(Number(m[2]));
    }
  }
  return { seeds, finals };
}

function isRender(r: SeenRequest): boolean {
  return r.withReference;
}

async function killedRun(kill: number): Promise<Cycle> {
  const before = await lockOrEmpty();
  const known = await kept(before);
  const start = proxy.requests.length;
  const child = spawnCli(dir, url, ["run"]);
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  // A random moment while work is under way: after 1–8 requests, then 0–120 ms more.
  const after = 1 + Math.floor(random() * 8);
  const extraMs = Math.floor(random() * 120);
  let exitedBeforeKill = false;
  let killed = false;
  await Promise.race([
    new Promise<void>((resolve) => {
      const check = () => {
        if (proxy.requests.length - start >= after) {
          stop();
          setTimeout(resolve, extraMs);
        }
      };
      const stop = proxy.onRequest(check);
    }),
    exited.then(() => {
      if (!killed) exitedBeforeKill = true;
    }),
  ]);
  killed = true;
  const killedAt = Date.now();
  child.kill("SIGKILL");
  await exited;
  const requests = proxy.requests.slice(start);
  const afterLock = await readLock(dir); // must parse: the lockfile is only ever replaced whole
  const now = await kept(afterLock);

  const repaid = requests.filter((r) => {
    const id = idOfPrompt.get(r.prompt);
    if (!id || r.seed === undefined) return false;
    return isRender(r) ? (known.finals.get(id)?.has(r.seed) ?? false) : (known.seeds.get(id)?.has(r.seed) ?? false);
  });

  const lost: string[] = [];
  for (const [id, entry] of Object.entries(before.assets)) {
    const later = afterLock.assets[id];
    for (const s of entry.seeds.filter((s) => s.status === "accepted" || s.status === "rendered")) {
      const still = later?.seeds.find((x) => x.seed === s.seed);
      if (!still || still.status === "rejected") lost.push(`${id} seed ${s.seed}`);
    }
    for (const o of entry.outputs) {
      if (!later?.outputs.some((x) => x.path === o.path && x.seed === o.seed)) lost.push(`${o.path}`);
    }
  }
  // Whatever the lockfile points at is on disk, whole.
  for (const entry of Object.values(afterLock.assets)) {
    for (const o of entry.outputs) {
      const bytes = await readFile(join(dir, o.path)).catch(() => undefined);
      if (!bytes || sha(bytes) !== o.sha256) lost.push(`${o.path} (file)`);
    }
    for (const s of entry.seeds.filter((s) => s.draft)) {
      if (!(await readFile(join(dir, s.draft!)).catch(() => undefined))) lost.push(`${s.draft} (draft file)`);
    }
  }

  // An answer handed over after the kill never reached the process, whatever the socket said.
  const unrecorded = requests.filter((r) => {
    const id = idOfPrompt.get(r.prompt);
    if (!r.answered || r.answeredAt! >= killedAt || !id || r.seed === undefined || r.status !== 200) return false;
    return isRender(r) ? !now.finals.get(id)?.has(r.seed) : !now.seeds.get(id)?.has(r.seed);
  }).length;
  return { kill, exitedBeforeKill, requests, repaid, lost, unrecorded };
}

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 40, randomSeed: 17, corruptRate: 0.05 });
  proxy = new RecordingProxy(emulator.url);
  url = await proxy.start();
  let count = 3;
  dir = await tempRepo(manifest(count));
  // Kill until KILLS kills have landed mid-run: on a loaded machine a run may finish before its
  // kill moment, which interrupts nothing, so it is not counted (bounded, so a bug cannot loop).
  let midRun = 0;
  for (let kill = 1; midRun < KILLS && kill <= 2 * KILLS; kill++) {
    const cycle = await killedRun(kill);
    cycles.push(cycle);
    if (!cycle.exitedBeforeKill && cycle.requests.length > 0) midRun++;
    // A run that finished before its kill leaves nothing to interrupt: ask for more images.
    if (cycle.exitedBeforeKill) await writeFile(join(dir, "assets.yaml"), manifest((count += 2)));
  }
  finalCode = (await cli(dir, url, ["run"])).code;
}, 180_000);

afterAll(async () => {
  await proxy.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a run killed at random moments loses nothing and never pays twice for a recorded answer", () => {
  it(`was killed with SIGKILL at least 20 times while calls were under way`, () => {
    const killedMidRun = cycles.filter((c) => !c.exitedBeforeKill && c.requests.length > 0);
    expect(killedMidRun.length).toBeGreaterThanOrEqual(20);
  });

  it("no rerun lost an accepted draft or an output the lockfile had recorded", () => {
    expect(cycles.flatMap((c) => c.lost.map((l) => `kill ${c.kill}: ${l}`))).toEqual([]);
  });

  it("no rerun asked again for a seed whose answer had been kept, in the lockfile or the answer journal", () => {
    expect(cycles.flatMap((c) => c.repaid.map((r) => `kill ${c.kill}: ${r.model} seed ${r.seed}`))).toEqual([]);
  });

  it("answers cut off by a kill are at most the calls that were in flight", () => {
    for (const c of cycles) expect(c.unrecorded).toBeLessThanOrEqual(CONCURRENCY);
  });

  it("the last rerun finishes every asset, and verify agrees with the files", async () => {
    expect(finalCode).toBe(0);
    const lock = await readLock(dir);
    for (const a of ASSETS) expect(lock.assets[a.id]!.outputs.length).toBeGreaterThanOrEqual(3);
    expect((await cli(dir, url, ["verify"])).code).toBe(0);
  });
});
