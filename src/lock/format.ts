/**
 * The lockfile's text: a small, line-oriented subset of YAML that seedlock writes and reads back
 * fast. Block mappings and lists, one `key: value` per line, strings plain when unambiguous and
 * JSON-quoted otherwise, lists of scalars inline. Lockfiles reach hundreds of thousands of lines,
 * and a general YAML parser takes seconds on them; anything outside the subset (a hand edit, a
 * merge tool's reflow) is read by the general parser instead, so the two must agree on every
 * text the subset accepts.
 */

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./:-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n)$/i;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Characters JSON leaves raw but YAML wants escaped inside double quotes. */
const YAML_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** A scalar as the subset writes it. */
function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return String(value);
  const text = String(value);
  if (PLAIN.test(text) && !RESERVED.test(text) && !text.endsWith(":")) return text;
  return quote(text);
}

/** A scalar inside an inline list: strings always quoted, so the list is JSON as well as YAML. */
function listScalar(value: unknown): string {
  return typeof value === "string" ? quote(value) : scalar(value);
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
      out.push(`${head} [${value.map(listScalar).join(", ")}]`);
      return;
    }
    out.push(head);
    const pad = " ".repeat(indent + 2);
    for (const item of value) {
      if (item && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length) {
        writeMap(item as Record<string, unknown>, indent + 4, out, `${pad}- `);
      } else {
        out.push(`${pad}- ${Array.isArray(item) ? `[${(item as unknown[]).map(listScalar).join(", ")}]` : item && typeof item === "object" ? "{}" : scalar(item)}`);
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

interface Frame {
  /** Column where this container's entries start. */
  indent: number;
  map?: Record<string, Value>;
  list?: Value[];
}

/**
 * Reads text in the subset. Returns undefined as soon as a line falls outside it, so the caller
 * can hand the text to a general YAML parser (which also reports syntax errors with positions).
 */
export function parseYamlSubset(text: string): Record<string, Value> | undefined {
  const lines = text.split("\n");
  const root: Record<string, Value> = {};
  const stack: Frame[] = [{ indent: 0, map: root }];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const indent = leadingSpaces(line);
    if (indent === line.length) continue; // blank
    let rest = line.slice(indent);
    if (rest[0] === "#") {
      if (indent !== 0) return undefined;
      continue;
    }
    if (rest[0] === "\t" || rest.startsWith("---") || rest.startsWith("...")) return undefined;
    while (stack.length > 1 && indent < stack[stack.length - 1]!.indent) stack.pop();
    let frame = stack[stack.length - 1]!;
    if (indent !== frame.indent) return undefined;
    let column = indent;
    if (frame.list) {
      if (!rest.startsWith("- ")) return undefined;
      rest = rest.slice(2);
      column = indent + 2;
      if (rest[0] === "-" || rest[0] === "#") return undefined;
      const entry = splitEntry(rest);
      if (!entry) {
        const item = parseValue(rest);
        if (item === FAIL) return undefined;
        frame.list.push(item);
        continue;
      }
      const map: Record<string, Value> = {};
      frame.list.push(map);
      frame = { indent: column, map };
      stack.push(frame);
    }
    const entry = splitEntry(rest);
    if (!entry || !frame.map) return undefined;
    const [name, valueText] = entry;
    if (Object.hasOwn(frame.map, name)) return undefined; // duplicate key: the general parser reports it
    if (valueText !== "") {
      const value = parseValue(valueText);
      if (value === FAIL) return undefined;
      frame.map[name] = value;
      continue;
    }
    // `key:` opens a mapping or a list on the following lines, or stands for null.
    const next = nextContentLine(lines, i + 1);
    const nextIndent = next === undefined ? -1 : leadingSpaces(next);
    if (next === undefined || nextIndent <= column) {
      if (next !== undefined && nextIndent === column && next.slice(nextIndent).startsWith("- ")) return undefined;
      frame.map[name] = null;
    } else if (next.slice(nextIndent).startsWith("- ")) {
      const list: Value[] = [];
      frame.map[name] = list;
      stack.push({ indent: nextIndent, list });
    } else {
      const map: Record<string, Value> = {};
      frame.map[name] = map;
      stack.push({ indent: nextIndent, map });
    }
  }
  return root;
}

const FAIL = Symbol("outside the subset");

function parseValue(text: string): Value | typeof FAIL {
  const value = text.trimEnd();
  const first = value[0];
  if (first === '"' || first === "[" || first === "{") {
    if (first === "{" && value !== "{}") return FAIL; // flow mappings are left to the general parser
    if (first === "[" && /[[{]/.test(value.slice(1).replace(/"(?:[^"\\]|\\.)*"/g, ""))) return FAIL;
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value)) return FAIL;
    try {
      return JSON.parse(value) as Value;
    } catch {
      return FAIL;
    }
  }
  if (value === "true") return true;
  if (value === "false") return false;
  if (value === "null") return null;
  if (NUMBER.test(value)) return Number(value);
  if (PLAIN.test(value) && !RESERVED.test(value) && !value.endsWith(":")) return value;
  return FAIL;
}

/** `name: value` → [name, value text]; undefined when the line is not a mapping entry. */
function splitEntry(rest: string): [string, string] | undefined {
  let name: string;
  let after: string;
  if (rest[0] === '"') {
    const match = /^"(?:[^"\\]|\\.)*"/.exec(rest);
    if (!match) return undefined;
    try {
      name = JSON.parse(match[0]) as string;
    } catch {
      return undefined;
    }
    after = rest.slice(match[0].length);
  } else {
    const colon = rest.indexOf(":");
    if (colon <= 0) return undefined;
    name = rest.slice(0, colon);
    if (!PLAIN_KEY.test(name) || RESERVED.test(name) || NUMBER.test(name) || /^[0-9]/.test(name)) return undefined;
    after = rest.slice(colon);
  }
  if (after === ":" || /^:\s*$/.test(after)) return [name, ""];
  if (!after.startsWith(": ")) return undefined;
  return [name, after.slice(2).trimStart()];
}

function leadingSpaces(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

function nextContentLine(lines: string[], from: number): string | undefined {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    const indent = leadingSpaces(line);
    if (indent === line.length) continue;
    if (line[indent] === "#") continue;
    return line;
  }
  return undefined;
}
