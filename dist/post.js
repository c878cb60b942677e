import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  GitCli,
  land
} from "./chunks/chunk-KFZQRMGH.js";
import "./chunks/chunk-RLA37S77.js";
import {
  State,
  getState,
  info,
  warning
} from "./chunks/chunk-DXY4RWES.js";
import "./chunks/chunk-GEXTQ4V7.js";
import "./chunks/chunk-YPSSUEOW.js";
import "./chunks/chunk-4XIAYHCN.js";
import "./chunks/chunk-P5UZNSPX.js";
import "./chunks/chunk-CBOTSRC4.js";
import "./chunks/chunk-4RHKQ3D4.js";

// src/action/post-run.ts
async function runPost() {
  if (getState(State.finished) === "true") return;
  const saved = getState(State.landing);
  if (!saved) return;
  const plan = JSON.parse(saved);
  info(`the main step did not finish; committing what it accepted to ${plan.branch} so the next run resumes`);
  try {
    const landed = await land(
      new GitCli(plan.top),
      plan,
      void 0,
      (attempt, reason) => info(`push ${attempt} to ${plan.branch} was rejected (${reason}); fetching and trying again`)
    );
    if (!landed?.commit) info("nothing had been accepted since the run started; nothing to commit");
    else info(`pushed ${landed.commit} to ${plan.branch}`);
  } catch (err) {
    warning(`the accepted work of the unfinished run could not be committed: ${err.message}`);
  }
}

// src/action/post.ts
await runPost().catch((err) => warning(`seedlock's post step failed: ${err?.message ?? String(err)}`));
