import * as core from "@actions/core";
import { runMain } from "./run.js";

await runMain().catch((err: unknown) => core.setFailed(`seedlock failed unexpectedly: ${(err as Error)?.stack ?? String(err)}`));
