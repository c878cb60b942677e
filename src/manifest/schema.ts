import type { ErrorObject, ValidateFunction } from "ajv";
import validateManifest from "./schema.generated.js";
import { show, type Finding, type PathSegment } from "../yaml/source.js";
import { closest, quoteList } from "./suggest.js";

type Schema = Record<string, unknown>;

/**
 * Checks `data` against schema/manifest.v1.json (ajv, all errors, compiled ahead of time: compiling
 * on every run cost more than validating thousands of assets) and says what is wrong in plain
 * words, with a fix for each.
 */
export function schemaFindings(data: unknown, validate: ValidateFunction = validateManifest, documentName = "the manifest"): Finding[] {
  if (validate(data)) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const missingAt = new Map<string, { finding: Finding; keys: string[] }>();
  for (const error of validate.errors ?? []) {
    const finding = translate(error, data, documentName);
    if (!finding) continue;
    // Several missing keys in one place read as one sentence.
    if (error.keyword === "required") {
      const where = finding.path.join("\u0000");
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const earlier = missingAt.get(where);
      if (earlier) {
        earlier.keys.push(missing);
        earlier.finding.message = `${earlier.finding.message.replace(/needs .*$/, "needs")} ${joinKeys(earlier.keys)}`;
        continue;
      }
      missingAt.set(where, { finding, keys: [missing] });
    }
    const key = `${finding.path.join("\u0000")}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

function joinKeys(keys: string[]): string {
  const quoted = keys.map((k) => `'${k}'`);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

function translate(error: ErrorObject, root: unknown, documentName: string): Finding | undefined {
  const path = pointerToPath(error.instancePath, root);
  const schema = (error.parentSchema ?? {}) as Schema;
  const data = error.data;
  const name = lastName(path);

  // A bad key inside a mapping whose keys are constrained (pricing sizes, model ids).
  if (error.propertyName !== undefined) {
    const keyPath = [...path, error.propertyName];
    if (error.keyword === "enum") {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = closest(error.propertyName, allowed);
      return { path: keyPath, at: "key", message: `is not one of ${allowed.join(", ")}`, fix: guess ? `did you mean '${guess}'?` : `use one of ${allowed.join(", ")}` };
    }
    return { path: keyPath, at: "key", message: "is not a valid name here", fix: "use letters, digits, dots and dashes" };
  }

  switch (error.keyword) {
    case "propertyNames":
      return undefined; // reported through the inner error above
    case "additionalProperties": {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((schema.properties as Schema | undefined) ?? {});
      const guess = closest(key, allowed);
      return {
        path: [...path, key],
        at: "key",
        message: "is not a key seedlock knows here",
        fix: guess ? `did you mean '${guess}'?` : `the keys allowed here are ${quoteList(allowed)}`,
      };
    }
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const property = ((schema.properties as Schema | undefined)?.[missing] ?? {}) as Schema;
      const where = path.length ? "" : `${documentName} `;
      return {
        path,
        message: `${where}needs '${missing}'`,
        fix: exampleFix(missing, property) ?? `add ${missing}:`,
      };
    }
    case "type": {
      const expected = describeValue(schema, "type");
      return { path, message: `must be ${expected}, not ${show(data)}`, fix: exampleFix(name, schema) };
    }
    case "const":
      return {
        path,
        message: `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}, not ${show(data)}`,
        fix: name === "version" ? "this seedlock reads manifest version 1; set version: 1" : exampleFix(name, schema),
      };
    case "enum": {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof data === "string" || typeof data === "number" ? closest(String(data), allowed) : undefined;
      return {
        path,
        message: `must be one of ${allowed.join(", ")}, not ${show(data)}`,
        fix: guess ? `did you mean '${guess}'?` : exampleFix(name, schema),
      };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path, message: `must be ${describeValue(schema, error.keyword)}, not ${show(data)}`, fix: exampleFix(name, schema) };
    case "minLength":
      return { path, message: "must not be empty", fix: exampleFix(name, schema) };
    case "maxLength":
      return { path, message: `must be at most ${(error.params as { limit: number }).limit} characters long`, fix: exampleFix(name, schema) };
    case "pattern":
      return patternFinding(path, name, data, schema);
    case "minItems":
    case "maxItems":
      return { path, message: `must be a list of ${describeItems(schema)}`, fix: exampleFix(name, schema) };
    default:
      return { path, message: error.message ?? `is not valid (${error.keyword})`, fix: exampleFix(name, schema) };
  }
}

function patternFinding(path: PathSegment[], name: string | undefined, data: unknown, schema: Schema): Finding {
  if (name === "id") {
    return {
      path,
      message: `must be lower-case letters, digits and dashes, starting with a letter or digit, not ${show(data)}`,
      fix: `for example id: ${suggestId(String(data))}`,
    };
  }
  const shapes: Record<string, string> = {
    sha256: "64 lower-case hexadecimal digits",
    inputHash: "'sha256:' followed by 64 lower-case hexadecimal digits",
    phash: "16 lower-case hexadecimal digits",
  };
  const shape = name ? shapes[name] : undefined;
  if (shape) return { path, message: `must be ${shape}, not ${show(data)}`, fix: exampleFix(name, schema) };
  return { path, message: `is not a valid ${name ?? "value"}: ${show(data)}`, fix: exampleFix(name, schema) };
}

/** A slug the user probably meant: `Hero Banner!` → `hero-banner`. */
function suggestId(raw: string): string {
  const slug = raw.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug || "hero-banner";
}

/** "for example `count: 4`", from the schema's `examples`. */
function exampleFix(name: string | undefined, schema: Schema): string | undefined {
  const examples = schema.examples as unknown[] | undefined;
  if (!examples?.length) return undefined;
  const example = inlineYaml(examples[0]);
  return name ? `for example ${name}: ${example}` : `for example ${example}`;
}

/** A value written the way it would appear on one line of YAML. */
export function inlineYaml(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineYaml).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{ ${Object.entries(value).map(([k, v]) => `${/^[\w-]+$/.test(k) && !/^\d/.test(k) ? k : JSON.stringify(k)}: ${inlineYaml(v)}`).join(", ")} }`;
  }
  if (typeof value === "string") return /^[\w./{}-][\w ./{}-]*$/.test(value) && !/^\d/.test(value) && value !== "true" && value !== "false" ? value : JSON.stringify(value);
  return String(value);
}

function describeValue(schema: Schema, failed: string): string {
  const type = schema.type;
  if (schema.enum) return `one of ${(schema.enum as unknown[]).map(String).join(", ")}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (type === "integer" || type === "number") {
    const noun = type === "integer" ? "an integer" : "a number";
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    const exMin = schema.exclusiveMinimum as number | undefined;
    if (failed === "minimum" && min !== undefined) return `${noun} ≥ ${min}`;
    if (failed === "maximum" && max !== undefined) return `${noun} ≤ ${max}`;
    if (failed === "exclusiveMinimum" && exMin !== undefined) return `${noun} > ${exMin}`;
    if (exMin !== undefined) return `${noun} > ${exMin}`;
    if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
    if (min !== undefined) return `${noun} ≥ ${min}`;
    return noun;
  }
  const types = Array.isArray(type) ? (type as string[]) : [type as string];
  return types.map(typeNoun).join(" or ");
}

function typeNoun(type: string): string {
  switch (type) {
    case "string":
      return "text";
    case "boolean":
      return "true or false";
    case "object":
      return "a mapping (key: value lines)";
    case "array":
      return "a list";
    case "integer":
      return "an integer";
    case "number":
      return "a number";
    default:
      return type;
  }
}

function describeItems(schema: Schema): string {
  const min = schema.minItems as number | undefined;
  const max = schema.maxItems as number | undefined;
  const itemType = ((schema.items as Schema | undefined)?.type as string | undefined) ?? "item";
  const noun = itemType === "number" || itemType === "integer" ? "numbers" : "items";
  if (min !== undefined && min === max) return `exactly ${min} ${noun}${min === 2 ? " [low, high]" : ""}`;
  if (min !== undefined && max !== undefined) return `${min} to ${max} ${noun}`;
  if (min !== undefined) return `at least ${min} ${noun}`;
  return `at most ${max} ${noun}`;
}

function lastName(path: PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === "string") return i === path.length - 1 ? segment : undefined;
  }
  return undefined;
}

/** `/assets/1/count` → ["assets", 1, "count"], with list indices as numbers. */
function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (!pointer) return [];
  const path: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}
