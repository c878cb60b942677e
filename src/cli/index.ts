#!/usr/bin/env node
import { main, registerCommand } from "./main.js";

registerCommand("plan", async () => (await import("./plan.js")).planCommand);

const code = await main(process.argv.slice(2));
process.exitCode = code;
