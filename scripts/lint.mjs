// Architectural rules that the type-checker cannot see (STYLE.md, "What this means here").
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { root } from "./entries.mjs";

const files = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));

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
for (const rule of rules) {
  for (const file of rule.files) {
    if (rule.badName?.test(file)) {
      console.error(`${file}: ${rule.what}`);
      problems++;
      continue;
    }
    if (!rule.bad) continue;
    readFileSync(join(root, file), "utf8").split("\n").forEach((line, i) => {
      if (rule.bad.test(line)) {
        console.error(`${file}:${i + 1}: ${rule.what}`);
        problems++;
      }
    });
  }
}
if (problems) {
  console.error(`lint: ${problems} problem(s)`);
  process.exit(1);
}
console.log("lint: architecture rules hold");
