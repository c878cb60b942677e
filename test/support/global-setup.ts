import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: plain ESM build script without types
import { buildEntries, root } from "../../scripts/entries.mjs";

/** Builds the CLI and Action entries from the current source once per test run. */
export default async function setup(): Promise<void> {
  const out = join(root, ".cache", "test-build");
  mkdirSync(out, { recursive: true });
  await buildEntries(out);
  writeFileSync(join(out, "package.json"), '{"type":"module"}\n');
}
