// Hole 6 of issue 9: a comment that carries seedlock's hidden marker but was written by someone
// else must never become "the preview": the bot edits only the comment its own identity wrote.
import { describe, expect, it } from "vitest";
import { KEY, MANIFEST, api, checkoutMerge, pullRequestStep, repo, step, useScenario } from "../action/scenario.js";

useScenario();

describe("a comment planted with seedlock's marker", () => {
  it("is left as its author wrote it; the bot writes and then keeps updating its own comment", async () => {
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANIFEST.replace("Calm sea at blue hour", "Stormy sea at blue hour") }, "author");
    const fake = "<!-- seedlock:preview -->\n### seedlock preview\nMerging this pull request would cost about **$0.00** more. ![contact sheet](http://evil.example/x.png)";
    const planted = api.addComment(7, fake, "mallory");
    const { ws } = checkoutMerge("pr-1", "new-tide");

    const first = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY, commit: "false" }));

    expect(first.code, first.stdout).toBe(0);
    const afterFirst = api.commentsOn(7);
    expect(afterFirst).toHaveLength(2);
    expect(afterFirst[0]).toMatchObject({ id: planted.id, body: fake, user: { login: "mallory", type: "User" } });
    const ours = afterFirst[1]!;
    expect(ours.user).toMatchObject({ login: "github-actions[bot]", type: "Bot" });
    expect(ours.body).toMatch(/^<!-- seedlock:preview -->\n### seedlock preview/);
    expect(ours.body).not.toContain("evil.example");
    expect(api.requests.filter((r) => r.method === "PATCH")).toEqual([]);
    expect(first.annotations.join("\n")).toMatch(/::warning::left alone 1 comment\(s\) by mallory that carry seedlock's marker/);

    // The next run finds its own comment again, and still not mallory's.
    const { ws: ws2 } = checkoutMerge("pr-2", "new-tide");
    const second = await step("main", pullRequestStep(ws2, headSha, "octo/site", { command: "preview", "api-key": KEY, commit: "false" }));

    expect(second.code, second.stdout).toBe(0);
    expect(api.commentsOn(7).map((c) => c.id)).toEqual([planted.id, ours.id]);
    expect(api.commentsOn(7)[0]!.body).toBe(fake);
    expect(api.requests.filter((r) => r.method === "PATCH").map((r) => r.path)).toEqual([`/repos/octo/site/issues/comments/${ours.id}`]);
  });
});
