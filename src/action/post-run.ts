import * as core from "@actions/core";
import { State } from "./constants.js";
import { GitCli } from "./git.js";
import { land, type LandingPlan } from "./landing.js";

/**
 * The post step: when the main step was cancelled or killed before it finished, commit what it had
 * accepted (outputs, accepted drafts and the lockfile) so the next run resumes instead of paying
 * again. After a main step that finished, it does nothing.
 */
export async function runPost(): Promise<void> {
  if (core.getState(State.finished) === "true") return;
  const saved = core.getState(State.landing);
  if (!saved) return;
  const plan = JSON.parse(saved) as LandingPlan;
  core.info(`the main step did not finish; committing what it accepted to ${plan.branch} so the next run resumes`);
  try {
    const landed = await land(new GitCli(plan.top), plan, undefined, (attempt, reason) =>
      core.info(`push ${attempt} to ${plan.branch} was rejected (${reason}); fetching and trying again`),
    );
    if (!landed?.commit) core.info("nothing had been accepted since the run started; nothing to commit");
    else core.info(`pushed ${landed.commit} to ${plan.branch}`);
  } catch (err) {
    core.warning(`the accepted work of the unfinished run could not be committed: ${(err as Error).message}`);
  }
}
