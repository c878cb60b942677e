// Architectural rules that the type-checker cannot see (STYLE.md, "What this means here").
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { root as repositoryRoot } from "./entries.mjs";

// `node scripts/lint.mjs [DIR]`: the checkout to check, this one by default (the tests point it at a copy with a planted fault).
const root = process.argv[2] ? resolve(process.argv[2]) : repositoryRoot;

const files = (dir) =>
  (existsSync(join(root, dir)) ? readdirSync(join(root, dir), { withFileTypes: true, recursive: true }) : [])
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)).split("\\").join("/"));

const rules = [
  {
    what: "only src/action/ may import @actions/* (the core takes a Logger instead)",
    files: files("src").filter((f) => !f.startsWith("src/action/")),
    bad: /from\s+["']@actions\//,
  },
  {
    what: "the core does not write to the console; it reports through the Logger it is given",
    files: files("src").filter((f) => !f.startsWith("src/cli/") && !f.startsWith("src/action/") && !f.startsWith("src/emulator/")),
    bad: /\bconsole\.(log|error|warn|info)\(/,
  },
  {
    what: "tests use real files and loopback servers, not module mocks",
    files: files("test"),
    bad: /\bvi\.(mock|doMock)\(/,
  },
  {
    what: "no grab-bag modules (name a module after what it is)",
    files: [...files("src"), ...files("test")],
    bad: null,
    badName: /(^|\/)(utils?|helpers?|misc|common)(\.ts|\/)/,
  },
];

let problems = 0;
const problem = (line) => {
  console.error(line);
  problems++;
};

for (const rule of rules) {
  for (const file of rule.files) {
    if (rule.badName?.test(file)) {
      problem(`${file}: ${rule.what}`);
      continue;
    }
    if (!rule.bad) continue;
    readFileSync(join(root, file), "utf8").split("\n").forEach((line, i) => {
      if (rule.bad.test(line)) problem(`${file}:${i + 1}: ${rule.what}`);
    });
  }
}

// ── the import graph of src/ ──

/**
 * The layers, bottom first (docs/ARCHITECTURE.md). A module imports only from its own folder or a
 * lower layer; folders on the same layer do not import each other. `src/*.ts` is one folder.
 */
const LAYERS = [
  ["src"], // vocabulary: errors, logger, run-report, money, text-table…
  ["src/disk", "src/yaml"],
  ["src/models"],
  ["src/manifest"],
  ["src/lock"],
  ["src/provider"],
  ["src/plan", "src/report"],
  ["src/pipeline"],
  ["src/settings"],
  ["src/action", "src/cli"],
];
const LAYER_OF = new Map(LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer])));

/** The emulator stands apart: a stand-in for the service that the product never runs itself. */
const EMULATOR = "src/emulator";
const EMULATOR_MAY_IMPORT_UP_TO = 2;
const EMULATOR_IMPORTED_BY = new Set(["src/cli", EMULATOR]);

/** Packages only some folders or modules may import: the service's SDK and the native image library. */
const PACKAGES = [
  {
    name: "@google/genai",
    why: "only src/provider/ talks to the service's SDK",
    allowed: (file) => file.startsWith("src/provider/"),
  },
  {
    name: "sharp",
    why: "only the modules that decode or encode images load the native image library",
    // Keep this list short: a new importer of sharp is a new reason for `plan` to load a native library.
    modules: [
      "src/pipeline/screen.ts",
      "src/pipeline/render.ts",
      "src/pipeline/draft.ts",
      "src/report/gallery.ts",
      "src/report/contact-sheet.ts",
      "src/report/images.ts",
      "src/emulator/painter.ts",
      "src/emulator/judge.ts",
    ],
  },
];
for (const p of PACKAGES) if (p.modules) p.allowed = (file) => p.modules.includes(file);

/** The folder a module belongs to for layering: its first folder under src/, or src itself. */
function folderOf(file) {
  const parts = file.split("/");
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** `./x.js` from `src/a/b.ts` → `src/a/x.ts` (or the .js file itself when there is no .ts). */
function resolveModule(from, specifier) {
  const target = relative(root, resolve(root, dirname(from), specifier)).split("\\").join("/");
  for (const candidate of [target.replace(/\.js$/, ".ts"), target, `${target}.ts`, `${target}/index.ts`]) {
    if (existsSync(join(root, candidate)) && !candidate.endsWith("/")) return candidate;
  }
  return target;
}

/** Every import of `file` (static, `export … from`, dynamic, type-only), with its line. */
function importsOf(file) {
  const text = readFileSync(join(root, file), "utf8");
  const lineAt = (pos) => text.slice(0, pos).split("\n").length;
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => ({ specifier: ref.fileName, line: lineAt(ref.pos) }));
}

const sources = files("src").filter((f) => !f.endsWith(".d.ts"));
/** module → modules it imports (src/ only), for the cycle check. */
const graph = new Map(sources.map((f) => [f, new Set()]));

for (const file of sources) {
  const from = folderOf(file);
  const fromLayer = LAYER_OF.get(from);
  if (from !== EMULATOR && fromLayer === undefined) problem(`${file}: ${from}/ has no layer; add it to LAYERS in scripts/lint.mjs`);
  for (const { specifier, line } of importsOf(file)) {
    const at = `${file}:${line}`;
    if (!specifier.startsWith(".")) {
      for (const p of PACKAGES) {
        if ((specifier === p.name || specifier.startsWith(`${p.name}/`)) && !p.allowed(file)) {
          problem(`${at}: imports ${p.name}; ${p.why}${p.modules ? ` (${p.modules.join(", ")})` : ""}`);
        }
      }
      continue;
    }
    const target = resolveModule(file, specifier);
    if (!target.startsWith("src/")) continue; // data beside the code (package.json)
    graph.get(file)?.add(target);
    const to = folderOf(target);
    if (to === from) continue;
    const toLayer = LAYER_OF.get(to);
    const layerName = (folder, layer) => (folder === EMULATOR ? `${folder}/ (apart)` : `${folder}/ (layer ${layer})`);
    if (to === EMULATOR) {
      if (!EMULATOR_IMPORTED_BY.has(from)) problem(`${at}: ${layerName(from, fromLayer)} imports ${target}; only src/cli/ (and tests) may import ${EMULATOR}/`);
      continue;
    }
    if (from === EMULATOR) {
      if (toLayer > EMULATOR_MAY_IMPORT_UP_TO) problem(`${at}: ${layerName(from)} imports ${target} from ${layerName(to, toLayer)}; the emulator may import layers 0–${EMULATOR_MAY_IMPORT_UP_TO} only`);
      continue;
    }
    if (toLayer === undefined || fromLayer === undefined) continue; // reported above, once per module
    if (toLayer > fromLayer) {
      problem(`${at}: ${layerName(from, fromLayer)} imports ${target} from ${layerName(to, toLayer)}, a higher layer; move what both need down, or the importer up`);
    } else if (toLayer === fromLayer) {
      problem(`${at}: ${layerName(from, fromLayer)} imports ${target} from ${layerName(to, toLayer)}, a sibling on the same layer; move what both need down a layer`);
    }
  }
}

// ── no cycles: Tarjan's strongly connected components, then one shortest cycle through each knot ──

function knots() {
  let index = 0;
  const order = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (start) => {
    // Iterative, so a long chain of imports cannot overflow the stack.
    const work = [[start, [...graph.get(start)]]];
    order.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const [node, next] = work[work.length - 1];
      const child = next.shift();
      if (child !== undefined) {
        if (!graph.has(child)) continue;
        if (!order.has(child)) {
          order.set(child, index);
          low.set(child, index++);
          stack.push(child);
          onStack.add(child);
          work.push([child, [...graph.get(child)]]);
        } else if (onStack.has(child)) {
          low.set(node, Math.min(low.get(node), order.get(child)));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === order.get(node)) {
        const knot = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          knot.push(member);
        } while (member !== node);
        if (knot.length > 1 || graph.get(node).has(node)) found.push(knot.sort());
      }
    }
  };
  for (const node of [...graph.keys()].sort()) if (!order.has(node)) visit(node);
  return found;
}

/** The shortest way from `start` back to itself inside `knot` (breadth first). */
function shortestCycle(start, knot) {
  const inside = new Set(knot);
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    for (const next of [...graph.get(node)].sort()) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

for (const knot of knots()) {
  const cycle = shortestCycle(knot[0], knot);
  const more = knot.length > cycle.length - 1 ? ` (${knot.length} modules import each other round in this knot)` : "";
  problem(`import cycle: ${cycle.join(" → ")}${more}`);
}

if (problems) {
  console.error(`lint: ${problems} problem(s)`);
  process.exit(1);
}
console.log("lint: architecture rules hold");
