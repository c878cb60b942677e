import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { RepositoryFolder } from "../disk/repository-path.js";
import type { Manifest } from "../manifest/spec.js";
import type { ImageResult, RejectionReason } from "../provider/provider.js";
import { extensionFor, journalFolder, mimeTypeOf } from "../disk/folders.js";

/**
 * Answers are paid for the moment they arrive, but screening, post-processing and the lockfile
 * write take a while longer. So each answer is first put down here, synchronously, before
 * anything else happens to it; once its verdict or output is in the lockfile the file is dropped. A run killed in between leaves the answer here, and the next run
 * screens or renders it from the file instead of paying for its seed again.
 *
 * Files live in `.seedlock/drafts/<id>/incoming/` and carry in their name what the lockfile
 * would have said: which inputs they answer (a prefix of the inputHash), the seed, whether it
 * was a draft or a final, how many regenerations it took and what it cost.
 */

export type AnswerKind = "draft" | "final";

export interface JournalEntry {
  kind: AnswerKind;
  seed: number;
  regenerated: number;
  costUsd: number;
  path: string;
  /** What was answered, rebuilt from the file. */
  result(): Promise<ImageResult>;
}

const NAME = /^(draft|final)-([0-9a-f]{12})-(\d+)-(\d+)-(\d+)\.(jpg|png|webp|blocked)$/;

export class AnswerJournal {
  readonly dir: string;
  private readonly hash: string;

  constructor(
    manifest: Manifest,
    assetId: string,
    inputHash: string,
    /** Answers are written through it: a symlinked .seedlock/ cannot send them out of the repository. */
    private readonly repository = new RepositoryFolder(manifest.root),
  ) {
    this.dir = journalFolder(manifest, assetId);
    this.hash = inputHash.replace(/^sha256:/, "").slice(0, 12).padEnd(12, "0");
  }

  /** Writes the answer at once (synchronously: nothing may run before it is down). */
  keep(kind: AnswerKind, seed: number, result: ImageResult, costUsd: number, regenerated: number): string {
    const cost = Math.round(costUsd * 1e9);
    const extension = result.kind === "image" ? extensionFor(result.image.mimeType) : "blocked";
    const path = join(this.dir, `${kind}-${this.hash}-${seed}-${regenerated}-${cost}.${extension}`);
    const data = result.kind === "image" ? result.image.data : JSON.stringify({ reason: result.reason, message: result.message });
    // Under a temporary name first, so that a file with a journal name is always whole.
    return this.repository.writeFileSync(path, data);
  }

  /** Best effort: an answer left behind is recognised as recorded by the next run and removed then. */
  async drop(path: string): Promise<void> {
    await rm(path, { force: true }).catch(() => {});
  }

  /** Answers a killed run received for these inputs but never recorded; answers to old inputs are removed. */
  async pending(): Promise<JournalEntry[]> {
    // Files here are deleted: never through a symlink into a folder outside the repository.
    this.repository.checkFolder(this.dir);
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const entries: JournalEntry[] = [];
    for (const name of names) {
      const m = NAME.exec(name);
      const path = join(this.dir, name);
      if (!m || m[2] !== this.hash) {
        // Half-written temporary files and answers to inputs that changed since are worth nothing now.
        await rm(path, { force: true });
        continue;
      }
      const extension = m[6]!;
      entries.push({
        kind: m[1] as AnswerKind,
        seed: Number(m[3]),
        regenerated: Number(m[4]),
        costUsd: Number(m[5]) / 1e9,
        path,
        result: async () => {
          const data = await this.repository.readFile(path);
          if (extension === "blocked") {
            const { reason, message } = JSON.parse(data.toString("utf8")) as { reason: RejectionReason; message: string };
            return { kind: "rejected", reason, message, usage: {}, costUsd: 0 };
          }
          return { kind: "image", image: { mimeType: mimeTypeOf(path), data }, usage: {}, costUsd: 0 };
        },
      });
    }
    // A seed regenerated after an undecodable answer has two files: the later answer is the one that counts.
    const latest = new Map<string, JournalEntry>();
    for (const entry of entries) {
      const key = `${entry.kind}:${entry.seed}`;
      const other = latest.get(key);
      if (!other || entry.regenerated > other.regenerated) {
        if (other) await rm(other.path, { force: true });
        latest.set(key, entry);
      } else {
        await rm(entry.path, { force: true });
      }
    }
    return [...latest.values()].sort((a, b) => a.seed - b.seed);
  }
}
