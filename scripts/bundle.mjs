// Writes dist/: the three entry points bundled by esbuild, and sharp's runtime beside them in
// dist/node_modules so that a plain checkout runs with no `npm install` (the Actions runner's way).
// sharp is native, so it stays external: Linux x64 and arm64 get prebuilt libvips; macOS and
// Windows runners fall back to sharp's WebAssembly build (see docs/BENCHMARKS.md for its cost).
import { buildEntries } from "./entries.mjs";
import { licensesText } from "./licenses.mjs";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const cache = join(root, ".cache", "sharp-runtimes");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const built = await buildEntries(dist);
writeFileSync(join(dist, "package.json"), JSON.stringify({ type: "module", private: true }, null, 2) + "\n");

// sharp and its JavaScript dependencies, copied from this install.
const modules = join(dist, "node_modules");
const sharpPkg = JSON.parse(readFileSync(join(root, "node_modules/sharp/package.json"), "utf8"));
const copyPackage = (name, from = join(root, "node_modules", name)) => {
  cpSync(from, join(modules, name), {
    recursive: true,
    filter: (src) => !/[\\/](src|install|README\.md|.*\.d\.[cm]?ts)$/.test(src) || src.endsWith(join(name)),
  });
};
copyPackage("sharp");
for (const dep of Object.keys(sharpPkg.dependencies ?? {})) copyPackage(dep);
for (const dep of ["semver"].filter((d) => existsSync(join(root, "node_modules", d)))) copyPackage(dep);

// Platform runtimes: the ones for Linux x64/arm64 (glibc) and the WebAssembly fallback.
const optional = sharpPkg.optionalDependencies;
const runtimes = [
  ["@img/sharp-linux-x64", optional["@img/sharp-linux-x64"]],
  ["@img/sharp-libvips-linux-x64", optional["@img/sharp-libvips-linux-x64"]],
  ["@img/sharp-linux-arm64", optional["@img/sharp-linux-arm64"]],
  ["@img/sharp-libvips-linux-arm64", optional["@img/sharp-libvips-linux-arm64"]],
  ["@img/sharp-wasm32", sharpPkg.version],
  // The wasm32 build's own dependencies, pinned so that a rebuild of dist/ is byte-identical.
  ["@emnapi/runtime", "1.11.3"],
  ["tslib", "2.9.1"],
];
mkdirSync(cache, { recursive: true });
for (const [name, version] of runtimes) {
  const installed = join(root, "node_modules", name);
  if (existsSync(join(installed, "package.json")) && JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version === version) {
    copyPackage(name, installed);
    continue;
  }
  const unpacked = join(cache, `${name.replace("/", "__")}-${version}`);
  if (!existsSync(join(unpacked, "package", "package.json"))) {
    // npm pack fetches the exact published tarball for a platform we are not running on.
    const out = execFileSync("npm", ["pack", `${name}@${version}`, "--silent", "--pack-destination", cache], { encoding: "utf8" }).trim().split("\n").pop();
    mkdirSync(unpacked, { recursive: true });
    execFileSync("tar", ["-xzf", join(cache, out), "-C", unpacked]);
  }
  copyPackage(name, join(unpacked, "package"));
}

// Licence texts of everything above: bundled (from the metafile), vendored, and inside libvips.
writeFileSync(join(dist, "licenses.txt"), licensesText({ root, dist, metafile: built.metafile }));

const size = (dir) => readdirSync(dir, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile()).length;
console.log(`dist/ written: ${built.join(", ")}; ${size(modules)} runtime files`);
