import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { builtMain, builtPost, type Ran } from "../support/cli.js";

/**
 * Runs the built Action entry the way the Actions runner does: a fresh node process in the work
 * tree, inputs as INPUT_* variables, and the runner's file commands (GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_STATE) and event payload as files.
 */
export interface RunnerStep {
  workspace: string;
  inputs: Record<string, string>;
  event: { name: string; payload: Record<string, unknown>; sha: string; ref: string };
  repository: string;
  apiUrl: string;
  /** Variables the runner only sets for a post step: STATE_* from the main step's GITHUB_STATE. */
  state?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

export interface StepResult extends Ran {
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  /** `::error::` / `::warning::` / `::notice::` lines the runner turns into annotations. */
  annotations: string[];
}

/** Reads a runner file-command file: `name=value` lines and `name<<DELIMITER` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      out[name!] = value.join("\n");
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

function inputEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  // The runner's own rule: INPUT_ + the name upper-cased with spaces as underscores; hyphens stay.
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, "_").toUpperCase()}`, value]));
}

/** action.yml's defaults, which the runner passes as inputs when a workflow leaves them out. */
const DEFAULTS: Record<string, string> = {
  command: "run",
  manifest: "assets.yaml",
  "api-key": "",
  "github-token": "",
  "max-budget-usd": "",
  "base-url": "",
  commit: "",
  "commit-message": "",
  comment: "",
  shard: "",
  shards: "",
  reports: "",
  "allow-pull-request-target": "false",
  "allow-lower-prices": "false",
  "overwrite-untracked": "",
};

/** `onStart` gets the process, e.g. to cancel it the way the runner does when a job is cancelled. */
export async function runStep(entry: "main" | "post", step: RunnerStep, home: string, onStart?: (child: ChildProcess) => void): Promise<StepResult> {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-runner-"));
  const files = { output: join(dir, "output"), summary: join(dir, "summary.md"), state: join(dir, "state"), event: join(dir, "event.json") };
  for (const f of [files.output, files.summary, files.state]) writeFileSync(f, "");
  writeFileSync(files.event, JSON.stringify(step.event.payload));
  const temp = join(dir, "runner-temp");
  mkdirSync(temp);
  const child = spawn(process.execPath, [entry === "main" ? builtMain : builtPost], {
    cwd: step.workspace,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: home,
      GIT_CONFIG_NOSYSTEM: "1",
      GITHUB_ACTIONS: "true",
      CI: "true",
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: step.event.name,
      GITHUB_WORKSPACE: step.workspace,
      GITHUB_REPOSITORY: step.repository,
      GITHUB_API_URL: step.apiUrl,
      GITHUB_SERVER_URL: "http://git.example",
      GITHUB_SHA: step.event.sha,
      GITHUB_REF: step.event.ref,
      GITHUB_RUN_ID: "4242",
      RUNNER_TEMP: temp,
      ...inputEnv({ ...DEFAULTS, ...step.inputs }),
      ...Object.fromEntries(Object.entries(step.state ?? {}).map(([k, v]) => [`STATE_${k}`, v])),
      ...step.env,
    },
  });
  const ran = await new Promise<Ran>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
  return {
    ...ran,
    outputs: parseFileCommands(readFileSync(files.output, "utf8")),
    summary: readFileSync(files.summary, "utf8"),
    state: parseFileCommands(readFileSync(files.state, "utf8")),
    annotations: ran.stdout.split("\n").filter((l) => /^::(error|warning|notice)/.test(l)),
  };
}
