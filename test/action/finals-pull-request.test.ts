// The built main.js on a push with commit: pull-request: finals proposed, not pushed to main.
import { describe, expect, it } from "vitest";
import { KEY, MANIFEST, api, emulator, pushStep, repo, step, useScenario } from "./scenario.js";

useScenario();

/** Calls on any model but the draft model: the final model is served under its current catalog id. */
const finalModelCalls = () => Object.entries(emulator.stats.byModel).reduce((n, [model, k]) => (model === "gemini-3.1-flash-lite-image" ? n : n + k), 0);

describe("commit: pull-request", () => {
  it("pushes the finals to seedlock's own branch and opens one pull request with before/after images, updated by the next run", async () => {
    const first = repo.clone("first");
    expect((await step("main", pushStep(first, { command: "run", "api-key": KEY }))).code).toBe(0);
    const shipped = repo.originGit("rev-parse", "main");

    // A new prompt for tide lands on main; its finals are proposed, not pushed.
    const author = repo.clone("author");
    const changed = author.commit({ "assets.yaml": MANIFEST.replace("Calm sea at blue hour", "Stormy sea at blue hour") }, "A stormier sea");
    author.git("push", "--quiet", "origin", "HEAD:refs/heads/main");
    const ws = repo.clone("ws");

    const r = await step("main", pushStep(ws, { command: "run", "api-key": KEY, commit: "pull-request" }));

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(repo.originGit("rev-parse", "main")).toBe(changed);
    const finals = repo.originGit("rev-parse", "seedlock/finals/main");
    expect(repo.originGit("rev-parse", `${finals}~1`)).toBe(changed);
    expect(repo.changedPaths(finals)).toEqual(expect.arrayContaining(["art/tide-1.webp", "assets.lock.yaml"]));
    expect(repo.changedPaths(finals)).not.toContain("art/dunes-1.webp");
    const pulls = [...api.pulls.values()];
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ state: "open", head: { ref: "seedlock/finals/main" }, base: { ref: "main" } });
    expect(pulls[0]!.body).toContain(`<img src="http://git.example/octo/site/raw/${changed}/art/tide-1.webp" alt="art/tide-1.webp before"`);
    expect(pulls[0]!.body).toContain(`<img src="http://git.example/octo/site/raw/${finals}/art/tide-1.webp" alt="art/tide-1.webp after"`);
    expect(pulls[0]!.body).not.toContain("art/dunes-1.webp");
    expect(r.summary).toContain(`and opened [#${pulls[0]!.number}]`);
    expect(repo.originGit("show", `${shipped}:art/tide-1.webp`).length).toBeGreaterThan(0);

    // Another run on the same main adds to the same branch and edits the same pull request.
    const ws2 = repo.clone("ws2");
    ws2.commit({ "assets.yaml": MANIFEST.replace("Calm sea at blue hour", "Stormy sea at blue hour").replace("Minimal desert dunes", "Wind-swept desert dunes") }, "Windier dunes");
    ws2.git("push", "--quiet", "origin", "HEAD:refs/heads/main");
    const finalCalls = finalModelCalls();
    const again = await step("main", pushStep(ws2, { command: "run", "api-key": KEY, commit: "pull-request" }));

    expect(again.code, again.stdout + again.stderr).toBe(0);
    // tide's proposed final is carried over from the finals branch, not paid for again.
    expect(finalModelCalls() - finalCalls).toBe(1);
    expect(repo.originGit("diff", "--name-only", "main", "seedlock/finals/main").split("\n")).toEqual(expect.arrayContaining(["art/dunes-1.webp", "art/tide-1.webp"]));
    expect(repo.originGit("show", "seedlock/finals/main:art/tide-1.webp")).toBe(repo.originGit("show", `${finals}:art/tide-1.webp`));
    expect(api.pulls.size).toBe(1);
    expect(api.requests.filter((q) => q.method === "POST" && q.path.endsWith("/pulls"))).toHaveLength(1);
    expect(api.requests.filter((q) => q.method === "PATCH" && q.path.endsWith(`/pulls/${pulls[0]!.number}`))).toHaveLength(1);
    const tip = repo.originGit("rev-parse", "seedlock/finals/main");
    expect([...api.pulls.values()][0]!.body).toContain(`/raw/${tip}/art/dunes-1.webp" alt="art/dunes-1.webp after"`);
  });
});
