#!/usr/bin/env node
import { main, registerCommand } from "./main.js";
import { followParent, runInTunedChild, wantsTunedChild } from "./tuned-process.js";

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
followParent(process.env);
const code = wantsTunedChild(argv, process.env) ? await runInTunedChild(argv, process.argv[1]!) : await main(argv);
process.exitCode = code;
