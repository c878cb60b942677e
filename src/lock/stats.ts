import type { AssetLock, LockStats } from "./types.js";
import { roundUsd } from "../money.js";

/**
 * Run statistics as the lockfile's entries imply them: every seed record is one draft call
 * (plus its regenerations), accepted counts drafts that passed screening, rendered counts finals.
 */
export function lockStats(assets: Record<string, AssetLock>): LockStats {
  const stats: LockStats = { drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0, spentUsd: 0 };
  for (const entry of Object.values(assets)) {
    for (const seed of entry.seeds) {
      stats.drafts++;
      stats.regenerated += seed.regenerated ?? 0;
      if (seed.status === "accepted" || seed.status === "rendered") stats.accepted++;
      if (seed.status === "rejected") stats.rejected++;
      if (seed.status === "rendered") stats.rendered++;
    }
    stats.spentUsd += entry.spentUsd;
  }
  stats.spentUsd = roundUsd(stats.spentUsd);
  return stats;
}
