import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { ExitCode, InputError } from "../errors.js";
import { lockPathFor, parseLockfile, writeLockfile } from "../lock/file.js";
import { mergeLockfiles } from "../lock/merge.js";
import { emptyLockfile, type Lockfile } from "../lock/types.js";
import type { Command } from "./command.js";

const git = promisify(execFile);

/**
 * `seedlock merge-lock [BASE OURS THEIRS]`: a three-way merge of lockfiles, asset by asset, so two
 * runs that both paid for images keep every seed. With three files it is git's merge driver
 * (`%O %A %B`: writes the result over OURS). With none it resolves the conflicted lockfile beside
 * the manifest from the three versions git keeps in its index during a merge or rebase.
 */
export const mergeLockCommand: Command = {
  summary: "merge a conflicted lockfile asset by asset, by hand or as git's merge driver (%O %A %B)",
  takesArguments: true,
  usage: "[BASE OURS THEIRS]",
  details: [
    "Without files: run it in a merge or rebase that stopped on assets.lock.yaml; it merges the three versions git holds and writes the lockfile, ready for `git add`.",
    'As a merge driver: `git config merge.seedlock-lock.driver "npx seedlock merge-lock %O %A %B"` and the line `assets.lock.yaml merge=seedlock-lock` in .gitattributes.',
  ],
  options: {},
  async run(ctx) {
    const files = ctx.positionals;
    if (files.length !== 0 && files.length !== 3) {
      throw new InputError([{ message: `merge-lock takes three files (BASE OURS THEIRS) or none, not ${files.length}`, fix: "as a git merge driver pass %O %A %B; by hand, run it with no files during the merge" }]);
    }
    if (files.length === 3) {
      const [base, ours, theirs] = files.map((f) => resolve(ctx.cwd, f)) as [string, string, string];
      const merged = mergeLockfiles(await readSide(base, files[0]!), await readSide(ours, files[1]!), await readSide(theirs, files[2]!));
      await writeLockfile(ours, merged);
      return ExitCode.ok;
    }
    const lockPath = lockPathFor(resolve(ctx.cwd, String(ctx.values.manifest ?? "assets.yaml")));
    const shown = relative(ctx.cwd, lockPath) || lockPath;
    const [base, ours, theirs] = await Promise.all([1, 2, 3].map((stage) => fromIndex(lockPath, stage, shown)));
    const merged = mergeLockfiles(base!, ours!, theirs!);
    await writeLockfile(lockPath, merged);
    ctx.logger.info(`merged ${shown} asset by asset (${Object.keys(merged.assets).length} assets); check it and \`git add ${shown}\``);
    return ExitCode.ok;
  },
};

async function readSide(path: string, shown: string): Promise<Lockfile> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    // git passes an empty BASE when both sides added the file.
    if (error.code === "ENOENT") return "";
    throw new InputError([{ message: `${shown}: cannot be read (${error.code ?? error.message})` }]);
  });
  return readSideText(text, shown);
}

/** Stage 1 is the common ancestor, 2 ours, 3 theirs; an absent stage (added on one side) is an empty lockfile. */
async function fromIndex(lockPath: string, stage: number, shown: string): Promise<Lockfile> {
  const cwd = dirname(lockPath);
  let text: string;
  try {
    const top = (await git("git", ["rev-parse", "--show-toplevel"], { cwd })).stdout.trim();
    const inRepo = relative(top, lockPath).split("\\").join("/");
    const unmerged = (await git("git", ["ls-files", "-u", "-z", "--", inRepo], { cwd: top })).stdout;
    if (!unmerged) {
      throw new InputError([{ message: `${shown} is not in conflict: git has no three versions of it to merge`, fix: "run merge-lock during a merge or rebase that stopped on the lockfile, or pass BASE OURS THEIRS" }]);
    }
    if (!unmerged.split("\0").some((entry) => new RegExp(`^\\d+ [0-9a-f]+ ${stage}\\t`).test(entry))) return readSideText("", shown);
    text = (await git("git", ["show", `:${stage}:${inRepo}`], { cwd: top, maxBuffer: 1 << 30 })).stdout;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ message: `could not read git's versions of ${shown}: ${String((error as Error).message).split("\n")[0]}`, fix: "run it inside the repository, during the merge" }]);
  }
  return readSideText(text, `${shown} (${["", "base", "ours", "theirs"][stage]})`);
}

function readSideText(text: string, shown: string): Lockfile {
  return text.trim() === "" ? emptyLockfile() : parseLockfile(text, shown);
}
