#!/usr/bin/env node
import { main, registerCommand } from "./main.js";
import { followParent, reportToParent, runInTunedChild, wantsTunedChild } from "./tuned-process.js";

registerCommand("plan", async () => (await import("./plan.js")).planCommand);
registerCommand("preview", async () => (await import("./preview.js")).previewCommand);
registerCommand("run", async () => (await import("./run.js")).runCommand);
registerCommand("render", async () => (await import("./render.js")).renderCommand);
registerCommand("summary", async () => (await import("./summary.js")).summaryCommand);
registerCommand("verify", async () => (await import("./verify.js")).verifyCommand);
registerCommand("merge-lock", async () => (await import("./merge-lock.js")).mergeLockCommand);
registerCommand("demo", async () => (await import("./demo.js")).demoCommand);
registerCommand("emulate", async () => (await import("./emulate.js")).emulateCommand);

const argv = process.argv.slice(2);
// Held for the whole process, so a signal never meets the default action, which kills without the
// code: during the command main's own handlers stop it (or the relay hands it to the child), and a
// late one (a repeated SIGTERM while the process closes) ends it with the command's code.
let code: number | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => code !== undefined && process.exit(code));
followParent(process.env);
code = wantsTunedChild(argv, process.env) ? await runInTunedChild(argv, process.argv[1]!) : await main(argv);
reportToParent(process.env, code);
process.exitCode = code;
