// Cuts a release a workflow can pin: `node scripts/release.mjs X.Y.Z [--push] [--skip-bundle]`.
// Sets the version in package.json (and the lockfile), turns CHANGELOG.md's "Unreleased" section
// into "vX.Y.Z — date", rebuilds dist/, commits, tags vX.Y.Z and moves the major tag (v1) to it;
// with --push, pushes the commit and both tags. `--notes X.Y.Z` prints that version's changelog
// section (for the GitHub release) and changes nothing.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const positional = args.filter((a) => !a.startsWith("--"));

function fail(message) {
  process.stderr.write(`release: ${message}\n`);
  process.exit(2);
}

function git(...argv) {
  return execFileSync("git", argv, { cwd: root, encoding: "utf8" }).trim();
}

/** The changelog section of `version`, without its heading. */
export function notesFor(changelog, version) {
  const lines = changelog.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^## \\[?v?${version.replaceAll(".", "\\.")}\\]?(\\s|$)`).test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n").trim();
}

const version = positional[0];
if (!version || !/^\d+\.\d+\.\d+$/.test(version)) fail("give the version to release as X.Y.Z, e.g. node scripts/release.mjs 1.0.0");
const changelogPath = join(root, "CHANGELOG.md");
const changelog = readFileSync(changelogPath, "utf8");

if (flag("--notes")) {
  const notes = notesFor(changelog, version);
  if (notes === undefined) fail(`CHANGELOG.md has no section for ${version}`);
  process.stdout.write(`${notes}\n`);
  process.exit(0);
}

const tag = `v${version}`;
const major = `v${version.split(".")[0]}`;
if (git("status", "--porcelain")) fail("the work tree has changes; commit or stash them first");
if (git("tag", "--list", tag)) fail(`${tag} already exists; a released tag is never moved (only ${major} is)`);
const pkgPath = join(root, "package.json");
const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
const newer = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};
if (!newer(version, pkg.version) && !(version === pkg.version && notesFor(changelog, version) === undefined)) {
  fail(`${version} is not newer than package.json's ${pkg.version}`);
}
const unreleased = notesFor(changelog, "Unreleased");
if (!unreleased) fail('CHANGELOG.md needs a non-empty "## Unreleased" section: what this release changes, for the people who pin it');

// Version, changelog heading, dist/.
pkg.version = version;
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
const lockPath = join(root, "package-lock.json");
try {
  const lock = JSON.parse(readFileSync(lockPath, "utf8"));
  lock.version = version;
  if (lock.packages?.[""]) lock.packages[""].version = version;
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
} catch (error) {
  if (error.code !== "ENOENT") throw error;
}
const date = process.env.SEEDLOCK_RELEASE_DATE ?? new Date().toISOString().slice(0, 10);
writeFileSync(changelogPath, changelog.replace(/^## Unreleased[ \t]*$/m, `## Unreleased\n\n## ${tag} — ${date}`));
if (!flag("--skip-bundle")) execFileSync("npm", ["run", "bundle"], { cwd: root, stdio: "inherit" });

git("add", "-A");
git("commit", "-q", "-m", `Release ${tag}`);
git("tag", "-a", tag, "-m", `seedlock ${tag}\n\n${unreleased}`);
// The major tag follows the newest release, so `uses: owner/seedlock@v1` gets fixes without edits.
git("tag", "-f", "-a", major, "-m", `seedlock ${major}: latest is ${tag}`, `${tag}^{}`);
process.stdout.write(`release: ${tag} tagged, ${major} moved to it\n`);
if (flag("--push")) {
  git("push", "origin", "HEAD");
  git("push", "origin", `refs/tags/${tag}`);
  git("push", "--force", "origin", `refs/tags/${major}`);
  process.stdout.write(`release: pushed ${tag} and ${major}\n`);
}
