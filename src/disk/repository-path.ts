import { closeSync, constants, type Stats, fstatSync, lstatSync, mkdirSync, openSync, realpathSync } from "node:fs";
import { lstat, mkdir, open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, posix, relative, sep } from "node:path";
import { ExitCode, SeedlockError, WriteRefusedError } from "../errors.js";
import { writeFileAtomic, writeFileAtomicSync, type AtomicWriteOptions } from "./atomic-write.js";

/**
 * The one place that decides whether seedlock may read or write a path of the repository. A path
 * is acceptable when, written relative to the repository root with forward slashes, it has no
 * control character, no component longer than a file name may be (255 bytes), no `.git` component
 * in any case, and does not climb out with `..`; and, at the moment it is used, the real path of
 * its folder (after every symlink) is still inside the repository. Files are opened without
 * following a symlink in their last component, so a symlink planted at a path is never followed.
 */

/** Bytes a file or folder name may take on the file systems seedlock runs on. */
export const MAX_NAME_BYTES = 255;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A control character written so a user can see it: `\n`, `\t`, `\u001b`. */
export function showControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ({ "\n": "\\n", "\t": "\\t", "\r": "\\r" })[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * What is wrong with `path` (relative to the repository, forward slashes) on its own, as the end
 * of a sentence whose subject is the path; undefined when nothing is.
 */
export function repositoryPathProblem(path: string): string | undefined {
  if (path === "") return "is empty";
  const control = CONTROL.exec(path);
  if (control) return `holds the control character ${showControl(control[0])}; file names in a repository must not`;
  if (isAbsolute(path) || path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is an absolute path; it must stay inside the repository";
  if (path.includes("\\")) return "uses backslashes; separate folders with forward slashes";
  const normal = posix.normalize(path);
  if (normal === ".." || normal.startsWith("../")) return "climbs out of the repository with '..'";
  for (const part of path.split("/")) {
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) return `has a name of ${Buffer.byteLength(part)} bytes (${part.slice(0, 24)}…); file systems take at most ${MAX_NAME_BYTES}`;
    // macOS and Windows runners see `.GIT` and `.git.` as the `.git` folder itself.
    if (part.replace(/[. ]+$/, "").toLowerCase() === ".git" || /^git~\d+$/i.test(part)) return "points inside .git (in any letter case); git's own files are never written or read";
  }
  return undefined;
}

/** A path that may not be read, for the reason given (exit 2: the input that named it must change). */
export class PathRefusedError extends SeedlockError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message, ExitCode.invalidInput);
  }
}

/**
 * The repository (or another trusted folder, such as a --report-dir) as the boundary of every
 * read and write. Paths are given absolute or relative to `root`.
 */
export class RepositoryFolder {
  private realRootCache: string | undefined;
  /** Real paths of folders already proven inside during this run; checked again before each write. */
  private readonly provenFolders = new Set<string>();

  constructor(readonly root: string) {}

  /** The repository-relative form of `path`, forward slashes. */
  relative(path: string): string {
    return (isAbsolute(path) ? relative(this.root, path) : path).split(sep).join("/");
  }

  /** `path` made absolute, after the lexical checks; throws PathRefusedError naming `shown`. */
  absolute(path: string, shown = this.relative(path)): string {
    const rel = this.relative(path);
    const problem = repositoryPathProblem(rel);
    if (problem) throw new PathRefusedError(`${shown} ${problem}`, shown);
    return join(this.root, rel);
  }

  private realRoot(): string {
    if (this.realRootCache !== undefined) return this.realRootCache;
    try {
      return (this.realRootCache = realpathSync.native(this.root));
    } catch {
      // Not made yet (a report folder): where it would be, without remembering it.
      return realOf(this.root);
    }
  }

  private contains(real: string): boolean {
    const root = this.realRoot();
    return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
  }

  /**
   * Where the folder `absoluteFolder` really is, following symlinks through its deepest existing
   * part: undefined when inside the repository, else the place outside it.
   */
  escapeOf(absoluteFolder: string): string | undefined {
    let real: string;
    try {
      real = realOf(absoluteFolder);
    } catch (error) {
      // A symlink loop or an unreadable folder on the way: refused like a way out.
      return `${absoluteFolder} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`;
    }
    return this.contains(real) ? undefined : real;
  }

  /**
   * Just before a write: `path` made absolute after the lexical checks, its folder made, and the
   * real place of that folder proven inside (before and after making it). Throws PathRefusedError
   * or WriteRefusedError naming the path.
   */
  prepareWriteSync(path: string): string {
    const file = this.absolute(path);
    const shown = this.relative(file);
    const folder = dirname(file);
    const outside = this.escapeOf(folder);
    if (outside) throw leadsOut(shown, outside);
    mkdirSync(folder, { recursive: true });
    // Made now: check again, a symlink may have been put in place while the folders were made.
    const again = this.escapeOf(folder);
    if (again) throw leadsOut(shown, again);
    return file;
  }

  async prepareWrite(path: string): Promise<string> {
    const file = this.absolute(path);
    const shown = this.relative(file);
    const folder = dirname(file);
    const outside = this.escapeOf(folder);
    if (outside) throw leadsOut(shown, outside);
    await mkdir(folder, { recursive: true });
    const again = this.escapeOf(folder);
    if (again) throw leadsOut(shown, again);
    return file;
  }

  /**
   * Writes `data` at `path` the atomic way (atomic-write.ts), once the path and its folder are
   * proven inside: readers never see half a file, and a symlink standing at `path` is replaced, not followed.
   */
  async writeFile(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<string> {
    const file = await this.prepareWrite(path);
    await writeFileAtomic(file, data, options);
    return file;
  }

  /** The same, synchronously: for answers that must be on disk before anything else runs. */
  writeFileSync(path: string, data: string | Uint8Array): string {
    const file = this.prepareWriteSync(path);
    writeFileAtomicSync(file, data);
    return file;
  }

  /**
   * Throws WriteRefusedError when the folder `path` (existing or not) leads out of the repository;
   * `file`: the file to be written there, which the message then names.
   */
  checkFolder(path: string, file?: string): void {
    const folder = isAbsolute(path) ? path : join(this.root, path);
    const outside = this.escapeOf(folder);
    if (outside) throw leadsOut(file ? this.relative(file) : `${this.relative(folder)}/`, outside);
  }

  /** Makes the folder `path` (with its parents) once its real place is known to be inside. */
  async makeFolder(path: string): Promise<string> {
    const folder = this.absolute(path);
    const outside = this.escapeOf(folder);
    if (outside) throw leadsOut(`${this.relative(folder)}/`, outside);
    await mkdir(folder, { recursive: true });
    const again = this.escapeOf(folder);
    if (again) throw leadsOut(`${this.relative(folder)}/`, again);
    return folder;
  }

  /**
   * Reads the file at `path`; refused (PathRefusedError) when it is, or leads through, a symlink
   * to a place outside. A symlink that stays inside is followed: the real file is read.
   */
  async readFile(path: string): Promise<Buffer> {
    const real = await this.realFile(path);
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** The real path of the file at `path` after the checks, for a reader that opens it itself. */
  async realFile(path: string): Promise<string> {
    const file = this.absolute(path);
    const real = await realpath(file);
    if (!this.contains(real)) {
      const shown = this.relative(file);
      throw new PathRefusedError(`${shown} leads out of the repository through a symlink (to ${real}); seedlock reads no file outside it`, shown);
    }
    return real;
  }

  /**
   * Opens the file at `path` for reading, or returns undefined when it is missing, a symlink, not
   * a regular file, or in a folder whose real place is outside: what a hash of an output needs.
   * Folder verdicts are remembered, so thousands of outputs in one folder cost one check.
   */
  openRegularSync(path: string): { fd: number; info: Stats } | undefined {
    let file: string;
    try {
      file = this.absolute(path);
    } catch {
      return undefined;
    }
    const folder = dirname(file);
    if (!this.provenFolders.has(folder)) {
      if (this.escapeOf(folder) !== undefined) return undefined;
      this.provenFolders.add(folder);
    }
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return undefined;
    }
    const info = fstatSync(fd);
    if (!info.isFile()) {
      closeSync(fd);
      return undefined;
    }
    return { fd, info };
  }

  /** Whether `path` is a regular file (not a symlink) in a folder really inside: one openRegularSync would open. */
  holdsRegularFile(path: string): boolean {
    const opened = this.openRegularSync(path);
    if (opened) closeSync(opened.fd);
    return opened !== undefined;
  }

  /** Whether a file or symlink stands at `path` (without following it). */
  async holds(path: string): Promise<boolean> {
    return lstat(this.absolute(path)).then(
      () => true,
      () => false,
    );
  }
}

/** A path as a user would type it from the working directory. */
export function displayPathFor(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** The real path of `path`: its deepest existing part with every symlink resolved, then the parts still to be made. */
function realOf(path: string): string {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      lstatSync(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.unshift(existing.slice(parent.length).replace(/^[\\/]+/, ""));
      existing = parent;
    }
  }
  return join(realpathSync.native(existing), ...rest);
}

function leadsOut(shown: string, outside: string): WriteRefusedError {
  return new WriteRefusedError(
    `cannot write ${shown}: a symlink on the way leads out of the repository (to ${outside}); replace the symlink with a real folder inside the repository`,
    shown,
  );
}
