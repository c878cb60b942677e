import * as github from "@actions/github";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commentBody, commentMarker, upsertComment } from "../../src/action/comment.js";
import { summaryMarkdown } from "../../src/action/summary.js";
import type { RunReport } from "../../src/run-report.js";
import { GitHubApiStandIn } from "../support/github-api.js";

const preview: RunReport = {
  command: "preview",
  spentUsd: 0.2688,
  estimatedUsd: 0.804,
  ceilingUsd: 5,
  drafts: 8,
  accepted: 5,
  rendered: 0,
  acceptRate: 0.625,
  regenRate: 0,
  rejectedDrafts: 3,
  costPerImageUsd: null,
  costPerAcceptedDraftUsd: 0.05376,
  changedAssets: ["dunes", "hero"],
  assets: [
    { id: "dunes", status: "previewed", drafts: 6, accepted: 4, rejectedDrafts: 2, rejected: { "too-dark": 1, duplicate: 1 }, regenerated: 0, rendered: 0, spentUsd: 0.2016, estimatedUsd: 0.536, outputs: [], contactSheet: "dunes.png" },
    { id: "hero", status: "capped", drafts: 2, accepted: 1, rejectedDrafts: 1, rejected: { flat: 1 }, regenerated: 0, rendered: 0, spentUsd: 0.0672, estimatedUsd: 0.268, outputs: [], contactSheet: "hero.png" },
  ],
  reportDir: "/tmp/runner/seedlock/report",
  exitCode: 4,
};

describe("the pull-request comment", () => {
  it("shows the merge estimate, a verdict per asset and each contact sheet, under the hidden marker", () => {
    const afterPreview = { ...preview, command: "plan" as const, estimatedUsd: 0.3, assets: preview.assets.map((a) => ({ ...a, estimatedUsd: a.id === "dunes" ? 0.2 : 0.1 })) };
    const body = commentBody(preview, {
      manifest: "assets.yaml",
      headSha: "0123456789abcdef",
      merge: afterPreview,
      images: new Map([
        ["dunes", "http://git.example/o/r/raw/abc/pr-7/dunes.png"],
        ["hero", "http://git.example/o/r/raw/abc/pr-7/hero.png"],
      ]),
    });
    expect(body.split("\n")[0]).toBe("<!-- seedlock:preview -->");
    expect(body).toContain("Merging this pull request would cost about **$0.30** more");
    expect(body).toContain("This preview spent $0.2688 on 8 drafts (accept rate 63 %)");
    expect(body).toMatch(/\| `dunes` \| 👀 previewed · accepted 4 of 6 drafts \| 6 \| 4 \| 2 \(duplicate 1, too-dark 1\) \| \$0\.20 \|/);
    expect(body).toMatch(/\| `hero` \| ⛔ attempt cap · accepted 1 of 2 drafts \| 2 \| 1 \| 1 \(flat 1\) \| \$0\.10 \|/);
    expect(body).toContain("![contact sheet of dunes](http://git.example/o/r/raw/abc/pr-7/dunes.png)");
    expect(body).toContain("For 0123456");
  });

  it("keeps one marker per manifest, so two manifests get two comments", () => {
    expect(commentMarker("assets.yaml")).toBe("<!-- seedlock:preview -->");
    expect(commentMarker("site/assets.yaml")).toBe("<!-- seedlock:preview site/assets.yaml -->");
    expect(commentMarker("site/assets.yaml")).not.toContain(commentMarker("assets.yaml"));
  });
});

describe("the sticky comment on GitHub", () => {
  let api: GitHubApiStandIn;
  beforeEach(async () => {
    api = await GitHubApiStandIn.start({ owner: "octo", repo: "site", tokens: ["ghs_write"], readOnlyTokens: ["ghs_read"] });
  });
  afterEach(() => api.close());
  const octokit = (token: string) => github.getOctokit(token, { baseUrl: api.url });
  const target = { owner: "octo", repo: "site", issue: 7 };

  it("is created once, then updated in place, leaving other people's comments alone", async () => {
    const reviewer = api.addComment(7, "Looks good, but the dunes are too dark");
    const first = await upsertComment(octokit("ghs_write"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nfirst");
    const second = await upsertComment(octokit("ghs_write"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nsecond");

    expect(first.action).toBe("created");
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(api.commentsOn(7).map((c) => c.body)).toEqual([reviewer.body, "<!-- seedlock:preview -->\nsecond"]);
    expect(api.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /repos/octo/site/issues/7/comments 200",
      "POST /repos/octo/site/issues/7/comments 201",
      "GET /repos/octo/site/issues/7/comments 200",
      // An installation token is refused by GET /user: it writes as github-actions[bot].
      "GET /user 403",
      `PATCH /repos/octo/site/issues/comments/${first.id} 200`,
    ]);
    expect(api.requests.every((r) => r.authorization === "token ghs_write")).toBe(true);
  });

  it("never edits a comment someone else wrote, even one that carries the marker", async () => {
    const planted = api.addComment(7, "<!-- seedlock:preview -->\nMerging costs **$0.00**", "mallory");
    const otherBot = api.addComment(7, "<!-- seedlock:preview -->\nfrom another app", "other-app[bot]", "Bot");
    const ours = await upsertComment(octokit("ghs_write"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nours");
    expect(ours.action).toBe("created");
    expect(ours.ignored.map((a) => a.login)).toEqual(["mallory", "other-app[bot]"]);
    const again = await upsertComment(octokit("ghs_write"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nagain");
    expect(again).toMatchObject({ action: "updated", id: ours.id });
    expect(api.commentsOn(7).map((c) => [c.user?.login, c.body])).toEqual([
      ["mallory", planted.body],
      ["other-app[bot]", otherBot.body],
      ["github-actions[bot]", "<!-- seedlock:preview -->\nagain"],
    ]);
  });

  it("with a person's token, keeps the comment that person's identity wrote", async () => {
    await api.close();
    api = await GitHubApiStandIn.start({ owner: "octo", repo: "site", tokens: ["ghp_person"], people: { ghp_person: "octo-maintainer" } });
    api.addComment(7, "<!-- seedlock:preview -->\nby the Actions bot", "github-actions[bot]", "Bot");
    const first = await upsertComment(octokit("ghp_person"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nfirst");
    const second = await upsertComment(octokit("ghp_person"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nsecond");
    expect(first.action).toBe("created");
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(api.commentsOn(7).map((c) => c.user?.login)).toEqual(["github-actions[bot]", "octo-maintainer"]);
  });

  it("finds its comment on a later page of a long conversation", async () => {
    for (let i = 0; i < 130; i++) api.addComment(7, `comment ${i}`);
    const ours = await upsertComment(octokit("ghs_write"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nfirst");
    api.requests.length = 0;
    const again = await upsertComment(octokit("ghs_write"), target, "<!-- seedlock:preview -->", "<!-- seedlock:preview -->\nagain");
    expect(again).toMatchObject({ action: "updated", id: ours.id });
    expect(api.requests.filter((r) => r.method === "GET" && r.path.endsWith("/comments")).map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
    expect(api.commentsOn(7).filter((c) => c.body?.includes("seedlock:preview"))).toHaveLength(1);
  });

  it("is refused with GitHub's 403 when the token may only read", async () => {
    const error = await upsertComment(octokit("ghs_read"), target, "<!-- seedlock:preview -->", "x").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, message: expect.stringContaining("Resource not accessible by integration") });
    expect(api.commentsOn(7)).toEqual([]);
  });

  it("answers unknown routes with GitHub's 404 body", async () => {
    const res = await fetch(`${api.url}/repos/octo/site/pulls/7/reviews`, { headers: { authorization: "token ghs_write" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });
    const anonymous = await fetch(`${api.url}/repos/octo/site/issues/7/comments`);
    expect(anonymous.status).toBe(401);
  });
});

describe("the job summary", () => {
  it("has a row per asset with totals, the effective cost with measured rates, and where the report is", () => {
    const md = summaryMarkdown({ ...preview, command: "run", rendered: 5, costPerImageUsd: 0.05376, exitCode: 0, assets: preview.assets.map((a) => ({ ...a, status: "done" as const })) }, { manifest: "assets.yaml", runUrl: "http://git.example/o/r/actions/runs/42", commit: "landed abc1234 on main" });
    expect(md).toContain("## seedlock run · `assets.yaml`");
    expect(md).toMatch(/\| Asset \| Status \| Drafts \| Accepted \| Rejected \| Rendered \| Spent \|/);
    expect(md).toMatch(/\| `dunes` \| ✅ done \| 6 \| 4 \| 2 \(duplicate 1, too-dark 1\) \| 0 \| \$0\.2016 \|/);
    expect(md).toMatch(/\| \*\*2 assets\*\* \|  \| \*\*8\*\* \| \*\*5\*\* \| \*\*3\*\* \| \*\*5\*\* \| \*\*\$0\.2688\*\* \|/);
    expect(md).toContain("Cost per image delivered: **$0.0538** ($0.2688 ÷ 5 images rendered; accept rate 63 %, regen rate 0 %, 5 accepted of 8 drafts).");
    expect(md).toContain("[this run's artifacts](http://git.example/o/r/actions/runs/42#artifacts)");
    expect(md).toContain("Commit: landed abc1234 on main");
  });
});
