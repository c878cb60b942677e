import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildActionSettings } from "../../src/action/settings.js";
import { InputError } from "../../src/errors.js";

const workspace = "/home/runner/work/site/site";
const baseEnv = {
  GITHUB_WORKSPACE: workspace,
  GITHUB_REPOSITORY: "octo/site",
  GITHUB_EVENT_NAME: "push",
  GITHUB_REF: "refs/heads/main",
  GITHUB_SHA: "a".repeat(40),
  GITHUB_SERVER_URL: "http://git.example",
  GITHUB_API_URL: "http://api.git.example",
  GITHUB_RUN_ID: "42",
  RUNNER_TEMP: "/home/runner/work/_temp",
};
const pr = (headRepo: string) => ({
  pull_request: { number: 7, head: { ref: "new-hero", sha: "b".repeat(40), repo: { full_name: headRepo } }, base: { ref: "main", repo: { full_name: "octo/site" } } },
});

function settings(inputs: Record<string, string>, env: Record<string, string> = {}, payload: Record<string, unknown> = {}) {
  return buildActionSettings((name) => inputs[name] ?? "", { ...baseEnv, ...env }, payload);
}
function problems(inputs: Record<string, string>, env: Record<string, string> = {}): string {
  try {
    settings(inputs, env);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("inputs on a push to the default branch", () => {
  it("run the manifest with commits on, into the pushed branch, with the workflow's ceiling passed to the core", () => {
    const s = settings({ "api-key": "k", "max-budget-usd": "2.5" });
    expect(s.core).toMatchObject({
      command: "run",
      manifestPath: join(workspace, "assets.yaml"),
      maxBudgetUsd: 2.5,
      apiKey: "k",
      reportDir: "/home/runner/work/_temp/seedlock/report",
    });
    expect(s.commit).toBe(true);
    expect(s.comment).toBe(false);
    expect(s.commitTarget).toEqual({ branch: "main", kind: "push" });
    expect(s.apiUrl).toBe("http://api.git.example");
    expect(s.runUrl).toBe("http://git.example/octo/site/actions/runs/42");
  });

  it("take a shard as 1-based i/n and hand the core a 0-based index", () => {
    expect(settings({ "api-key": "k", shard: "2/3" }).core.shard).toEqual({ index: 1, count: 3 });
  });

  it("take shards for a plan's matrix, and refuse them on any other command", () => {
    expect(settings({ command: "plan", shards: "auto" }).core.shards).toBe("auto");
    expect(settings({ command: "plan", shards: "16" }).core.shards).toBe(16);
    expect(problems({ command: "plan", shards: "300" })).toContain('input "shards" is "300", outside 1..256');
    expect(problems({ "api-key": "k", shards: "4" })).toContain('input "shards" is set, but only command: plan packs a matrix (this is run) (give each job of the matrix shard: i/n instead)');
  });

  it("leave commits off for plan, and let commit: false turn them off for run", () => {
    expect(settings({ command: "plan" }).commit).toBe(false);
    expect(settings({ "api-key": "k", commit: "false" }).commit).toBe(false);
    expect(settings({ "api-key": "k", command: "render" }).commit).toBe(true);
  });

  it("cannot push anywhere from a tag", () => {
    expect(settings({ "api-key": "k" }, { GITHUB_REF: "refs/tags/v1" }).commitTarget).toEqual({
      skip: "refs/tags/v1 is not a branch of octo/site, so there is nowhere to push",
    });
  });
});

describe("a run without a key", () => {
  it("plans instead, and says how to pass the key", () => {
    const s = settings({ command: "run" });
    expect(s.core.command).toBe("plan");
    expect(s.requestedCommand).toBe("run");
    expect(s.fallback).toMatch(/no api-key was given, so seedlock plans only .*secrets\.GEMINI_API_KEY/);
  });
});

describe("inputs on a pull request", () => {
  it("preview comments and pushes nothing to the pull request's branch unless preview-push", () => {
    const s = settings({ command: "preview", "api-key": "k" }, { GITHUB_EVENT_NAME: "pull_request", GITHUB_REF: "refs/pull/7/merge" }, pr("octo/site"));
    expect(s.core.command).toBe("preview");
    expect(s.commit).toBe(false);
    expect(s.comment).toBe(true);
    expect(s.commitTarget).toEqual({ branch: "new-hero", kind: "pull-request" });
    expect(s.event.pullRequest).toMatchObject({ number: 7, headSha: "b".repeat(40), fork: false });
    const pushing = settings({ command: "preview", "api-key": "k", "preview-push": "true" }, { GITHUB_EVENT_NAME: "pull_request", GITHUB_REF: "refs/pull/7/merge" }, pr("octo/site"));
    expect(pushing.commit).toBe(true);
  });

  it("an issue_comment event is a review: the comment, its sender and the pull request it is on", () => {
    const payload = {
      action: "edited",
      issue: { number: 7, pull_request: { url: "x" } },
      comment: { id: 5, html_url: "u", body: "/seedlock reroll dunes", user: { login: "author" }, created_at: "2026-12-01T09:00:00Z", updated_at: "2026-12-01T09:05:00Z" },
      sender: { login: "editor", type: "User" },
    };
    const s = settings({ "api-key": "k" }, { GITHUB_EVENT_NAME: "issue_comment", GITHUB_REF: "refs/heads/main" }, payload);
    expect(s.review).toBe(true);
    expect(s.core.command).toBe("preview");
    expect(s.event.comment).toEqual({ issue: 7, isPullRequest: true, id: 5, url: "u", body: "/seedlock reroll dunes", author: "author", sender: "editor", senderIsBot: false, authorIsBot: false, at: "2026-12-01T09:05:00Z" });
  });

  it("from a fork, plan only and say why, with nowhere to push", () => {
    const s = settings({ command: "preview", "api-key": "" }, { GITHUB_EVENT_NAME: "pull_request", GITHUB_REF: "refs/pull/7/merge" }, pr("someone/site"));
    expect(s.core.command).toBe("plan");
    expect(s.fallback).toMatch(/fork someone\/site.*plans only \(no model call\)/);
    expect(s.commitTarget).toMatchObject({ skip: expect.stringContaining("fork someone/site") });
  });

  it("let comment: false turn the comment off", () => {
    expect(settings({ command: "preview", "api-key": "k", comment: "false" }, { GITHUB_EVENT_NAME: "pull_request" }, pr("octo/site")).comment).toBe(false);
  });
});

describe("pull_request_target", () => {
  it("is refused unless allow-pull-request-target is true", () => {
    const env = { GITHUB_EVENT_NAME: "pull_request_target" };
    expect(() => buildActionSettings((n) => ({ "api-key": "k" })[n] ?? "", { ...baseEnv, ...env }, pr("someone/site"))).toThrow(
      /input "allow-pull-request-target" is not true, and this is a pull_request_target event/,
    );
    const allowed = buildActionSettings((n) => ({ "api-key": "k", command: "preview", "allow-pull-request-target": "true" })[n] ?? "", { ...baseEnv, ...env }, pr("someone/site"));
    expect(allowed.core.command).toBe("preview");
  });
});

describe("invalid inputs", () => {
  it("are all named at once, each with what to write instead", () => {
    const message = problems({ command: "deploy", "max-budget-usd": "ten", "base-url": "localhost:8089", commit: "yes", shard: "3/2" });
    expect(message).toContain('input "command" is "deploy" (use one of: run, preview, plan, render, verify, summary)');
    expect(message).toContain('input "max-budget-usd" must be a plain number of US dollars ≥ 0, not "ten" (for example max-budget-usd: 5 or 0.50');
    expect(message).toContain('input "base-url" must be an http(s) URL, not "localhost:8089" (for example base-url: http://127.0.0.1:8080');
    expect(message).toContain('input "commit" is "yes" (use true or false)');
    expect(message).toContain('input "shard" is "3/2": i is above n (write it as i/n with 1 ≤ i ≤ n');
  });

  it("refuse a manifest outside the repository", () => {
    expect(problems({ manifest: "../other/assets.yaml" })).toMatch(/input "manifest" "\.\.\/other\/assets\.yaml" is outside the repository/);
  });

  it("refuse a negative ceiling", () => {
    expect(problems({ "max-budget-usd": "-1" })).toMatch(/input "max-budget-usd" must be a plain number of US dollars ≥ 0, not "-1"/);
  });
});
