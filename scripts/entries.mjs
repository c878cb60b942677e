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

/** Bundles every entry that exists into `outdir`; returns the names written. */
export async function buildEntries(outdir) {
  const written = [];
  for (const [name, entry] of Object.entries(ENTRIES)) {
    if (!existsSync(join(root, entry))) continue;
    await build({
      entryPoints: [join(root, entry)],
      outfile: join(outdir, `${name}.js`),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node24",
      external: ["sharp"],
      legalComments: "none",
      logLevel: "warning",
      // Bundled CommonJS dependencies call require(); give the ESM bundle one.
      banner: {
        js: [
          "import { createRequire as __seedlockCreateRequire } from 'node:module';",
          "const require = __seedlockCreateRequire(import.meta.url);",
        ].join("\n"),
      },
    });
    written.push(name);
  }
  return written;
}
