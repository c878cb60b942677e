import { isAbsolute, posix } from "node:path";
import { repositoryPathProblem, showControl } from "../disk/repository-path.js";
import type { AssetSpec, OutputFormat } from "./spec.js";

/** File extensions seedlock writes, and the format each one means. */
export const OUTPUT_EXTENSIONS: Readonly<Record<string, OutputFormat>> = {
  ".webp": "webp",
  ".png": "png",
  ".jpg": "jpeg",
  ".jpeg": "jpeg",
  ".avif": "avif",
};

const PLACEHOLDERS = ["n", "id", "seed"] as const;

/**
 * Where output `n` (1-based) of `asset`, made from `seed`, is written: relative to the repository
 * root, forward slashes. `{n}`, `{id}` and `{seed}` are filled in.
 */
export function outputPath(asset: AssetSpec, n: number, seed: number): string {
  return renderTemplate(asset.out, asset.id, n, seed);
}

export function renderTemplate(template: string, id: string, n: number, seed: number | string): string {
  return template.replace(/\{(n|id|seed)\}/g, (_, key: string) => (key === "n" ? String(n) : key === "id" ? id : String(seed)));
}

export interface TemplateProblem {
  message: string;
  fix?: string;
}

/** What is wrong with an `out` template on its own (placeholders, shape, where it points). */
export function templateProblems(template: string, count: number): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  // A control character would reach git and the file system as part of a name (a newline is a new index line).
  const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.exec(template);
  if (control) {
    problems.push({ message: `holds the control character ${showControl(control[0])}; a file name must not`, fix: "remove it; write the path on one line with no tabs or escapes" });
    return problems;
  }
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((k) => !(PLACEHOLDERS as readonly string[]).includes(k));
  for (const key of new Set(unknown)) {
    problems.push({ message: `has an unknown placeholder {${key}}`, fix: "the placeholders are {n} for 1..count, {id} and {seed}" });
  }
  if (/[{}]/.test(template.replace(/\{[^{}]*\}/g, ""))) {
    problems.push({ message: "has a '{' or '}' that is not part of a placeholder", fix: "write placeholders as {n}, {id} or {seed}" });
  }
  if (count > 1 && !/\{(n|seed)\}/.test(template)) {
    problems.push({
      message: `must contain {n} because count is ${count}; otherwise every image is written to the same file`,
      fix: `for example out: ${withNumber(template)}`,
    });
  }
  if (isAbsolute(template) || template.startsWith("/") || template.startsWith("\\") || /^[A-Za-z]:/.test(template)) {
    problems.push({
      message: "is an absolute path; outputs must stay inside the repository",
      fix: `write it relative to the repository root, for example out: ${template.replace(/^([A-Za-z]:)?[\\/]+/, "")}`,
    });
    return problems;
  }
  if (template.includes("\\")) {
    problems.push({ message: "uses backslashes", fix: "separate folders with forward slashes (/), on every platform" });
    return problems;
  }
  const normal = posix.normalize(template);
  if (normal === ".." || normal.startsWith("../")) {
    problems.push({ message: "climbs out of the repository with '..'", fix: "keep outputs inside the repository, for example under public/ or assets/" });
    return problems;
  }
  const problem = repositoryPathProblem(normal);
  if (problem?.startsWith("points inside .git")) {
    problems.push({ message: problem, fix: "write outputs to a folder of the working tree" });
  }
  if (template.endsWith("/") || normal === ".") {
    problems.push({ message: "names a folder, not a file", fix: `end it with a file name, for example ${template.replace(/\/?$/, "/")}{id}-{n}.webp` });
    return problems;
  }
  const extension = posix.extname(normal).toLowerCase();
  if (!extension) {
    problems.push({ message: "has no file extension", fix: "end it with .webp, .png, .jpg or .avif; the extension sets the format" });
  } else if (!OUTPUT_EXTENSIONS[extension]) {
    problems.push({ message: `ends in ${extension}, which seedlock does not write`, fix: "use .webp, .png, .jpg, .jpeg or .avif" });
  }
  return problems;
}

/** The format an `out` template's extension asks for, if it names one seedlock writes. */
export function formatFromTemplate(template: string): OutputFormat | undefined {
  return OUTPUT_EXTENSIONS[posix.extname(template).toLowerCase()];
}

/** `hero.png` → `hero-{n}.png`, to show where {n} goes. */
function withNumber(template: string): string {
  const extension = posix.extname(template);
  return extension ? `${template.slice(0, -extension.length)}-{n}${extension}` : `${template}-{n}`;
}
