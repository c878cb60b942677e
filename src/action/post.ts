import * as core from "@actions/core";
import { runPost } from "./post-run.js";

// The job's outcome was decided by the main step; a post-step problem is only worth a warning.
await runPost().catch((err: unknown) => core.warning(`seedlock's post step failed: ${(err as Error)?.message ?? String(err)}`));
