// The built main.js started as the runner starts it: a preview, verdicts from the pull request, the merge.
import { describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lock/file.js";
import type { ReviewState } from "../../src/action/review.js";
import { KEY, MAINTAINER, MANIFEST, PASSER_BY, api, checkoutMerge, commentStep, emulator, pullRequestStep, pushStep, repo, step, useScenario } from "./scenario.js";

useScenario();

const DRAFT = "gemini-3.1-flash-lite-image";
const FINAL = "final";
/** Calls on the draft model, or (FINAL) on any other: the final model is served under its current catalog id. */
const calls = (model: string) =>
  model === FINAL ? Object.entries(emulator.stats.byModel).reduce((n, [m, k]) => (m === DRAFT ? n : n + k), 0) : (emulator.stats.byModel[model] ?? 0);

// dunes asks for 2 images, so one of its drafts can be rejected; tide's prompt changes.
const PR_MANIFEST = MANIFEST.replace("Minimal desert dunes at dusk", "Minimal desert dunes at dawn")
  .replace("count: 1\n    out: art/dunes", "count: 2\n    out: art/dunes")
  .replace("Calm sea at blue hour", "Stormy sea at blue hour");

function reviewOnBranch(): ReviewState {
  return JSON.parse(repo.originGit("show", "seedlock-previews:pr-7/all/review.json")) as ReviewState;
}

function stickyComment() {
  const ours = api.commentsOn(7).filter((c) => c.body?.startsWith("<!-- seedlock:preview -->"));
  expect(ours).toHaveLength(1);
  return ours[0]!;
}

describe("review in the pull request", () => {
  it("applies verdicts only from people with write access, and the run after the merge renders exactly the approved drafts, paying for no draft twice", async () => {
    const { headSha } = repo.pullRequest("new-art", { "assets.yaml": PR_MANIFEST }, "author");
    const { ws } = checkoutMerge("pr", "new-art");

    // 1. The preview: drafts and screens, pushes nothing to the pull request's branch.
    const preview = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }));
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    expect(repo.originGit("rev-parse", "new-art")).toBe(headSha);
    const reviewed = reviewOnBranch();
    const dunes = reviewed.assets.dunes!.drafts;
    const tide = reviewed.assets.tide!.drafts;
    expect(dunes.length).toBeGreaterThanOrEqual(2);
    expect(tide.length).toBeGreaterThanOrEqual(1);
    expect([...dunes, ...tide].every((d) => d.verdict === "approved" && d.by === undefined)).toBe(true);
    const sticky = stickyComment();
    for (const d of dunes) expect(sticky.body).toContain(`- [x] **${d.n}** · seed ${d.seed} · approved by the screen`);
    expect(sticky.body).toContain("/seedlock reject <asset> <n…>");
    const draftsAfterPreview = calls(DRAFT);

    // 2. The same command from someone without write access: nothing changes, and the comment says why.
    const command = "Looks good, but:\n/seedlock reject dunes 1\n/seedlock reroll tide\n";
    const previewsTip = repo.originGit("rev-parse", "seedlock-previews");
    const { ws: headCheckout } = checkoutMerge("pr-head", "new-art");
    const refused = await step("main", commentStep(headCheckout, command, PASSER_BY, { "api-key": KEY }));
    expect(refused.code, refused.stdout + refused.stderr).toBe(0);
    expect(calls(DRAFT)).toBe(draftsAfterPreview);
    expect(repo.originGit("rev-parse", "seedlock-previews")).toBe(previewsTip);
    expect(stickyComment().id).toBe(sticky.id);
    expect(stickyComment().body).toContain(`@${PASSER_BY}'s [command]`);
    expect(stickyComment().body).toContain(`verdicts count only from people with write access to octo/site, and @${PASSER_BY} has read access`);
    expect(api.requests.some((q) => q.method === "GET" && q.path === `/repos/octo/site/collaborators/${PASSER_BY}/permission` && q.status === 200)).toBe(true);

    // 3. From a maintainer: dunes 1 is rejected, tide drafted again, the verdicts recorded with who and when.
    const applied = await step("main", commentStep(headCheckout, command, MAINTAINER, { "api-key": KEY }));
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const after = reviewOnBranch();
    const rejected = after.assets.dunes!.drafts.find((d) => d.n === 1)!;
    expect(rejected).toMatchObject({ seed: dunes[0]!.seed, verdict: "rejected", by: MAINTAINER });
    expect(Date.parse(rejected.at!)).not.toBeNaN();
    // The rerolled drafts stay on record as rejected: the run after the merge must not draw them again.
    const rerolled = after.assets.tide!.drafts.filter((d) => tide.some((t) => t.seed === d.seed));
    expect(rerolled).toHaveLength(tide.length);
    expect(rerolled.every((d) => d.verdict === "rejected" && d.why === "reroll")).toBe(true);
    const newTide = after.assets.tide!.drafts.filter((d) => d.verdict === "approved");
    expect(newTide.length).toBeGreaterThanOrEqual(1);
    expect(newTide.every((d) => !tide.some((t) => t.seed === d.seed))).toBe(true);
    expect(after.verdicts.map((v) => [v.by, v.command])).toEqual([
      [MAINTAINER, "/seedlock reject dunes 1"],
      [MAINTAINER, "/seedlock reroll tide"],
    ]);
    expect(calls(DRAFT)).toBeGreaterThan(draftsAfterPreview);
    const body = stickyComment().body!;
    expect(stickyComment().id).toBe(sticky.id);
    expect(body).toContain(`- [ ] ~~**1**~~ · seed ${dunes[0]!.seed} · rejected by @${MAINTAINER}`);
    for (const d of newTide) expect(body).toContain(`- [x] **${d.n}** · seed ${d.seed} · approved by the screen`);
    expect(repo.originGit("rev-parse", "new-art")).toBe(headSha);
    expect(api.requests.some((q) => q.method === "GET" && q.path === `/repos/octo/site/collaborators/${MAINTAINER}/permission`)).toBe(true);
    // One comment created by the preview; every later run edited it in place.
    expect(api.requests.filter((q) => q.method === "POST").map((q) => q.path)).toEqual(["/repos/octo/site/issues/7/comments"]);
    expect(api.requests.filter((q) => q.method === "PATCH").every((q) => q.path === `/repos/octo/site/issues/comments/${sticky.id}`)).toBe(true);

    // 4. The merge, then the run on main: finals of exactly the approved drafts, no draft drawn again.
    const merger = repo.clone("merger");
    merger.git("fetch", "--quiet", "origin", "refs/heads/new-art");
    merger.git("merge", "--quiet", "--no-ff", "-m", "Merge pull request #7", "FETCH_HEAD");
    merger.git("push", "--quiet", "origin", "HEAD:refs/heads/main");
    const onMain = repo.clone("main-run");
    const approved = new Map<string, number[]>(
      Object.entries(after.assets).map(([id, a]) => [id, a.drafts.filter((d) => d.verdict === "approved").map((d) => d.seed)]),
    );
    const drafts = calls(DRAFT);
    const finals = calls(FINAL);

    const run = await step("main", pushStep(onMain, { command: "run", "api-key": KEY }));

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const neededDrafts = Math.max(0, 2 - approved.get("dunes")!.length) + Math.max(0, 1 - approved.get("tide")!.length);
    expect(calls(DRAFT) - drafts).toBe(neededDrafts);
    expect(calls(FINAL) - finals).toBe(3);
    const lock = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    const reviewedSeeds = new Set(Object.values(after.assets).flatMap((a) => a.drafts.map((d) => d.seed)));
    for (const [id, seeds] of approved) {
      const rendered = lock.assets[id]!.outputs.map((o) => o.seed);
      expect(rendered.length).toBe(id === "dunes" ? 2 : 1);
      // A reviewed seed is rendered only if approved; any other was drafted because approvals fell short.
      for (const s of rendered) expect(reviewedSeeds.has(s) ? seeds.includes(s) : neededDrafts > 0).toBe(true);
    }
    expect(lock.assets.dunes!.outputs.map((o) => o.seed)).not.toContain(dunes[0]!.seed);
    for (const t of tide) expect(lock.assets.tide!.outputs.map((o) => o.seed)).not.toContain(t.seed);
    // Everything the review held is rendered on main: its folder is gone from the previews branch.
    expect(repo.originGit("ls-tree", "-r", "--name-only", "seedlock-previews")).toBe("");
  });
});

describe("checkboxes of the sticky comment", () => {
  it("a cleared box from someone with write access sets its draft aside; from anyone else it changes nothing and the box comes back", async () => {
    const { headSha } = repo.pullRequest("new-art", { "assets.yaml": PR_MANIFEST }, "author");
    const { ws } = checkoutMerge("pr", "new-art");
    expect((await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }))).code).toBe(0);
    const sticky = stickyComment();
    const first = reviewOnBranch().assets.dunes!.drafts[0]!;
    const cleared = sticky.body!.replace(`- [x] **1** · seed ${first.seed}`, `- [ ] **1** · seed ${first.seed}`);
    expect(cleared).not.toBe(sticky.body);
    const edit = (login: string) => {
      const comment = api.editComment(Number(sticky.id), cleared);
      const s = commentStep(ws, cleared, login, { "api-key": KEY }, comment);
      const sender = { ...comment.user!, login, type: "User" };
      return { ...s, event: { ...s.event, payload: { ...s.event.payload, action: "edited", comment, sender } } };
    };

    const refused = await step("main", edit(PASSER_BY));
    expect(refused.code, refused.stdout + refused.stderr).toBe(0);
    expect(reviewOnBranch().assets.dunes!.drafts[0]).toMatchObject({ verdict: "approved" });
    expect(stickyComment().body).toContain(`- [x] **1** · seed ${first.seed}`);
    expect(stickyComment().body).toContain(`@${PASSER_BY} has read access`);

    const applied = await step("main", edit(MAINTAINER));
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const state = reviewOnBranch();
    expect(state.assets.dunes!.drafts[0]).toMatchObject({ seed: first.seed, verdict: "rejected", by: MAINTAINER });
    expect(state.verdicts.map((v) => [v.by, v.command])).toEqual([[MAINTAINER, "cleared dunes 1"]]);
    expect(stickyComment().body).toContain(`- [ ] ~~**1**~~ · seed ${first.seed} · rejected by @${MAINTAINER}`);
  });
});

describe("one comment for the shards of a preview", () => {
  it("holds one section per shard, totals that add up both, and each shard's own folder on the previews branch", async () => {
    const { headSha } = repo.pullRequest("new-art", { "assets.yaml": PR_MANIFEST }, "author");
    const results = [];
    for (const shard of ["1/2", "2/2"]) {
      const { ws } = checkoutMerge(`pr-shard-${shard[0]}`, "new-art");
      const r = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY, shard }));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      results.push(r);
    }

    const files = repo.originGit("ls-tree", "-r", "--name-only", "seedlock-previews").split("\n");
    expect(files).toContain("pr-7/shard-1-of-2/review.json");
    expect(files).toContain("pr-7/shard-2-of-2/review.json");
    const body = stickyComment().body!;
    expect(body).toContain("<!-- seedlock:section shard-1-of-2 -->");
    expect(body).toContain("<!-- /seedlock:section shard-1-of-2 -->");
    expect(body).toContain("<!-- seedlock:section shard-2-of-2 -->");
    expect(body.indexOf("#### Shard 1/2")).toBeLessThan(body.indexOf("#### Shard 2/2"));
    const spent = results.reduce((s, r) => s + Number(r.outputs["spent-usd"]), 0);
    const drafts = results.reduce((n, r) => n + Number(r.outputs.drafts), 0);
    const said = /This preview spent \$([\d.]+) on (\d+) drafts .*\(2 of 2 shards reported\)/.exec(body);
    expect(said, body).not.toBeNull();
    expect(Number(said![1])).toBeCloseTo(spent, 4);
    expect(Number(said![2])).toBe(drafts);
    // Both assets' drafts are in the one comment, whichever shard drew them.
    expect(body).toContain("**`dunes`**");
    expect(body).toContain("**`tide`**");
  });
});

describe("the end of a review", () => {
  it("a prompt changed after review draws new drafts and the comment says so; closing the pull request unmerged removes its folder", async () => {
    const { headSha } = repo.pullRequest("new-art", { "assets.yaml": PR_MANIFEST }, "author");
    const { ws } = checkoutMerge("pr", "new-art");
    expect((await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }))).code).toBe(0);
    const before = reviewOnBranch();

    const author = repo.at(`${repo.root}/author-author`);
    const headSha2 = author.commit({ "assets.yaml": PR_MANIFEST.replace("Stormy sea", "Foggy sea") }, "Fog, not storm");
    author.git("push", "--quiet", "origin", "HEAD:refs/heads/new-art");
    const { ws: ws2 } = checkoutMerge("pr-2", "new-art");
    const drafts = calls(DRAFT);
    const again = await step("main", pullRequestStep(ws2, headSha2, "octo/site", { command: "preview", "api-key": KEY }));

    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(calls(DRAFT)).toBeGreaterThan(drafts);
    const after = reviewOnBranch();
    expect(after.assets.tide!.inputHash).not.toBe(before.assets.tide!.inputHash);
    expect(after.assets.dunes!.drafts.map((d) => d.seed)).toEqual(before.assets.dunes!.drafts.map((d) => d.seed));
    expect(stickyComment().body).toContain("`tide` changed after its drafts were reviewed, so it was drafted again");

    const closing = pullRequestStep(ws2, headSha2, "octo/site", { command: "preview", "api-key": KEY });
    const payload = { ...closing.event.payload, action: "closed", pull_request: { ...(closing.event.payload.pull_request as object), merged: false } };
    const closed = await step("main", { ...closing, event: { ...closing.event, payload } });
    expect(closed.code, closed.stdout + closed.stderr).toBe(0);
    expect(repo.originGit("ls-tree", "-r", "--name-only", "seedlock-previews")).toBe("");
    expect(repo.originGit("log", "-1", "--format=%s", "seedlock-previews")).toBe("seedlock: remove the previews of #7, now closed");
  });
});
