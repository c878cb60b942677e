import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  mergeLockfiles
} from "./chunk-RLA37S77.js";
import {
  emptyLockfile,
  lockPathFor,
  parseLockfile,
  writeLockfile
} from "./chunk-YPSSUEOW.js";
import "./chunk-4XIAYHCN.js";
import {
  ExitCode,
  InputError
} from "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/merge-lock.ts
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { promisify } from "node:util";
var git = promisify(execFile);
var mergeLockCommand = {
  summary: "merge a conflicted lockfile asset by asset, by hand or as git's merge driver (%O %A %B)",
  takesArguments: true,
  usage: "[BASE OURS THEIRS]",
  details: [
    "Without files: run it in a merge or rebase that stopped on assets.lock.yaml; it merges the three versions git holds and writes the lockfile, ready for `git add`.",
    'As a merge driver: `git config merge.seedlock-lock.driver "npx seedlock merge-lock %O %A %B"` and the line `assets.lock.yaml merge=seedlock-lock` in .gitattributes.'
  ],
  options: {},
  async run(ctx) {
    const files = ctx.positionals;
    if (files.length !== 0 && files.length !== 3) {
      throw new InputError([{ message: `merge-lock takes three files (BASE OURS THEIRS) or none, not ${files.length}`, fix: "as a git merge driver pass %O %A %B; by hand, run it with no files during the merge" }]);
    }
    if (files.length === 3) {
      const [base2, ours2, theirs2] = files.map((f) => resolve(ctx.cwd, f));
      const merged2 = mergeLockfiles(await readSide(base2, files[0]), await readSide(ours2, files[1]), await readSide(theirs2, files[2]));
      await writeLockfile(ours2, merged2);
      return ExitCode.ok;
    }
    const lockPath = lockPathFor(resolve(ctx.cwd, String(ctx.values.manifest ?? "assets.yaml")));
    const shown = relative(ctx.cwd, lockPath) || lockPath;
    const [base, ours, theirs] = await Promise.all([1, 2, 3].map((stage) => fromIndex(lockPath, stage, shown)));
    const merged = mergeLockfiles(base, ours, theirs);
    await writeLockfile(lockPath, merged);
    ctx.logger.info(`merged ${shown} asset by asset (${Object.keys(merged.assets).length} assets); check it and \`git add ${shown}\``);
    return ExitCode.ok;
  }
};
async function readSide(path, shown) {
  const text = await readFile(path, "utf8").catch((error) => {
    if (error.code === "ENOENT") return "";
    throw new InputError([{ message: `${shown}: cannot be read (${error.code ?? error.message})` }]);
  });
  return readSideText(text, shown);
}
async function fromIndex(lockPath, stage, shown) {
  const cwd = dirname(lockPath);
  let text;
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
    throw new InputError([{ message: `could not read git's versions of ${shown}: ${String(error.message).split("\n")[0]}`, fix: "run it inside the repository, during the merge" }]);
  }
  return readSideText(text, `${shown} (${["", "base", "ours", "theirs"][stage]})`);
}
function readSideText(text, shown) {
  return text.trim() === "" ? emptyLockfile() : parseLockfile(text, shown);
}
export {
  mergeLockCommand
};
