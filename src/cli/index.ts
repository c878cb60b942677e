#!/usr/bin/env node
import { main, registerCommand } from "./main.js";
import { runTuned } from "../pipeline/tuned-process.js";

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
/** The commands that handle images run in a child tuned for their memory (pipeline/tuned-process.ts). */
const IMAGE_COMMANDS = new Set(["run", "preview", "render", "demo"]);
const wanted = IMAGE_COMMANDS.has(argv[0] ?? "") && !argv.includes("--help") && !argv.includes("-h");
process.exitCode = await runTuned({ wanted, entry: process.argv[1]!, args: argv, work: () => main(argv) });
