import { extname, join } from "node:path";
import type { RunReport } from "../run-report.js";
import { PREVIEWS_BRANCH } from "./constants.js";
import { landCommit, type Git } from "./git.js";

export interface PreviewsTarget {
  pullRequest: number;
  headSha: string;
  serverUrl: string;
  owner: string;
  repo: string;
}

/**
 * Pushes the run's contact sheets to the previews branch, one folder per pull request replaced on
 * every run, and returns a URL per asset pinned to the commit so a comment never shows stale images.
 */
export async function pushContactSheets(git: Git, report: RunReport, target: PreviewsTarget): Promise<Map<string, string>> {
  const images = new Map<string, string>();
  if (!report.reportDir) return images;
  const folder = `pr-${target.pullRequest}`;
  const sheets = report.assets
    .filter((a) => a.contactSheet)
    .map((a) => ({ id: a.id, path: `${folder}/${a.id}${extname(a.contactSheet!) || ".png"}`, source: join(report.reportDir!, a.contactSheet!) }));
  if (!sheets.length) return images;

  const landed = await landCommit(git, {
    branch: PREVIEWS_BRANCH,
    startedFrom: null,
    message: `seedlock previews for #${target.pullRequest} at ${target.headSha.slice(0, 7)}`,
    files: sheets.map((s) => ({ path: s.path, source: s.source })),
    replaceFolder: folder,
  });
  const commit = landed.commit ?? landed.tip;
  if (!commit) return images;
  for (const s of sheets) images.set(s.id, `${target.serverUrl}/${target.owner}/${target.repo}/raw/${commit}/${s.path}`);
  return images;
}
