import { describe, expect, it } from "vitest";
import { COMMENT_LIMIT, reviewCommentBody } from "../../src/action/review-comment.js";
import type { ReviewState } from "../../src/action/review.js";
import { applyCommands, parseCommands } from "../../src/action/verdicts.js";

function state(part: string, assets: Record<string, number>, shard?: string): ReviewState {
  return {
    version: 1,
    pullRequest: 7,
    manifest: "assets.yaml",
    part,
    ...(shard ? { shard } : {}),
    headSha: "c0ffee".padEnd(40, "0"),
    updatedAt: "2026-12-01T10:00:00.000Z",
    section: { command: "preview", spentUsd: 0.1, drafts: 3, accepted: 3, ceilingUsd: 1, mergeUsd: 0.2, rows: [], sheets: {}, changedSinceReview: [] },
    assets: Object.fromEntries(
      Object.entries(assets).map(([id, n]) => [
        id,
        {
          inputHash: "sha256:x",
          prompt: "p",
          count: 1,
          lock: { inputHash: "sha256:x", prompt: "p", models: { draft: "d", final: "f" }, seeds: [], outputs: [], spentUsd: 0 },
          drafts: Array.from({ length: n }, (_, i) => ({ n: i + 1, seed: 100 + i, file: `pr-7/${part}/drafts/${id}/${100 + i}.jpg`, verdict: "approved" as const })),
        },
      ]),
    ),
    verdicts: [],
  };
}

describe("/seedlock commands", () => {
  it("reads approve, reject and reroll lines and names what it cannot read", () => {
    const { commands, problems } = parseCommands("Nice!\n/seedlock approve dunes 1 4\r\n  /seedlock reject tide 2\n/seedlock reroll sky\n/seedlock shred dunes\n/seedlockish\n");
    expect(commands.map((c) => [c.verb, c.asset, "drafts" in c ? c.drafts : []])).toEqual([
      ["approve", "dunes", [1, 4]],
      ["reject", "tide", [2]],
      ["reroll", "sky", []],
    ]);
    expect(problems).toEqual([expect.stringContaining("`/seedlock shred dunes` is not a command seedlock knows")]);
  });

  it("approve ships exactly the drafts named; a draft number the asset lacks changes nothing", () => {
    const s = state("all", { dunes: 4 });
    const { commands } = parseCommands("/seedlock approve dunes 2 4\n/seedlock reject dunes 9");
    const applied = applyCommands([s], commands, "octo-maintainer", "2026-12-01T10:01:00Z");
    expect(s.assets.dunes!.drafts.map((d) => [d.n, d.verdict, d.by])).toEqual([
      [1, "rejected", "octo-maintainer"],
      [2, "approved", "octo-maintainer"],
      [3, "rejected", "octo-maintainer"],
      [4, "approved", "octo-maintainer"],
    ]);
    expect(applied.problems).toEqual([expect.stringContaining("`dunes` has no draft 9 (it has 1, 2, 3, 4)")]);
    expect(s.verdicts).toEqual([{ at: "2026-12-01T10:01:00Z", by: "octo-maintainer", command: "/seedlock approve dunes 2 4" }]);
  });
});

describe("the review comment", () => {
  it("stays under GitHub's limit by dropping images, then folding sections into the report link", () => {
    const parts = Array.from({ length: 40 }, (_, i) => state(`shard-${i + 1}-of-40`, Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`asset-${i}-${k}`, 3])), `${i + 1}/40`));
    const facts = { marker: "<!-- seedlock:preview -->", manifest: "assets.yaml", rawBase: "http://git.example/octo/site/raw/abc/", headSha: "c0ffee0", runUrl: "http://git.example/run/1", notes: [] };
    const full = reviewCommentBody(parts, facts, Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
    const body = reviewCommentBody(parts, facts);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).not.toContain("<img");
    expect(body).toMatch(/…and \d+ more sections: see the \[report\]\(http:\/\/git\.example\/run\/1\)/);
    expect(body).toContain("(40 of 40 shards reported)");
    expect(body).toContain("This preview spent $4.00 on 120 drafts");
  });
});
