/** Input, output and state names, as action.yml spells them; nothing else repeats these strings. */

export const Input = {
  command: "command",
  manifest: "manifest",
  apiKey: "api-key",
  githubToken: "github-token",
  maxBudgetUsd: "max-budget-usd",
  baseUrl: "base-url",
  commit: "commit",
  commitMessage: "commit-message",
  comment: "comment",
  shard: "shard",
  shards: "shards",
  reports: "reports",
  batch: "batch",
  wait: "wait-minutes",
  allowPullRequestTarget: "allow-pull-request-target",
  allowLowerPrices: "allow-lower-prices",
  overwriteUntracked: "overwrite-untracked",
} as const;

export const Output = {
  spentUsd: "spent-usd",
  estimatedUsd: "estimated-usd",
  drafts: "drafts",
  accepted: "accepted",
  rendered: "rendered",
  acceptRate: "accept-rate",
  costPerAcceptedUsd: "cost-per-accepted-usd",
  changedAssets: "changed-assets",
  report: "report",
  reportJson: "report-json",
  matrix: "matrix",
} as const;

/** What main leaves for the post step (core.saveState); the post step reads nothing else. */
export const State = {
  landing: "landing",
  finished: "finished",
} as const;

/** The committer of every commit seedlock makes, as GitHub's own Actions bot. */
export const BOT = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
} as const;

/** Branch that holds contact sheets for pull-request comments. */
export const PREVIEWS_BRANCH = "seedlock-previews";

/** Hidden marker that identifies seedlock's sticky comment on a pull request. */
export const COMMENT_MARKER = "<!-- seedlock:preview -->";
