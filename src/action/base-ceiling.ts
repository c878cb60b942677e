import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { SeedlockError } from "../errors.js";
import { NullLogger } from "../logger.js";
import { loadManifest } from "../manifest/load.js";
import { formatUsd, MARKDOWN } from "../money.js";
import { show, topLevel, type Git } from "./git.js";
import type { ActionSettings } from "./settings.js";

/** What the base branch says about the budget of the manifest a pull request runs. */
export type BaseBudget =
  | { kind: "manifest"; maxUsd: number; where: string }
  | { kind: "none"; where: string }
  | { kind: "unreadable"; where: string; why: string };

/** The ceiling a pull request runs under, and what its comment should say about it. */
export interface PullRequestCeiling {
  settings: ActionSettings;
  /** The ceiling's name as the failure sentence says it, when the base branch set it. */
  ceilingName?: string;
  /** Said in the comment and as a notice: the pull request raised the ceiling, or nothing caps it. */
  note?: string;
}

const SPENDS = new Set(["run", "preview", "render"]);

/**
 * Reads `budget.maxUsd` of the manifest as the base branch has it, with the normal loader. The base
 * commit may be missing from a shallow merge checkout, so it is fetched by its id first.
 */
export async function readBaseBudget(git: Git, manifestPath: string, baseSha: string, baseRef: string): Promise<BaseBudget> {
  let path: string;
  try {
    // git answers with the real path of the work tree; the workspace may be reached through a symlink.
    const real = await realpath(dirname(manifestPath)).then((dir) => join(dir, basename(manifestPath)), () => manifestPath);
    path = relative(await topLevel(git), real).split(sep).join("/");
  } catch {
    return { kind: "unreadable", where: baseRef || baseSha, why: "the workspace is not a git repository" };
  }
  const where = `${baseRef || baseSha.slice(0, 7)}:${path}`;
  if (!/^[0-9a-f]{40,64}$/i.test(baseSha)) return { kind: "unreadable", where, why: "the event payload names no base commit" };
  const present = await git.exec(["cat-file", "-e", `${baseSha}^{commit}`], { allowFailure: true });
  if (present.code !== 0) {
    const fetched = await git.exec(["fetch", "--quiet", "--no-tags", "--depth=1", "origin", baseSha], { allowFailure: true });
    if (fetched.code !== 0) return { kind: "unreadable", where, why: `the base commit ${baseSha.slice(0, 7)} could not be fetched` };
  }
  const text = await show(git, baseSha, path);
  if (text === null) return { kind: "none", where };
  const dir = await mkdtemp(join(tmpdir(), "seedlock-base-"));
  try {
    const file = join(dir, "assets.yaml");
    await writeFile(file, text);
    const manifest = await loadManifest(file, { displayPath: where, logger: new NullLogger() });
    return { kind: "manifest", maxUsd: manifest.budget.maxUsd, where };
  } catch (err) {
    if (!(err instanceof SeedlockError)) throw err;
    return { kind: "unreadable", where, why: `it cannot be used as it is (${err.message.split("\n")[0]})` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * On a pull request the manifest is the pull request's: its ceiling is the lower of the workflow's
 * max-budget-usd and the base branch's budget.maxUsd. With neither, nothing trusted caps the spend,
 * so a command that would spend plans instead (no model call), and says why.
 */
export function pullRequestCeiling(settings: ActionSettings, base: BaseBudget, headMaxUsd: number | undefined): PullRequestCeiling {
  const workflow = settings.core.maxBudgetUsd;
  const baseUsd = base.kind === "manifest" ? base.maxUsd : undefined;
  if (workflow === undefined && baseUsd === undefined) {
    if (!SPENDS.has(settings.core.command)) return { settings };
    const why = base.kind === "unreadable" ? `${base.where} could not be read: ${base.why}` : `${base.where} does not exist on the base branch`;
    const fallback =
      `this pull request's manifest sets its own budget, and nothing trusted caps it: the workflow gives no max-budget-usd and ${why}; ` +
      `so seedlock plans only (no model call). Set max-budget-usd in the workflow to preview pull requests`;
    return { settings: { ...settings, core: { ...settings.core, command: "plan" }, fallback }, note: fallback };
  }
  const ceiling = Math.min(workflow ?? Infinity, baseUsd ?? Infinity);
  const ceilingName = baseUsd !== undefined && baseUsd < (workflow ?? Infinity) ? `the base branch's budget.maxUsd (${formatUsd(ceiling, MARKDOWN)})` : undefined;
  // Said only when the pull request itself asks for more than the base branch allowed (or, with no
  // base manifest, more than the workflow does): a manifest always above max-budget-usd is not news.
  let note: string | undefined;
  const cap = `On a pull request seedlock spends at most ${formatUsd(ceiling, MARKDOWN)}, the lower of the workflow's max-budget-usd and the base branch's budget.maxUsd; the new budget applies once it is merged.`;
  if (headMaxUsd !== undefined && baseUsd !== undefined && headMaxUsd > baseUsd + 1e-9) {
    note = `This pull request raises budget.maxUsd from ${formatUsd(baseUsd, MARKDOWN)} (${base.where}) to ${formatUsd(headMaxUsd, MARKDOWN)}. ${cap}`;
  } else if (headMaxUsd !== undefined && baseUsd === undefined && headMaxUsd > ceiling + 1e-9) {
    note = `This pull request's manifest sets budget.maxUsd to ${formatUsd(headMaxUsd, MARKDOWN)}, and the base branch has none. ${cap}`;
  }
  return { settings: { ...settings, core: { ...settings.core, maxBudgetUsd: ceiling } }, ...(ceilingName ? { ceilingName } : {}), ...(note ? { note } : {}) };
}
