import { afterEach, beforeEach } from "vitest";
import { NO_FLAWS, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/emulator.js";
import { TestRepo, type Clone } from "../support/git-repo.js";
import { GitHubApiStandIn } from "../support/github-api.js";
import { runStep, type RunnerStep, type StepResult } from "./runner.js";

/*
 * The world every end-to-end Action test runs in: a bare origin with a manifest committed, the
 * emulator in-process, and the GitHub API stand-in; fresh for each test. Bindings are live, so
 * tests import `repo`, `emulator` and `api` and see the current test's.
 */

// Two small assets, 512² finals shrunk to 64², so a run is a handful of calls.
export const MANIFEST = `version: 1
models:
  draft: gemini-3.1-flash-lite-image
  final: gemini-nano-banana-2.1
budget:
  maxUsd: 2
defaults:
  aspectRatio: "1:1"
  oversample: 2
  finalSize: "1K"
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
export const TOKEN = "ghs_standin_write_token";
export const KEY = "AIza-test-key-for-the-emulator";
/** A login with write access (maintain) to octo/site, and one without (read). */
export const MAINTAINER = "octo-maintainer";
export const PASSER_BY = "passer-by";

export let repo: TestRepo;
export let emulator: RunningEmulator;
export let api: GitHubApiStandIn;

/** Registers the per-test set-up and tear-down in the calling test file. */
export function useScenario(): void {
  beforeEach(async () => {
    repo = TestRepo.create({ "assets.yaml": MANIFEST, "README.md": "site\n" });
    emulator = await startEmulator({ ...NO_FLAWS });
    api = await GitHubApiStandIn.start({ owner: "octo", repo: "site", tokens: [TOKEN], readOnlyTokens: ["ghs_fork_read_only"], roles: { [MAINTAINER]: "maintain", [PASSER_BY]: "read" } });
  });
  afterEach(async () => {
    await emulator.close();
    await api.close();
    repo.remove();
  });
}

/** Swaps the emulator for one with other options, e.g. latency. */
export async function restartEmulator(options: EmulatorOptions): Promise<void> {
  await emulator.close();
  emulator = await startEmulator({ ...NO_FLAWS, ...options });
}

export const modelCalls = () => Object.values(emulator.stats.byModel).reduce((n, k) => n + k, 0);

export function pushStep(ws: Clone, inputs: Record<string, string>): RunnerStep {
  const sha = ws.git("rev-parse", "HEAD");
  return {
    workspace: ws.dir,
    inputs: { "base-url": emulator.url, "github-token": TOKEN, ...inputs },
    event: { name: "push", sha, ref: "refs/heads/main", payload: { ref: "refs/heads/main", after: sha, repository: { full_name: "octo/site" } } },
    repository: "octo/site",
    apiUrl: api.url,
  };
}

export function pullRequestStep(ws: Clone, headSha: string, headRepo: string, inputs: Record<string, string>): RunnerStep {
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

/** An issue_comment event on pull request 7, the comment written in the stand-in by `login`. */
export function commentStep(ws: Clone, body: string, login: string, inputs: Record<string, string>, written = api.addComment(7, body, login)): RunnerStep {
  const main = repo.originGit("rev-parse", "main");
  return {
    workspace: ws.dir,
    inputs: { "base-url": emulator.url, "github-token": TOKEN, ...inputs },
    event: {
      name: "issue_comment",
      sha: main,
      ref: "refs/heads/main",
      payload: {
        action: "created",
        issue: { number: 7, pull_request: { url: `${api.url}/repos/octo/site/pulls/7` } },
        comment: written,
        sender: written.user,
        repository: { full_name: "octo/site" },
      },
    },
    repository: "octo/site",
    apiUrl: api.url,
  };
}

/** A checkout of the pull request as actions/checkout makes one: main merged with the branch's tip. */
export function checkoutMerge(name: string, branch: string): { ws: Clone; headSha: string } {
  const ws = repo.clone(name);
  ws.git("fetch", "--quiet", "origin", `refs/heads/${branch}`);
  const headSha = ws.git("rev-parse", "FETCH_HEAD");
  ws.git("checkout", "--quiet", "--detach", "origin/main");
  ws.git("merge", "--quiet", "--no-ff", "-m", `Merge ${headSha} into main`, "FETCH_HEAD");
  return { ws, headSha };
}

export function step(entry: "main" | "post", s: RunnerStep): Promise<StepResult> {
  return runStep(entry, s, repo.home);
}

