import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

// src/lock/stats.ts
function lockStats(assets) {
  const stats = { drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0, spentUsd: 0 };
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
  stats.spentUsd = Math.round(stats.spentUsd * 1e6) / 1e6;
  return stats;
}

export {
  lockStats
};
