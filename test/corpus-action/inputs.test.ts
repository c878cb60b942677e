// Action inputs and events a user could get wrong, each run through the built main.js exactly as
// the runner starts it (test/action/runner.ts): a clear sentence naming what is wrong, the step's
// exit code, and nothing changed — no file in the checkout, no push, no model call, no comment.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { runStep, type RunnerStep, type StepResult } from "../action/runner.js";
import { STACK_LINE } from "../support/cli.js";
import { GitHubApiStandIn } from "../support/github-api.js";
import { TestRepo, type Clone } from "../support/git-repo.js";

const MANIFEST = `version: 1
budget: { maxUsd: 2 }
defaults:
  finalSize: "1K"
  output: { format: webp, quality: 80, width: 64, height: 64 }
assets:
  - id: dunes
    prompt: Minimal desert dunes at dusk, pastel palette, no text
    count: 1
    out: art/dunes-{n}.webp
`;
// A manifest with a mistake on line 7, committed beside the good one.
const BROKEN = MANIFEST.replace("count: 1", "count: many");
const KEY = "AIza-corpus-key";
const TOKEN = "ghs_corpus_write_token";

let repo: TestRepo;
let ws: Clone;
let emulator: RunningEmulator;
let api: GitHubApiStandIn;
let scratch: string;
let originMain: string;

beforeAll(async () => {
  repo = TestRepo.create({ "assets.yaml": MANIFEST, "broken.yaml": BROKEN, "README.md": "site\n" });
  ws = repo.clone("checkout");
  originMain = repo.originGit("rev-parse", "main");
  emulator = await startEmulator({ ...NO_FLAWS });
  api = await GitHubApiStandIn.start({ owner: "octo", repo: "site", tokens: [TOKEN] });
  scratch = mkdtempSync(join(tmpdir(), "seedlock-corpus-action-"));
});

afterAll(async () => {
  await emulator.close();
  await api.close();
  repo.remove();
  rmSync(scratch, { recursive: true, force: true });
});

type EventKind = "push" | "pull_request" | "pull_request_target";

function event(kind: EventKind, pullRequest: Record<string, unknown> = {}): RunnerStep["event"] {
  const sha = ws.git("rev-parse", "HEAD");
  if (kind === "push") return { name: "push", sha, ref: "refs/heads/main", payload: { ref: "refs/heads/main", after: sha, repository: { full_name: "octo/site" } } };
  return {
    name: kind,
    sha,
    ref: "refs/pull/7/merge",
    payload: {
      number: 7,
      pull_request: { number: 7, head: { ref: "new-dunes", sha, repo: { full_name: "octo/site" } }, base: { ref: "main", repo: { full_name: "octo/site" } }, ...pullRequest },
      repository: { full_name: "octo/site" },
    },
  };
}

interface Case {
  /** What the user got wrong, as they would describe it. */
  name: string;
  inputs?: Record<string, string>;
  kind?: EventKind;
  /** Replaces the runner's event file with this text (undefined: the runner's own). */
  eventText?: string;
  /** Points GITHUB_EVENT_PATH at a file that does not exist. */
  noEventFile?: boolean;
  /** Changes the pull request in the runner's event payload (pull_request kinds only). */
  pullRequest?: Record<string, unknown>;
  /** Untracked files put in the checkout before the step (and removed after it). */
  files?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** The step's exit code: 1 is a failed step (core.setFailed), 0 a step that went on after saying what it could not do. */
  code: 0 | 1;
  /** What the `::error::` (or, for code 0, `::warning::`/`::notice::`) annotation must say. */
  says: RegExp;
}

const CASES: Case[] = [
  { name: "max-budget-usd is a word", inputs: { "max-budget-usd": "ten" }, code: 1, says: /max-budget-usd.*number.*"ten"/ },
  { name: "max-budget-usd is negative", inputs: { "max-budget-usd": "-1" }, code: 1, says: /max-budget-usd.*"-1"/ },
  { name: "max-budget-usd carries a dollar sign", inputs: { "max-budget-usd": "$5" }, code: 1, says: /max-budget-usd.*"\$5"/ },
  { name: "shard has i above n", inputs: { shard: "3/2" }, code: 1, says: /shard.*"3\/2".*i\/n/ },
  { name: "shard counts from 0", inputs: { shard: "0/3" }, code: 1, says: /shard.*"0\/3"/ },
  { name: "shard is a word", inputs: { shard: "first" }, code: 1, says: /shard.*"first"/ },
  { name: "command is unknown", inputs: { command: "deploy" }, code: 1, says: /command.*"deploy".*run, preview, plan/ },
  { name: "commit is yes, not true", inputs: { commit: "yes" }, code: 1, says: /commit.*"yes".*true or false/ },
  { name: "comment is not a boolean", inputs: { comment: "maybe" }, code: 1, says: /comment.*"maybe".*true or false/ },
  { name: "allow-pull-request-target is not a boolean", inputs: { "allow-pull-request-target": "sure" }, code: 1, says: /allow-pull-request-target.*"sure"/ },
  { name: "base-url is not an http URL", inputs: { "base-url": "ftp://models.example" }, code: 1, says: /base-url.*ftp:\/\/models\.example.*http/ },
  { name: "manifest points outside the repository", inputs: { manifest: "../elsewhere/assets.yaml" }, code: 1, says: /manifest.*outside the repository/ },
  { name: "manifest does not exist", inputs: { manifest: "art/assets.yaml" }, code: 1, says: /art\/assets\.yaml/ },
  { name: "manifest has an invalid field", inputs: { manifest: "broken.yaml" }, code: 1, says: /broken\.yaml.*count/ },
  { name: "several inputs are wrong at once: all are named", inputs: { shard: "9/2", commit: "nope", "max-budget-usd": "lots" }, code: 1, says: /max-budget-usd.*commit.*shard|shard.*commit.*max-budget-usd|max-budget-usd[\s\S]*commit[\s\S]*shard/ },
  { name: "pull_request_target without allow-pull-request-target", kind: "pull_request_target", inputs: { command: "preview" }, code: 1, says: /pull_request_target.*allow-pull-request-target/ },
  { name: "GITHUB_REPOSITORY is unset and the event names no repository", eventText: "{}", env: { GITHUB_REPOSITORY: "" }, code: 1, says: /GITHUB_REPOSITORY/ },
  { name: "run without api-key plans instead, and says how to pass the key", inputs: { command: "run", "api-key": "" }, code: 0, says: /no api-key was given.*plans only/ },
  { name: "a pull-request comment without github-token is skipped, and says so", kind: "pull_request", inputs: { command: "plan", "github-token": "", comment: "true" }, code: 0, says: /github-token/ },

  // Inputs added for the trusted side of money and files (issue 9).
  { name: "allow-lower-prices is yes, not true", inputs: { "allow-lower-prices": "yes" }, code: 1, says: /allow-lower-prices.*"yes".*true or false/ },
  { name: "allow-lower-prices is 1", inputs: { "allow-lower-prices": "1" }, code: 1, says: /allow-lower-prices.*"1".*true or false/ },
  { name: "overwrite-untracked names a path outside the repository", inputs: { "overwrite-untracked": "../elsewhere/hero.png" }, code: 1, says: /overwrite-untracked.*"\.\.\/elsewhere\/hero\.png".*outside the repository/ },
  { name: "overwrite-untracked names an absolute path outside the repository", inputs: { "overwrite-untracked": "/etc/hosts" }, code: 1, says: /overwrite-untracked.*"\/etc\/hosts".*outside the repository/ },
  { name: "overwrite-untracked lists one good and one outside path: the outside one is named", inputs: { "overwrite-untracked": "art/dunes-1.webp\n../x.webp" }, code: 1, says: /overwrite-untracked.*"\.\.\/x\.webp"/ },
  { name: "overwrite-untracked names the repository itself", inputs: { "overwrite-untracked": "." }, code: 1, says: /overwrite-untracked.*"\."/ },
  { name: "a run would overwrite an untracked file: the file and the overwrite-untracked input are named", files: { "art/dunes-1.webp": "hand-made\n" }, code: 1, says: /would overwrite art\/dunes-1\.webp.*overwrite-untracked/ },
  { name: "overwrite-untracked names another folder than the one the file is in", inputs: { "overwrite-untracked": "img/" }, files: { "art/dunes-1.webp": "hand-made\n" }, code: 1, says: /would overwrite art\/dunes-1\.webp/ },
  { name: "overwrite-untracked names a different file than the one in the way", inputs: { "overwrite-untracked": "art/other.webp" }, files: { "art/dunes-1.webp": "hand-made\n" }, code: 1, says: /would overwrite art\/dunes-1\.webp/ },

  // Numbers a workflow author might write for max-budget-usd.
  { name: "max-budget-usd is Infinity", inputs: { "max-budget-usd": "Infinity" }, code: 1, says: /max-budget-usd.*"Infinity"/ },
  { name: "max-budget-usd overflows to infinity", inputs: { "max-budget-usd": "1e400" }, code: 1, says: /max-budget-usd.*"1e400"/ },
  { name: "max-budget-usd is NaN", inputs: { "max-budget-usd": "NaN" }, code: 1, says: /max-budget-usd.*"NaN"/ },
  { name: "max-budget-usd carries a currency", inputs: { "max-budget-usd": "5 USD" }, code: 1, says: /max-budget-usd.*"5 USD"/ },
  { name: "max-budget-usd uses a decimal comma", inputs: { "max-budget-usd": "1,5" }, code: 1, says: /max-budget-usd.*"1,5"/ },
  { name: "plan's estimate is above max-budget-usd", inputs: { command: "plan", "max-budget-usd": "0.01" }, code: 1, says: /estimate of \$[\d.]+ exceeds the workflow's max-budget-usd \(\$0\.01\)/ },

  // Other inputs with a near-miss spelling.
  { name: "command is upper case", inputs: { command: "RUN" }, code: 1, says: /command.*"RUN"/ },
  { name: "commit is 1", inputs: { commit: "1" }, code: 1, says: /commit.*"1".*true or false/ },
  { name: "comment is on", inputs: { comment: "on" }, code: 1, says: /comment.*"on".*true or false/ },
  { name: "shard has n of 0", inputs: { shard: "1/0" }, code: 1, says: /shard.*"1\/0"/ },
  { name: "shard is a fraction", inputs: { shard: "1.5/3" }, code: 1, says: /shard.*"1\.5\/3"/ },
  { name: "base-url has no host", inputs: { "base-url": "http://" }, code: 1, says: /base-url.*"http:\/\/"/ },
  { name: "manifest is an absolute path outside the repository", inputs: { manifest: "/etc/hosts" }, code: 1, says: /manifest.*"\/etc\/hosts".*outside the repository/ },
  { name: "manifest names a folder", inputs: { manifest: "." }, code: 1, says: /cannot be read \(EISDIR\)/ },
  { name: "api-key is only spaces: run plans instead", inputs: { command: "run", "api-key": "   " }, code: 0, says: /no api-key was given.*plans only/ },
  { name: "GITHUB_WORKSPACE names a folder that does not exist", env: { GITHUB_WORKSPACE: "/nonexistent/seedlock-workspace" }, code: 1, says: /no such manifest/ },

  // Events: what the payload says about the pull request decides what is trusted.
  { name: "the event payload is null", eventText: "null", code: 1, says: /event payload .* is null, not a JSON object/ },
  { name: "the event payload is an array", eventText: "[]", code: 1, says: /event payload .* is an array, not a JSON object/ },
  {
    name: "a pull request whose payload names no base commit, in a workflow without max-budget-usd, plans only",
    kind: "pull_request",
    inputs: { command: "preview", comment: "false" },
    code: 0,
    says: /::notice::.*nothing trusted caps it.*could not be read: the event payload names no base commit.*plans only/,
  },
  {
    name: "a pull request whose base commit cannot be fetched, in a workflow without max-budget-usd, plans only",
    kind: "pull_request",
    pullRequest: { base: { ref: "main", sha: "0123456789abcdef0123456789abcdef01234567", repo: { full_name: "octo/site" } } },
    inputs: { command: "preview", comment: "false" },
    code: 0,
    says: /::notice::.*base commit 0123456 could not be fetched.*plans only/,
  },
  {
    name: "a pull request whose base cannot be read is capped by max-budget-usd alone, and says so",
    kind: "pull_request",
    inputs: { command: "plan", comment: "false", "max-budget-usd": "1" },
    code: 0,
    says: /::warning::.*could not be read.*max-budget-usd alone caps this pull request/,
  },
  {
    name: "a pull request from a deleted fork plans only",
    kind: "pull_request",
    pullRequest: { head: { ref: "new-dunes", sha: "0".repeat(40), repo: null } },
    inputs: { command: "preview" },
    code: 0,
    says: /::notice::.*fork.*plans only/,
  },
];

/** Everything a step could have changed: the checkout, origin's branches, model calls, comments. */
function state(): string {
  return JSON.stringify({
    status: ws.git("status", "--porcelain", "--untracked-files=all", "--ignored"),
    head: ws.git("rev-parse", "HEAD"),
    refs: repo.originGit("for-each-ref", "--format=%(refname) %(objectname)"),
    calls: emulator.stats.requests,
    comments: api.commentsOn(7).length,
  });
}

async function runCase(c: Case): Promise<StepResult> {
  const env: NodeJS.ProcessEnv = { ...c.env };
  if (c.eventText !== undefined) {
    const file = join(scratch, `${c.name.replace(/\W+/g, "-")}.json`);
    writeFileSync(file, c.eventText);
    env.GITHUB_EVENT_PATH = file;
  }
  if (c.noEventFile) env.GITHUB_EVENT_PATH = join(scratch, "no-such-event.json");
  return runStep(
    "main",
    {
      workspace: ws.dir,
      inputs: { "api-key": KEY, "github-token": TOKEN, "base-url": emulator.url, ...c.inputs },
      event: event(c.kind ?? "push", c.pullRequest),
      repository: "octo/site",
      apiUrl: api.url,
      env,
    },
    repo.home,
  );
}

describe("a wrong Action input or event fails the step with one sentence naming it, and changes nothing", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      ws.write(c.files ?? {});
      try {
        const before = state();
        const step = await runCase(c);
        const kind = c.code === 1 ? "error" : "(warning|notice)";
        const annotations = step.annotations.filter((a) => new RegExp(`^::${kind}`).test(a)).join("\n");
        expect(step.code, step.stdout + step.stderr).toBe(c.code);
        expect(annotations, step.stdout).toMatch(c.says);
        expect(step.stdout + step.stderr).not.toMatch(STACK_LINE);
        expect(step.stdout).not.toMatch(/unexpected|please report/i);
        expect(state()).toBe(before);
        expect(originMain).toBe(repo.originGit("rev-parse", "main"));
      } finally {
        for (const path of Object.keys(c.files ?? {})) rmSync(join(ws.dir, path), { force: true });
      }
    });
  }
});

describe("a pull_request step whose event file is missing", () => {
  // Without the payload a pull_request step cannot tell a fork from a branch, so it must stop and say why.
  it("says that GITHUB_EVENT_PATH names no file, and changes nothing", async () => {
    const before = state();
    const step = await runCase({ name: "missing event file", kind: "pull_request", noEventFile: true, inputs: { command: "plan" }, code: 1, says: /GITHUB_EVENT_PATH/ });
    expect(step.annotations.join("\n")).toMatch(/GITHUB_EVENT_PATH|event (file|payload)/);
    expect(step.stdout + step.stderr).not.toMatch(STACK_LINE);
    expect(state()).toBe(before);
  });
});

describe("a step whose event file is not JSON", () => {
  // @actions/github parses the event file when loaded; seedlock must answer first, in its own words.
  it("fails the step saying the event payload is not JSON, without a stack trace", async () => {
    const before = state();
    const step = await runCase({ name: "event file not JSON", eventText: "{ this is not json", code: 1, says: /event payload .* is not JSON/ });
    expect(state()).toBe(before);
    expect(step.code).toBe(1);
    expect(step.annotations.filter((a) => a.startsWith("::error")).join("\n")).toMatch(/event payload .* is not JSON/);
    expect(step.stdout + step.stderr).not.toMatch(STACK_LINE);
  });
});
