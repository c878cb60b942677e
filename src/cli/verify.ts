import { generatingCommand } from "./run.js";

export const verifyCommand = generatingCommand("verify", "check that every output matches the sha256 in the lockfile (exit 6 naming the files that do not)");
