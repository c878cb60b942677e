// The three entry points and how they are bundled; shared by `npm run bundle` (dist/) and the
// test set-up (.cache/test-build/), so tests run what ships, built from the current source.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const ENTRIES = {
  cli: "src/cli/index.ts",
  main: "src/action/main.ts",
  post: "src/action/post.ts",
};

/**
 * Bundles every entry that exists into `outdir`; returns the names written, with esbuild's
 * metafile as `.metafile` (what went in, for dist/licenses.txt). Code splitting keeps
 * each command in its own chunk, so `plan` (and an Action step that only plans) never loads
 * sharp's native library, which an eagerly hoisted import would load for every command.
 */
export async function buildEntries(outdir) {
  const present = Object.entries(ENTRIES).filter(([, entry]) => existsSync(join(root, entry)));
  const result = await build({
    metafile: true,
    entryPoints: Object.fromEntries(present.map(([name, entry]) => [name, join(root, entry)])),
    outdir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    external: ["sharp"],
    legalComments: "none",
    logLevel: "warning",
    // Bundled CommonJS dependencies call require(); give every ESM output file one.
    banner: {
      js: [
        "import { createRequire as __seedlockCreateRequire } from 'node:module';",
        "const require = __seedlockCreateRequire(import.meta.url);",
      ].join("\n"),
    },
  });
  return Object.assign(present.map(([name]) => name), { metafile: result.metafile });
}
