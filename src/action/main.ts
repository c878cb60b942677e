import * as core from "@actions/core";
import { runTuned } from "../pipeline/tuned-process.js";
import { Input } from "./constants.js";

/**
 * The commands that draft, screen or render run in a child tuned for their memory, as the CLI's do
 * (pipeline/tuned-process.ts); plan, verify and summary start as fast as before. The child writes
 * the outputs, state, summary and annotations itself (they are files and stdout, which it shares),
 * and its exit code is the step's.
 */
const LIGHT_COMMANDS = new Set(["plan", "verify", "summary"]);
// A comment's verdicts are applied as a preview, whatever the command (settings.ts).
const wanted = !LIGHT_COMMANDS.has(core.getInput(Input.command).trim()) || process.env.GITHUB_EVENT_NAME === "issue_comment";

process.exitCode = await runTuned({
  wanted,
  entry: process.argv[1]!,
  args: [],
  work: async () => {
    // Loaded only where the work is done: the parent of a tuned child stays a small relay.
    const { runMain } = await import("./run.js");
    await runMain().catch((err: unknown) => core.setFailed(`seedlock failed unexpectedly: ${(err as Error)?.stack ?? String(err)}`));
    return Number(process.exitCode ?? 0);
  },
});
