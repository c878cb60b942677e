import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A git identity and a private HOME, so no machine-wide config leaks into the tests' git. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    GIT_AUTHOR_NAME: "Test Author",
    GIT_AUTHOR_EMAIL: "author@example.test",
    GIT_COMMITTER_NAME: "Test Author",
    GIT_COMMITTER_EMAIL: "author@example.test",
  };
}

export interface Clone {
  dir: string;
  git(...args: string[]): string;
  write(files: Record<string, string | Buffer>): void;
  /** Writes, stages and commits `files`; returns the new commit. */
  commit(files: Record<string, string | Buffer>, message: string): string;
}

/**
 * A repository as the runner sees one: a bare repository on disk as `origin` (standing in for
 * GitHub) and clones of it as work trees.
 */
export class TestRepo {
  readonly origin: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  private constructor(readonly root: string) {
    this.origin = join(root, "origin.git");
    this.home = join(root, "home");
    mkdirSync(this.home, { recursive: true });
    this.env = gitEnv(this.home);
  }

  /** A bare origin whose `main` holds `files` in one commit. */
  static create(files: Record<string, string | Buffer>): TestRepo {
    const repo = new TestRepo(mkdtempSync(join(tmpdir(), "seedlock-repo-")));
    execFileSync("git", ["init", "--quiet", "--bare", "-b", "main", repo.origin], { env: repo.env });
    const seed = repo.clone("seed");
    seed.commit(files, "Add the manifest");
    seed.git("push", "--quiet", "origin", "HEAD:refs/heads/main");
    return repo;
  }

  /** A fresh clone of origin's `main`, checked out on a local `main` as actions/checkout does for a push. */
  clone(name: string): Clone {
    const dir = join(this.root, name);
    execFileSync("git", ["clone", "--quiet", this.origin, dir], { env: this.env, stdio: "pipe" });
    return this.at(dir);
  }

  at(dir: string): Clone {
    const env = this.env;
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] }).trim();
    const write = (files: Record<string, string | Buffer>) => {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    };
    return {
      dir,
      git,
      write,
      commit(files, message) {
        write(files);
        git("add", "--", ...Object.keys(files));
        git("commit", "--quiet", "-m", message);
        return git("rev-parse", "HEAD");
      },
    };
  }

  /** Runs git against the bare origin. */
  originGit(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.origin, env: this.env, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] }).trim();
  }

  /** Files at `rev` on origin that contain `text` (git grep; none is an empty list). */
  filesContaining(rev: string, text: string): string[] {
    const r = spawnSync("git", ["grep", "-l", "-a", "-F", "-e", text, rev], { cwd: this.origin, env: this.env, encoding: "utf8" });
    if (r.status === 1) return [];
    if (r.status !== 0) throw new Error(`git grep failed: ${r.stderr}`);
    return r.stdout.split("\n").filter(Boolean);
  }

  /** Paths one commit on origin touched, as `git show --name-only` lists them. */
  changedPaths(rev: string): string[] {
    return this.originGit("show", "--name-only", "--format=", rev).split("\n").filter(Boolean).sort();
  }

  /**
   * Pushes `files` to a new branch on origin and returns a clone checked out the way
   * actions/checkout does for a pull_request event: detached at a merge of the branch into main.
   */
  pullRequest(branch: string, files: Record<string, string | Buffer>, name: string): { clone: Clone; headSha: string; mergeSha: string } {
    const author = this.clone(`${name}-author`);
    author.git("checkout", "--quiet", "-b", branch);
    const headSha = author.commit(files, `Change ${Object.keys(files).join(", ")}`);
    author.git("push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
    const clone = this.clone(name);
    clone.git("fetch", "--quiet", "origin", `refs/heads/${branch}`);
    clone.git("checkout", "--quiet", "--detach", "origin/main");
    clone.git("merge", "--quiet", "--no-ff", "-m", `Merge ${headSha} into main`, "FETCH_HEAD");
    return { clone, headSha, mergeSha: clone.git("rev-parse", "HEAD") };
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
