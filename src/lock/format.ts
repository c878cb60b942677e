/**
 * The lockfile's text: block mappings, one `key: value` per line, list records (seeds, outputs) one
 * per line as `- { … }`, strings plain when unambiguous and JSON-quoted otherwise. It is ordinary YAML, and stays
 * inside what the fast reader (yaml/fast-reader.ts) takes, so a lockfile of hundreds of
 * thousands of lines reads in milliseconds and diffs line by line.
 */

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./:-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n)$/i;
const NUMBER = /^[-+]?(\.[0-9]|[0-9])/;
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Characters JSON leaves raw but YAML wants escaped inside double quotes. */
const YAML_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

/** A scalar as the subset writes it. */
function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return String(value);
  const text = String(value);
  if (PLAIN.test(text) && !RESERVED.test(text) && !text.endsWith(":")) return text;
  return quote(text);
}

/** Plain inside `[…]` and `{…}`: no `:` and no flow indicators. */
const FLOW_PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

/** A value written inline (`[…]`, `{…}`): strings plain where that is unambiguous, else quoted. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(", ")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${flowString(k)}: ${flow(v)}`).join(", ")} }` : "{}";
  }
  return typeof value === "string" ? flowString(value) : scalar(value);
}

function flowString(text: string): string {
  return FLOW_PLAIN.test(text) && !RESERVED.test(text) ? text : quote(text);
}

/**
 * A record as one line of JSON (which is also YAML): `{"seed": 11, "status": "rejected"}`. The
 * fast reader hands such lines to JSON.parse, which matters when a lockfile has tens of thousands.
 */
function jsonRecord(record: Record<string, unknown>): string {
  const fields = Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${quote(k)}: ${Array.isArray(v) ? `[${v.map(jsonScalar).join(", ")}]` : jsonScalar(v)}`);
  return `{${fields.join(", ")}}`;
}

function jsonScalar(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return String(value);
  return "null";
}

/** A record whose values are all scalars or lists of scalars: written on one line, so it diffs as one. */
function isFlatRecord(value: unknown): value is Record<string, unknown> {
  return (
    !!value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => v === null || typeof v !== "object" || (Array.isArray(v) && isScalarList(v)))
  );
}

function quote(text: string): string {
  return JSON.stringify(text).replace(YAML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function key(name: string): string {
  return PLAIN_KEY.test(name) && !RESERVED.test(name) && !NUMBER.test(name) && !/^[0-9]/.test(name) ? name : quote(name);
}

function isScalarList(value: unknown[]): boolean {
  return value.every((v) => v === null || typeof v !== "object");
}

/** Writes `value` (plain data, key order as given) in the subset, after an optional header. */
export function formatYamlSubset(value: Record<string, unknown>, header: string[] = [], footer: string[] = []): string {
  const out: string[] = header.map((line) => (line ? `# ${line}` : "#"));
  writeMap(value, 0, out);
  out.push(...footer.map((line) => `# ${line}`));
  return `${out.join("\n")}\n`;
}

function writeMap(map: Record<string, unknown>, indent: number, out: string[], firstPrefix?: string): void {
  const pad = " ".repeat(indent);
  let first = true;
  for (const [name, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const lead = first && firstPrefix !== undefined ? firstPrefix : pad;
    first = false;
    writeEntry(`${lead}${key(name)}:`, value, indent, out);
  }
}

function writeEntry(head: string, value: unknown, indent: number, out: string[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0 || isScalarList(value)) {
      out.push(`${head} ${flow(value)}`);
      return;
    }
    out.push(head);
    const pad = " ".repeat(indent + 2);
    for (const item of value) {
      if (isFlatRecord(item)) {
        out.push(`${pad}- ${jsonRecord(item)}`);
      } else if (item && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length) {
        writeMap(item as Record<string, unknown>, indent + 4, out, `${pad}- `);
      } else {
        out.push(`${pad}- ${Array.isArray(item) ? flow(item) : item && typeof item === "object" ? "{}" : scalar(item)}`);
      }
    }
    return;
  }
  if (value && typeof value === "object") {
    if (Object.keys(value).length === 0) {
      out.push(`${head} {}`);
      return;
    }
    out.push(head);
    writeMap(value as Record<string, unknown>, indent + 2, out);
    return;
  }
  out.push(`${head} ${scalar(value)}`);
}
