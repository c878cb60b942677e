import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inputHash } from "../../src/lock/hash.js";
import { emptyLockfile, type AssetLock, type Lockfile } from "../../src/lock/types.js";
import { NullLogger } from "../../src/logger.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/spec.js";
import { planRun } from "../../src/plan/plan.js";
import type { ImageProvider, ImageRequest, ImageResult, JudgeRequest, JudgeResult } from "../../src/provider/provider.js";
import { AssetRun, type AssetGoal } from "../../src/pipeline/asset-run.js";
import { BudgetLedger } from "../../src/pipeline/ledger.js";
import { LockfileRecorder } from "../../src/pipeline/record.js";
import { RunTally } from "../../src/pipeline/run-tally.js";
import { Scheduler, type SchedulerOutcome } from "../../src/pipeline/scheduler.js";
import { sceneJpeg, solid } from "../screen/scenes.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What the stand-in answers for one request: a picture that passes the screen, or one too dark to. */
type Answer = "passes" | "too dark";

/**
 * A provider that speaks the real interface: it records every request and answers each one when
 * the test says so (or at once, when given a rule), so a test sees what is in flight at any moment.
 */
class StandInProvider implements ImageProvider {
  readonly requests: ImageRequest[] = [];
  private readonly waiting = new Map<number, (answer: Answer) => void>();

  constructor(private readonly rule?: (request: ImageRequest) => Answer) {}

  async generate(request: ImageRequest): Promise<ImageResult> {
    this.requests.push(request);
    const answer = this.rule ? this.rule(request) : await new Promise<Answer>((resolve) => this.waiting.set(request.seed, resolve));
    this.waiting.delete(request.seed);
    const data = answer === "passes" ? await sceneJpeg({ seed: request.seed }) : await solid([4, 4, 4], { format: "jpeg" });
    return { kind: "image", image: { mimeType: "image/jpeg", data }, usage: {}, costUsd: 0.01 };
  }

  judge(_request: JudgeRequest): Promise<JudgeResult> {
    throw new Error("no judge in these manifests");
  }

  /** Seeds sent and not answered yet, lowest first. */
  get inFlight(): number[] {
    return [...this.waiting.keys()].sort((a, b) => a - b);
  }

  answer(seed: number, answer: Answer): void {
    const resolve = this.waiting.get(seed);
    if (!resolve) throw new Error(`seed ${seed} is not in flight (in flight: ${this.inFlight.join(", ")})`);
    resolve(answer);
  }
}

interface Started {
  manifest: Manifest;
  lock: Lockfile;
  work: AssetRun;
  /** The asset's entry as each lockfile write put it on disk. */
  written: AssetLock[];
  done: Promise<SchedulerOutcome>;
}

async function repository(asset: string): Promise<Manifest> {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-asset-run-"));
  dirs.push(dir);
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "assets.yaml"), `version: 1\nbudget: { maxUsd: 20 }\nassets:\n${asset}`);
  return loadManifest(join(dir, "assets.yaml"));
}

/** Runs the manifest's one asset through a real pool, ledger and lockfile recorder. */
async function start(manifest: Manifest, provider: ImageProvider, options: { lock?: Lockfile; goal?: AssetGoal; concurrency?: number } = {}): Promise<Started> {
  const spec = manifest.assets[0]!;
  const lock = options.lock ?? emptyLockfile();
  const written: AssetLock[] = [];
  const recorder = new LockfileRecorder(join(manifest.root, "assets.lock.yaml"), lock, async (_path, current) => {
    if (current.assets[spec.id]) written.push(structuredClone(current.assets[spec.id]!));
  });
  const plan = await planRun(manifest, lock, { hashCache: false });
  const ledger = new BudgetLedger({ ceilingUsd: 20 });
  const tally = new RunTally();
  const concurrency = options.concurrency ?? 4;
  const work = new AssetRun({
    goal: options.goal ?? "outputs",
    spec,
    manifest,
    inputHash: inputHash(spec, manifest),
    provider,
    ledger,
    recorder: { lock, persist: () => recorder.persist(spec.id) },
    outputsOnDisk: plan.outputsOnDisk,
    priorAcceptRate: plan.assets[0]!.acceptRate,
    concurrency,
    runVerdicts: tally,
    announce: (event) => tally.add(event),
    logger: new NullLogger(),
  });
  await work.prepare();
  const done = new Scheduler([work], { concurrency, ledger }).run().then(async (outcome) => {
    work.recordSurplus();
    await recorder.persist();
    return outcome;
  });
  return { manifest, lock, work, written, done };
}

/** Waits (on real time: sharp decodes on its own threads) until `ready` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !ready(); waited += 5) {
    if (waited > 10_000) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const lastWritten = (started: Started) => started.written.at(-1);
const statuses = (entry: AssetLock | undefined) => entry?.seeds.map((s) => [s.seed, s.status]);
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

const DRAFT_ONLY = `  - id: hero
    prompt: A desert at dawn
    count: 2
    tier: draft-only
    seed: 100
    out: "out/hero-{n}.png"
`;

describe("an asset draws its seeds in order and keeps what its count needs in flight, plus one spare", () => {
  it("sends count + 1 drafts, draws the next seed for a rejected one, and keeps an accepted spare as surplus", async () => {
    const provider = new StandInProvider();
    const started = await start(await repository(DRAFT_ONLY), provider);

    // Two images wanted at the prior's 1-in-3: both are drafted and a spare with them, from the manifest's seed up.
    await until(() => provider.inFlight.length === 3, "the first drafts");
    expect(provider.inFlight).toEqual([100, 101, 102]);

    // A rejected draft is recorded with its reasons before the next seed is drawn in its place.
    provider.answer(100, "too dark");
    await until(() => provider.inFlight.includes(103), "a draft in place of the rejected one");
    expect(statuses(lastWritten(started))).toEqual([[100, "rejected"]]);
    expect(lastWritten(started)!.seeds[0]!.reasons!.join("; ")).toMatch(/too-dark/);
    expect(provider.inFlight).toEqual([101, 102, 103]);

    // An accepted draft becomes its output, recorded with the file's sha256; with one image left, two drafts stay open.
    provider.answer(101, "passes");
    await until(() => lastWritten(started)?.outputs.length === 1, "the first output");
    const first = lastWritten(started)!;
    expect(statuses(first)).toEqual([
      [100, "rejected"],
      [101, "rendered"],
    ]);
    expect(first.outputs.map((o) => [o.path, o.seed])).toEqual([["out/hero-1.png", 101]]);
    expect(first.outputs[0]!.sha256).toBe(sha256(join(started.manifest.root, "out/hero-1.png")));
    expect(provider.inFlight).toEqual([102, 103]);

    provider.answer(102, "passes");
    await until(() => lastWritten(started)?.outputs.length === 2, "the second output");
    // The spare answers after the count is reached: paid for, kept accepted in the lockfile, not rendered.
    provider.answer(103, "passes");
    const outcome = await started.done;

    expect(outcome).toEqual({ stopped: undefined, waiting: [] });
    expect(provider.requests.map((r) => r.seed)).toEqual([100, 101, 102, 103]);
    const entry = lastWritten(started)!;
    expect(statuses(entry)).toEqual([
      [100, "rejected"],
      [101, "rendered"],
      [102, "rendered"],
      [103, "accepted"],
    ]);
    expect(entry.surplus).toBe(1);
    expect(entry.seeds.find((s) => s.seed === 103)!.draft).toMatch(/\.seedlock\/drafts\/hero\/103\.jpg$/);
    expect(entry.spentUsd).toBeCloseTo(0.04, 9);
    expect(started.work.report).toMatchObject({ drafts: 4, accepted: 3, rejectedDrafts: 1, rendered: 2, outputs: ["out/hero-1.png", "out/hero-2.png"] });
    expect(started.work.isDone()).toBe(true);
  });

  it("at concurrency 1 keeps one draft open at a time, whatever is left", async () => {
    let open = 0;
    let mostOpen = 0;
    const provider = new StandInProvider(() => "passes");
    const counting: ImageProvider = {
      generate: async (request) => {
        mostOpen = Math.max(mostOpen, ++open);
        try {
          return await provider.generate(request);
        } finally {
          open--;
        }
      },
      judge: (request) => provider.judge(request),
    };
    const started = await start(await repository(DRAFT_ONLY), counting, { concurrency: 1 });
    await started.done;
    expect(mostOpen).toBe(1);
    // Each draft passes, so no spare is ever sent: exactly the count.
    expect(provider.requests.map((r) => r.seed)).toEqual([100, 101]);
  });
});

describe("a two-tier asset renders each accepted seed on the final model, from its kept draft", () => {
  it("sends the accepted draft as the reference and records the seed as rendered with its output", async () => {
    const manifest = await repository(`  - id: hero
    prompt: A desert at dawn
    count: 1
    seed: 7
    out: out/hero.png
`);
    const spec = manifest.assets[0]!;
    // One call at a time: seed 7 is drafted, accepted and rendered before anything else is sent.
    const provider = new StandInProvider(() => "passes");
    const started = await start(manifest, provider, { concurrency: 1 });
    await started.done;

    const [drafts, finals] = [provider.requests.filter((r) => r.model === spec.models.draft), provider.requests.filter((r) => r.model === spec.models.final)];
    expect(finals.map((r) => r.seed)).toEqual([7]);
    expect(finals[0]!.reference?.data.equals(readFileSync(join(manifest.root, lastWritten(started)!.seeds.find((s) => s.seed === 7)!.draft!)))).toBe(true);
    expect(drafts.map((r) => r.seed)).toEqual([7]);
    const entry = lastWritten(started)!;
    expect(entry.seeds.find((s) => s.seed === 7)!.status).toBe("rendered");
    expect(entry.outputs.map((o) => [o.path, o.seed, o.model])).toEqual([["out/hero.png", 7, spec.models.final]]);
    expect(existsSync(join(manifest.root, "out/hero.png"))).toBe(true);
  });
});

describe("a preview keeps accepted drafts and writes no output", () => {
  it("stops at the count of accepted drafts, records them, and renders nothing", async () => {
    const manifest = await repository(DRAFT_ONLY);
    const provider = new StandInProvider((request) => (request.seed === 101 ? "too dark" : "passes"));
    const started = await start(manifest, provider, { goal: "accepted-drafts" });
    await started.done;

    const entry = lastWritten(started)!;
    expect(entry.outputs).toEqual([]);
    expect(entry.seeds.filter((s) => s.status === "accepted").length).toBeGreaterThanOrEqual(2);
    expect(entry.seeds.find((s) => s.seed === 101)!.status).toBe("rejected");
    expect(existsSync(join(manifest.root, "out"))).toBe(false);
    expect(started.work.isDone()).toBe(true);
  });
});

describe("a rerun takes up where the lockfile left the asset", () => {
  it("keeps the outputs the plan found intact, re-makes a deleted one from its kept draft, and draws no seed twice", async () => {
    const manifest = await repository(DRAFT_ONLY);
    const first = await start(manifest, new StandInProvider(() => "passes"));
    await first.done;
    const drawn = first.lock.assets.hero!.seeds.map((s) => s.seed);
    const kept = sha256(join(manifest.root, "out/hero-1.png"));
    unlinkSync(join(manifest.root, "out/hero-2.png"));

    const provider = new StandInProvider(() => "passes");
    const again = await start(manifest, provider, { lock: first.lock });
    await again.done;

    // The deleted output is made again from the accepted draft on disk: no call at all.
    expect(provider.requests).toEqual([]);
    expect(sha256(join(manifest.root, "out/hero-1.png"))).toBe(kept);
    expect(existsSync(join(manifest.root, "out/hero-2.png"))).toBe(true);
    const entry = lastWritten(again)!;
    expect(entry.seeds.map((s) => s.seed)).toEqual(drawn);
    expect(entry.outputs.map((o) => o.path).sort()).toEqual(["out/hero-1.png", "out/hero-2.png"]);
    expect(again.work.report).toMatchObject({ drafts: 0, rendered: 1 });
  });
});
