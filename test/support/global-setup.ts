import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: plain ESM build script without types
import { buildEntries, root } from "../../scripts/entries.mjs";

/**
 * Builds the CLI and Action entries from the current source once per test run, and gives the run
 * its own temporary folder: every mkdtemp(tmpdir()) in the suite, and every child process (git,
 * Chromium, the CLI) through TMPDIR, lands in one seedlock-test-* folder, which the teardown removes
 * whole, so `npm test` leaves nothing in the temp directory even when a test fails half-way. It is
 * outside the repository on purpose: a test repository must not find this one's .git above it.
 */
export default async function setup(): Promise<() => void> {
  const out = join(root, ".cache", "test-build");
  mkdirSync(out, { recursive: true });
  await buildEntries(out);
  writeFileSync(join(out, "package.json"), '{"type":"module"}\n');

  const scratch = mkdtempSync(join(tmpdir(), "seedlock-test-"));
  // Read by os.tmpdir() in the workers, which inherit this environment, and by their children.
  process.env.TMPDIR = scratch;
  process.env.TMP = scratch;
  process.env.TEMP = scratch;
  return () => rmSync(scratch, { recursive: true, force: true });
}
