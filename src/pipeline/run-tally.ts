/** What one asset tells the run as it happens; the run adds it up. */
export type TallyEvent = "drafted" | "accepted" | "rejected" | "regenerated" | "rendered";

/** The run's verdicts so far, which each asset's accept rate leans on. */
export interface RunVerdicts {
  readonly accepted: number;
  readonly rejected: number;
}

/** Counts across every asset, for progress while the run goes and for the report after it. */
export class RunTally implements RunVerdicts {
  private counts = { drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0 };

  /** `drafts`: drafts already answered before the run sends anything (collected from batch jobs). */
  constructor(drafts = 0) {
    this.counts.drafts = drafts;
  }

  get drafts(): number {
    return this.counts.drafts;
  }
  get accepted(): number {
    return this.counts.accepted;
  }
  get rejected(): number {
    return this.counts.rejected;
  }
  get regenerated(): number {
    return this.counts.regenerated;
  }
  get rendered(): number {
    return this.counts.rendered;
  }

  add(event: TallyEvent): void {
    this.counts[event === "drafted" ? "drafts" : event]++;
  }
}
