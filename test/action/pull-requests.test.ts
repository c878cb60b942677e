// The built main.js started as the runner starts it, on pull_request events.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lock/file.js";
import { KEY, MANIFEST, TOKEN, api, checkoutMerge, modelCalls, pullRequestStep, repo, step, useScenario } from "./scenario.js";

useScenario();

describe("preview on a pull request", () => {
  it("comments once with drafts, contact sheets and the merge estimate, makes no commit on the pull request's branch, and the next push's preview starts from the review state", async () => {
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANIFEST.replace("Calm sea at blue hour", "Stormy sea at blue hour") }, "author");
    const { ws } = checkoutMerge("pr-1", "new-tide");
    const reviewer = api.addComment(7, "Can we see the new sea first?");

    const first = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }));

    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ rendered: "0" });
    expect(Number(first.outputs.accepted)).toBeGreaterThan(0);
    // Nothing pushed to the branch: a GITHUB_TOKEN push would leave its required checks unreported.
    expect(repo.originGit("rev-parse", "new-tide")).toBe(headSha);
    // The review state, drafts and contact sheets on the previews branch, under the pull request's folder.
    const previews = repo.originGit("rev-parse", "seedlock-previews");
    const files = repo.originGit("ls-tree", "-r", "--name-only", "seedlock-previews").split("\n");
    expect(files.every((p) => p.startsWith("pr-7/all/"))).toBe(true);
    expect(files).toContain("pr-7/all/review.json");
    expect(files.some((p) => p.startsWith("pr-7/all/drafts/tide/"))).toBe(true);
    const state = JSON.parse(repo.originGit("show", "seedlock-previews:pr-7/all/review.json"));
    const lock = state.assets.tide.lock;
    expect(lock.seeds.some((s: { status: string }) => s.status === "accepted")).toBe(true);
    const comments = api.commentsOn(7);
    expect(comments).toHaveLength(2);
    const ours = comments[1]!;
    expect(ours.body).toMatch(/^<!-- seedlock:preview -->/);
    // The cost of merging counts the finals for the accepted drafts, not those drafts again.
    const mergeText = /would cost about \*\*\$([\d.]+)\*\* more/.exec(ours.body ?? "")?.[1] ?? "";
    const mergeUsd = Number(mergeText);
    expect(mergeUsd).toBeGreaterThan(0);
    expect(mergeUsd).toBeLessThan(Number(first.outputs["estimated-usd"]));
    expect(first.summary).toContain(`the run after merging would cost about **$${mergeText}`);
    expect(ours.body).toContain(`http://git.example/octo/site/raw/${previews}/pr-7/all/`);
    expect(ours.body).toContain("- [x] **1** · seed");
    expect(api.requests.filter((q) => q.method === "POST")).toHaveLength(1);
    expect(api.requests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);

    // The author pushes again; the next preview adopts the reviewed drafts and edits the comment.
    const author = repo.at(join(repo.root, "author-author"));
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
    expect(repo.originGit("rev-parse", "new-tide")).toBe(headSha2);
  });

  it("with preview-push: true also records the accepted seeds and their drafts on the pull request's branch", async () => {
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANIFEST.replace("Calm sea at blue hour", "Stormy sea at blue hour") }, "author");
    const { ws } = checkoutMerge("pr-1", "new-tide");

    const r = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY, "preview-push": "true" }));

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(repo.originGit("rev-parse", "new-tide~1")).toBe(headSha);
    const paths = repo.changedPaths("new-tide");
    expect(paths).toContain("assets.lock.yaml");
    expect(paths.filter((p) => p !== "assets.lock.yaml").every((p) => p.startsWith(".seedlock/drafts/"))).toBe(true);
    const lock = parseLockfile(repo.originGit("show", "new-tide:assets.lock.yaml") + "\n", "origin");
    expect(Object.values(lock.assets).flatMap((a) => a.seeds).some((s) => s.status === "accepted")).toBe(true);
    expect(api.commentsOn(7)[0]!.body).toContain("Lockfile on the pull request's branch (preview-push): pushed [");
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

describe("pull_request_target", () => {
  it("is refused unless allow-pull-request-target is true", async () => {
    const { headSha } = repo.pullRequest("new-tide", { "README.md": "changed\n" }, "author");
    const { ws } = checkoutMerge("pr", "new-tide");
    const s = pullRequestStep(ws, headSha, "someone/site", { command: "preview", "api-key": KEY });
    const r = await step("main", { ...s, event: { ...s.event, name: "pull_request_target" } });
    expect(r.code).toBe(1);
    expect(r.annotations).toEqual([expect.stringMatching(/^::error::input "allow-pull-request-target" is not true, and this is a pull_request_target event/)]);
    expect(modelCalls()).toBe(0);
    expect(api.requests).toEqual([]);
  });
});
