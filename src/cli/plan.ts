import { SeedlockError, ExitCode } from "../errors.js";
import type { Command } from "./command.js";

// Scaffold only: the planner lands with the manifest and lockfile modules.
export const planCommand: Command = {
  summary: "estimate the spend of the manifest's changes before any call",
  options: {},
  async run() {
    throw new SeedlockError("plan is not built yet", ExitCode.fault);
  },
};
