import { ExitCode } from "../errors.js";
import { inputHash } from "../lock/hash.js";
import type { Lockfile } from "../lock/types.js";
import type { Manifest } from "../manifest/spec.js";
import { OutputHashes } from "../plan/output-hashes.js";
import { measureOutputs } from "../plan/plan.js";
import { untouchedAsset, type AssetReport, type RunReport } from "../run-report.js";

/**
 * `seedlock verify`: the outputs on disk are the ones the lockfile records (same sha256), and the
 * lockfile is in step with the manifest. A mismatch is drift (exit 6, apart from invalid input's 2,
 * so a script can tell "the tree changed" from "the command was wrong"); the message names every file and asset at fault.
 */
export async function verifyOutputs(manifest: Manifest, lock: Lockfile, ceilingUsd: number): Promise<RunReport & { problems: string[] }> {
  const problems: string[] = [];
  const assets: AssetReport[] = [];
  // Every file read afresh: verify trusts no cache of what it is checking.
  const hashes = await OutputHashes.open(undefined);
  for (const spec of manifest.assets) {
    const entry = lock.assets[spec.id];
    const report: AssetReport = untouchedAsset(spec.id, "unchanged");
    assets.push(report);
    if (!entry) {
      problems.push(`${spec.id}: not in the lockfile; run \`seedlock run\` to generate it`);
      report.status = "planned";
      continue;
    }
    if (entry.inputHash !== inputHash(spec, manifest)) {
      problems.push(`${spec.id}: the manifest changed since its outputs were generated; run \`seedlock run\``);
      report.status = "planned";
    }
    for (const { output, sha256: actual } of measureOutputs(entry.outputs, manifest.root, hashes)) {
      report.outputs.push(output.path);
      if (actual === undefined) problems.push(`${output.path}: missing (asset ${spec.id}, seed ${output.seed})`);
      else if (actual !== output.sha256) problems.push(`${output.path}: differs from the lockfile (sha256 ${actual.slice(0, 12)}…, locked ${output.sha256.slice(0, 12)}…)`);
    }
    if (entry.outputs.length < spec.count) {
      problems.push(`${spec.id}: ${entry.outputs.length} of ${spec.count} outputs; run \`seedlock run\` to finish it`);
      report.status = "planned";
    }
  }
  return {
    command: "verify",
    spentUsd: 0,
    estimatedUsd: 0,
    ceilingUsd,
    drafts: 0,
    accepted: 0,
    rendered: 0,
    rejectedDrafts: 0,
    acceptRate: null,
    regenRate: null,
    costPerImageUsd: null,
    costPerAcceptedDraftUsd: null,
    changedAssets: [],
    assets,
    exitCode: problems.length ? ExitCode.drift : ExitCode.ok,
    ...(problems.length ? { message: `${problems.length} output${problems.length === 1 ? "" : "s"} or asset${problems.length === 1 ? "" : "s"} out of step with the lockfile:\n  ${problems.join("\n  ")}` } : {}),
    problems,
  };
}
