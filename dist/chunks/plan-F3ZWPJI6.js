import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  ceilingUsd,
  formatUsd,
  overBudgetMessage,
  parseMaxBudgetUsd,
  planReport,
  planRun,
  renderPlan
} from "./chunk-EMGX7NSF.js";
import {
  loadManifest,
  lockPathFor,
  readLockfile
} from "./chunk-RN5VCRI4.js";
import "./chunk-B26JENO5.js";
import {
  ExitCode
} from "./chunk-RUZPBMFR.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/plan.ts
import { normalize, resolve } from "node:path";
var planCommand = {
  summary: "estimate the spend of the manifest's changes before any call (no network)",
  options: {},
  async run(ctx) {
    const flagMaxUsd = parseMaxBudgetUsd(ctx.values["max-budget-usd"]);
    const typed = normalize(ctx.values.manifest ?? "assets.yaml");
    const manifest = await loadManifest(resolve(ctx.cwd, typed), { logger: ctx.logger, displayPath: typed });
    const lock = await readLockfile(lockPathFor(manifest.file), { displayPath: lockPathFor(typed) });
    const plan = await planRun(manifest, lock);
    const usd = ceilingUsd(manifest, flagMaxUsd);
    const ceiling = {
      usd,
      source: flagMaxUsd !== void 0 && flagMaxUsd < manifest.budget.maxUsd ? "--max-budget-usd" : "budget.maxUsd",
      ...manifest.budget.warnUsd !== void 0 ? { warnUsd: manifest.budget.warnUsd } : {}
    };
    if (ctx.values.json) ctx.stdout.write(`${JSON.stringify(planReport(plan, ceiling, manifest.displayFile))}
`);
    else ctx.stdout.write(`${renderPlan(plan, ceiling, manifest.displayFile)}
`);
    if (plan.estimatedUsd > ceiling.usd) {
      ctx.logger.error(overBudgetMessage(plan, ceiling));
      return ExitCode.budgetExceeded;
    }
    if (ceiling.warnUsd !== void 0 && plan.estimatedUsd > ceiling.warnUsd) {
      ctx.logger.warn(`the estimate ${formatUsd(plan.estimatedUsd)} is above budget.warnUsd (${formatUsd(ceiling.warnUsd)})`);
    }
    return 0;
  }
};
export {
  planCommand
};
