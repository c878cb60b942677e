import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { parseLockfile } from "../../src/lock/file.js";
import { TestRepo, type Clone } from "../support/git-repo.js";
import { GitHubApiStandIn } from "../support/github-api.js";
import { runStep, type RunnerStep, type StepResult } from "./runner.js";

// Two small assets, 512² finals shrunk to 64², so a run is a handful of calls.
const MANIFEST = `version: 1
models:
  draft: gemini-3.1-flash-lite-image
  final: gemini-3.1-flash-image
budget:
  maxUsd: 2
defaults:
  aspectRatio: "1:1"
  oversample: 2
  finalSize: "512"
  output: { format: webp, quality: 80, width: 64, height: 64 }
assets:
  - id: dunes
    prompt: Minimal desert dunes at dusk, pastel palette, no text
    count: 1
    out: art/dunes-{n}.webp
  - id: tide
    prompt: Calm sea at blue hour from a cliff, muted teal, no text
    count: 1
    out: art/tide-{n}.webp
`;
const TOKEN = "ghs_standin_write_token";
const KEY = "AIza-test-key-for-the-emulator";

let repo: TestRepo;
let emulator: RunningEmulator;
let api: GitHubApiStandIn;

beforeEach(async () => {
  repo = TestRepo.create({ "assets.yaml": MANIFEST, "README.md": "site\n" });
  emulator = await startEmulator({ ...NO_FLAWS });
  api = await GitHubApiStandIn.start({ owner: "octo", repo: "site", tokens: [TOKEN], readOnlyTokens: ["ghs_fork_read_only"] });
});
afterEach(async () => {
  await emulator.close();
  await api.close();
  repo.remove();
});

const modelCalls = () => Object.values(emulator.stats.byModel).reduce((n, k) => n + k, 0);

function pushStep(ws: Clone, inputs: Record<string, string>): RunnerStep {
  const sha = ws.git("rev-parse", "HEAD");
  return {
    workspace: ws.dir,
    inputs: { "base-url": emulator.url, "github-token": TOKEN, ...inputs },
    event: { name: "push", sha, ref: "refs/heads/main", payload: { ref: "refs/heads/main", after: sha, repository: { full_name: "octo/site" } } },
    repository: "octo/site",
    apiUrl: api.url,
  };
}

function pullRequestStep(ws: Clone, headSha: string, headRepo: string, inputs: Record<string, string>): RunnerStep {
  const sha = ws.git("rev-parse", "HEAD");
  return {
    workspace: ws.dir,
    inputs: { "base-url": emulator.url, "github-token": TOKEN, ...inputs },
    event: {
      name: "pull_request",
      sha,
      ref: "refs/pull/7/merge",
      payload: {
        action: "synchronize",
        number: 7,
        pull_request: {
          number: 7,
          head: { ref: "new-tide", sha: headSha, repo: { full_name: headRepo } },
          base: { ref: "main", sha: repo.originGit("rev-parse", "main"), repo: { full_name: "octo/site" } },
        },
        repository: { full_name: "octo/site" },
      },
    },
    repository: "octo/site",
    apiUrl: api.url,
  };
}

/** A checkout of the pull request as actions/checkout makes one: main merged with the branch's tip. */
function checkoutMerge(name: string, branch: string): { ws: Clone; headSha: string } {
  const ws = repo.clone(name);
  ws.git("fetch", "--quiet", "origin", `refs/heads/${branch}`);
  const headSha = ws.git("rev-parse", "FETCH_HEAD");
  ws.git("checkout", "--quiet", "--detach", "origin/main");
  ws.git("merge", "--quiet", "--no-ff", "-m", `Merge ${headSha} into main`, "FETCH_HEAD");
  return { ws, headSha };
}

function step(entry: "main" | "post", s: RunnerStep): Promise<StepResult> {
  return runStep(entry, s, repo.home);
}

describe("run on a push to main", () => {
  it("sets every output, writes the summary, and pushes one commit by github-actions[bot] with exactly the outputs and the lockfile", async () => {
    const ws = repo.clone("ws");
    const before = repo.originGit("rev-parse", "main");

    const r = await step("main", pushStep(ws, { "api-key": KEY, "max-budget-usd": "1" }));

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ rendered: "2", "changed-assets": "dunes,tide", "accept-rate": "1" });
    expect(Number(r.outputs.drafts)).toBeGreaterThanOrEqual(2);
    expect(r.outputs.accepted).toBe(r.outputs.drafts);
    expect(Number(r.outputs["spent-usd"])).toBeGreaterThan(0);
    expect(Number(r.outputs["spent-usd"])).toBeLessThanOrEqual(1);
    expect(Number(r.outputs["cost-per-accepted-usd"])).toBeGreaterThan(0);
    expect(existsSync(join(r.outputs.report!, "report.html"))).toBe(true);

    expect(r.summary).toContain("## seedlock run · `assets.yaml`");
    expect(r.summary).toMatch(/\| `dunes` \| ✅ done \| \d+ \| \d+ \| – \| 1 \|/);
    expect(r.summary).toContain(`| **${r.outputs.drafts}** | **${r.outputs.accepted}** | **0** | **2** |`);
    expect(r.summary).toContain("Effective cost per accepted image:");
    expect(r.summary).toContain("accept rate 100 %");

    expect(repo.originGit("rev-list", "--count", `${before}..main`)).toBe("1");
    expect(repo.changedPaths("main")).toEqual(["art/dunes-1.webp", "art/tide-1.webp", "assets.lock.yaml"]);
    expect(repo.originGit("log", "-1", "--format=%an <%ae>%n%B", "main")).toMatch(
      /^github-actions\[bot\] <41898282\+github-actions\[bot\]@users\.noreply\.github\.com>\nseedlock: regenerate dunes, tide\n\n- dunes: 1 rendered/,
    );
    // The lockfile on origin records the outputs that were pushed.
    const lock = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(lock.assets.dunes!.outputs.map((o) => o.path)).toEqual(["art/dunes-1.webp"]);
    // The checked-out branch follows, so later steps of the job see the commit.
    expect(ws.git("rev-parse", "HEAD")).toBe(repo.originGit("rev-parse", "main"));
  });

  it("makes no call and no commit when nothing changed", async () => {
    await step("main", pushStep(repo.clone("first"), { "api-key": KEY }));
    const calls = modelCalls();
    const tip = repo.originGit("rev-parse", "main");

    const r = await step("main", pushStep(repo.clone("second"), { "api-key": KEY }));

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(modelCalls()).toBe(calls);
    expect(repo.originGit("rev-parse", "main")).toBe(tip);
    expect(r.outputs).toMatchObject({ drafts: "0", "spent-usd": "0", "changed-assets": "" });
    expect(r.summary).toContain("Commit: nothing changed, so nothing was committed.");
  });
});

describe("a budget overrun", () => {
  it("fails the step with one sentence naming the ceiling and what to change, and still sets the outputs", async () => {
    const ws = repo.clone("ws");
    const r = await step("main", pushStep(ws, { "api-key": KEY, "max-budget-usd": "0.05" }));

    expect(r.code).toBe(1);
    const error = r.annotations.find((l) => l.startsWith("::error::"));
    expect(error).toMatch(/the workflow's max-budget-usd \(\$0\.05\).*raise max-budget-usd or budget\.maxUsd, or lower counts\.$/);
    expect(Number(r.outputs["spent-usd"])).toBeLessThanOrEqual(0.05);
    expect(r.summary).toContain("> [!CAUTION]");
  });
});

describe("invalid input", () => {
  it("fails at once naming the input, before any call", async () => {
    const r = await step("main", pushStep(repo.clone("ws"), { "api-key": KEY, shard: "3/2", "max-budget-usd": "lots" }));
    expect(r.code).toBe(1);
    expect(r.annotations).toHaveLength(1);
    expect(r.annotations[0]).toMatch(/^::error::input "max-budget-usd" is "lots".*; input "shard" is "3\/2"/);
    expect(modelCalls()).toBe(0);
  });

  it("annotates an invalid manifest at its line", async () => {
    const ws = repo.clone("ws");
    ws.commit({ "assets.yaml": MANIFEST.replace("count: 1\n    out: art/tide", "count: 0\n    out: art/tide") }, "break the manifest");
    const r = await step("main", pushStep(ws, { "api-key": KEY }));
    expect(r.code).toBe(1);
    expect(r.annotations, r.stdout).toContainEqual(expect.stringMatching(/^::error file=assets\.yaml,line=19,col=12::assets\[1\]\.count must be an integer ≥ 1/));
    expect(r.annotations.at(-1)).toMatch(/^::error::assets\.yaml cannot be used as it is: /);
    expect(modelCalls()).toBe(0);
  });
});

describe("preview on a pull request", () => {
  it("comments once with contact sheets and the merge estimate, records the accepted seeds on the branch, and updates the same comment on the next push", async () => {
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANIFEST.replace("Calm sea at blue hour", "Stormy sea at blue hour") }, "author");
    const { ws } = checkoutMerge("pr-1", "new-tide");
    const reviewer = api.addComment(7, "Can we see the new sea first?");

    const first = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }));

    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ rendered: "0" });
    expect(Number(first.outputs.accepted)).toBeGreaterThan(0);
    // The branch got one commit: the lockfile with the accepted seeds, and their drafts.
    const branchTip = repo.originGit("rev-parse", "new-tide");
    expect(repo.originGit("rev-parse", "new-tide~1")).toBe(headSha);
    const paths = repo.changedPaths("new-tide");
    expect(paths).toContain("assets.lock.yaml");
    expect(paths.filter((p) => p !== "assets.lock.yaml").every((p) => p.startsWith(".seedlock/drafts/"))).toBe(true);
    const lock = parseLockfile(repo.originGit("show", "new-tide:assets.lock.yaml") + "\n", "origin");
    expect(Object.values(lock.assets).flatMap((a) => a.seeds).some((s) => s.status === "accepted")).toBe(true);
    // Contact sheets on the previews branch, linked from the comment by commit.
    const previews = repo.originGit("rev-parse", "seedlock-previews");
    expect(repo.originGit("ls-tree", "-r", "--name-only", "seedlock-previews").split("\n").every((p) => p.startsWith("pr-7/"))).toBe(true);
    const comments = api.commentsOn(7);
    expect(comments).toHaveLength(2);
    const ours = comments[1]!;
    expect(ours.body).toMatch(/^<!-- seedlock:preview -->/);
    expect(ours.body).toContain("Merging this pull request would cost about");
    expect(ours.body).toContain(`](http://git.example/octo/site/raw/${previews}/pr-7/`);
    expect(api.requests.filter((q) => q.method === "POST")).toHaveLength(1);
    expect(api.requests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);

    // The author pushes again; the next preview starts from the recorded seeds and edits the comment.
    const author = repo.at(join(repo.root, "author-author"));
    author.git("pull", "--quiet", "--no-rebase", "origin", "new-tide");
    const headSha2 = author.commit({ "README.md": "site, with a new sea\n" }, "Describe the change");
    author.git("push", "--quiet", "origin", "HEAD:refs/heads/new-tide");
    const { ws: ws2 } = checkoutMerge("pr-2", "new-tide");
    const calls = modelCalls();

    const second = await step("main", pullRequestStep(ws2, headSha2, "octo/site", { command: "preview", "api-key": KEY }));

    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(modelCalls()).toBe(calls);
    expect(api.commentsOn(7).map((c) => c.id)).toEqual([reviewer.id, ours.id]);
    expect(api.commentsOn(7)[1]!.body).toContain(`For ${headSha2.slice(0, 7)}`);
    expect(api.requests.filter((q) => q.method === "POST")).toHaveLength(1);
    expect(api.requests.filter((q) => q.method === "PATCH")).toHaveLength(1);
    expect(repo.originGit("rev-parse", "new-tide")).toBe(headSha2);
    expect(branchTip).not.toBe(headSha2);
  });
});

describe("a pull request from a fork", () => {
  it("is planned only: no model call, no commit, no comment, and the step does not fail", async () => {
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANIFEST.replace("count: 1\n    out: art/tide", "count: 2\n    out: art/tide") }, "author");
    const { ws } = checkoutMerge("pr", "new-tide");
    const refs = repo.originGit("for-each-ref", "--format=%(refname) %(objectname)");

    const r = await step("main", pullRequestStep(ws, headSha, "someone/site", { command: "preview", "api-key": "", "github-token": "ghs_fork_read_only" }));

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(modelCalls()).toBe(0);
    expect(r.annotations.some((l) => /^::notice::this pull request comes from the fork someone\/site.*plans only/.test(l))).toBe(true);
    expect(Number(r.outputs["estimated-usd"])).toBeGreaterThan(0);
    expect(r.outputs).toMatchObject({ "spent-usd": "0", rendered: "0" });
    expect(r.summary).toContain("## seedlock plan");
    expect(repo.originGit("for-each-ref", "--format=%(refname) %(objectname)")).toBe(refs);
    expect(api.requests).toEqual([]);
  });
});

describe("two runs pushing at the same moment", () => {
  it("both land, and the lockfile on origin holds both runs' assets", async () => {
    const a = repo.clone("shard-1");
    const b = repo.clone("shard-2");

    const [ra, rb] = await Promise.all([
      step("main", pushStep(a, { "api-key": KEY, shard: "1/2" })),
      step("main", pushStep(b, { "api-key": KEY, shard: "2/2" })),
    ]);

    expect(ra.code, ra.stdout + ra.stderr).toBe(0);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect([ra.outputs["changed-assets"], rb.outputs["changed-assets"]].sort()).toEqual(["dunes", "tide"]);
    const lock = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(Object.keys(lock.assets).sort()).toEqual(["dunes", "tide"]);
    expect(lock.assets.dunes!.outputs).toHaveLength(1);
    expect(lock.assets.tide!.outputs).toHaveLength(1);
    expect(repo.originGit("ls-tree", "-r", "--name-only", "main").split("\n")).toEqual(expect.arrayContaining(["art/dunes-1.webp", "art/tide-1.webp"]));
    expect(repo.originGit("rev-list", "--count", "main")).toBe("3");
    // One of them found the branch moved and merged the lockfile.
    expect(ra.stdout + rb.stdout).toMatch(/lockfile merged per asset|was rejected/);
  });
});

describe("the post step", () => {
  it("does nothing after a main step that finished", async () => {
    const ws = repo.clone("ws");
    const main = await step("main", pushStep(ws, { "api-key": KEY }));
    const tip = repo.originGit("rev-parse", "main");
    const post = await step("post", { ...pushStep(ws, { "api-key": KEY }), state: main.state });
    expect(post.code).toBe(0);
    expect(post.stdout).not.toContain("did not finish");
    expect(repo.originGit("rev-parse", "main")).toBe(tip);
  });

  it("commits what a killed main step had accepted, so the next run pays only for what is missing", async () => {
    await emulator.close();
    emulator = await startEmulator({ ...NO_FLAWS, latencyMs: 400 });
    const ws = repo.clone("ws");
    const lockPath = join(ws.dir, "assets.lock.yaml");
    const first = pushStep(ws, { "api-key": KEY });
    const killed = await runStep("main", first, repo.home, (child) => {
      // Cancel the job the moment the first image has been recorded.
      const poll = setInterval(() => {
        if (existsSync(lockPath) && /status: (accepted|rendered)/.test(readFileSync(lockPath, "utf8"))) {
          clearInterval(poll);
          child.kill("SIGKILL");
        }
      }, 20);
      child.on("exit", () => clearInterval(poll));
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.state.landing).toBeTruthy();
    expect(killed.state.finished).toBeUndefined();

    const post = await step("post", { ...first, state: killed.state });

    expect(post.code).toBe(0);
    expect(post.stdout).toContain("the main step did not finish");
    expect(repo.changedPaths("main")).toContain("assets.lock.yaml");
    const saved = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    const paid = Object.values(saved.assets).flatMap((a) => a.seeds).filter((s) => s.status !== "failed");
    expect(paid.length).toBeGreaterThan(0);
    for (const s of paid.filter((s) => s.draft)) expect(repo.originGit("cat-file", "-t", `main:${s.draft}`)).toBe("blob");

    // The next job, on a fresh checkout, does not draft a recorded seed again.
    const next = await step("main", pushStep(repo.clone("next"), { "api-key": KEY }));
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const finalLock = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    for (const s of paid) {
      const asset = Object.values(finalLock.assets).find((a) => a.seeds.some((x) => x.seed === s.seed && x.model === s.model));
      expect(asset).toBeTruthy();
    }
    expect(readdirSync(join(repo.root, "next", "art")).sort()).toEqual(["dunes-1.webp", "tide-1.webp"]);
  });
});
