#!/usr/bin/env node
import { main, registerCommand } from "./main.js";

registerCommand("plan", async () => (await import("./plan.js")).planCommand);
registerCommand("preview", async () => (await import("./preview.js")).previewCommand);
registerCommand("run", async () => (await import("./run.js")).runCommand);
registerCommand("render", async () => (await import("./render.js")).renderCommand);
registerCommand("summary", async () => (await import("./summary.js")).summaryCommand);
registerCommand("verify", async () => (await import("./verify.js")).verifyCommand);
registerCommand("demo", async () => (await import("./demo.js")).demoCommand);
registerCommand("emulate", async () => (await import("./emulate.js")).emulateCommand);

const code = await main(process.argv.slice(2));
process.exitCode = code;
