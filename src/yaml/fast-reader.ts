import { FORBIDDEN_KEYS, MAX_NESTING } from "./limits.js";

/**
 * A fast reader for the YAML people and seedlock actually write: block mappings and lists, plain,
 * quoted and one-line flow values, comments. A general YAML parser takes seconds on a 5,000-asset
 * manifest or a large lockfile; this takes milliseconds. It gives up (returns undefined) on
 * anything outside that shape (anchors, tags, block scalars, multi-line values, odd indentation,
 * duplicate keys…), and the caller then uses the general parser, which is also the one that
 * reports errors with positions. On every text it accepts it must agree with that parser
 * (YAML 1.2, core schema); the tests hold it to that. Keys that would reach an object's
 * prototype (`__proto__`, `constructor`, `prototype`) and nesting deeper than MAX_NESTING are
 * declined too (limits.ts): the general reader refuses them with a position.
 */

export interface Position {
  line: number;
  col: number;
}

export interface FastYaml {
  data: Record<string, unknown>;
  /**
   * Where each mapping that is an item of a top-level list starts (its first key, or its `{`),
   * 1-based: the assets of a manifest. Deeper mappings are not recorded; thousands of lockfile
   * records would only cost time.
   */
  starts: WeakMap<object, Position>;
}

/** Stack depth (root, top-level list, its item) down to which list items' positions are kept. */
const SHALLOW = 2;

type Value = unknown;
const FAIL = Symbol("not in the fast subset");
type Maybe<T> = T | typeof FAIL;

interface Frame {
  /** Column of this container's entries; -1 until its first line is seen. */
  indent: number;
  map?: Record<string, Value>;
  list?: Value[];
}

export function readFastYaml(text: string): FastYaml | undefined {
  if (text.includes("\t") || text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = text.split("\n");
  const starts = new WeakMap<object, Position>();
  const root: Record<string, Value> = {};
  const stack: Frame[] = [{ indent: 0, map: root }];
  let sawContent = false;

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const indent = leadingSpaces(line);
    if (indent === line.length) continue;
    const rest = line.slice(indent);
    if (rest[0] === "#") continue;
    if (indent === 0 && (rest.startsWith("---") || rest.startsWith("...") || rest[0] === "%")) return undefined;

    while (stack.length > 1 && indent < stack[stack.length - 1]!.indent) stack.pop();
    let frame = stack[stack.length - 1]!;
    // A list may sit at its parent key's own indentation; a non-dash line there ends it.
    if (frame.list && indent === frame.indent && !isDash(rest) && stack.length > 1) {
      stack.pop();
      frame = stack[stack.length - 1]!;
    }
    if (indent !== frame.indent) return undefined;

    let column = indent;
    let content = rest;
    if (frame.list) {
      if (!isDash(rest) || rest === "-") return undefined;
      const after = rest.slice(1);
      const gap = leadingSpaces(after);
      column = indent + 1 + gap;
      content = after.slice(gap);
      const entry = splitKey(content);
      if (entry === FAIL) return undefined;
      if (!entry) {
        if (content[0] === "-" && isDash(content)) return undefined;
        const item = parseValue(content, i, column, stack.length <= SHALLOW ? starts : undefined, stack.length);
        if (item === FAIL) return undefined;
        frame.list.push(item);
        continue;
      }
      const map: Record<string, Value> = {};
      if (stack.length <= SHALLOW) starts.set(map, { line: i + 1, col: column + 1 });
      frame.list.push(map);
      frame = { indent: column, map };
      stack.push(frame);
    } else if (isDash(rest)) {
      return undefined;
    }

    const entry = splitKey(content);
    if (!entry || entry === FAIL || !frame.map) return undefined;
    const [key, valueText] = entry;
    if (Object.hasOwn(frame.map, key) || FORBIDDEN_KEYS.has(key) || stack.length > MAX_NESTING) return undefined;
    if (!sawContent) {
      starts.set(root, { line: i + 1, col: column + 1 });
      sawContent = true;
    }
    if (valueText !== "") {
      const value = parseValue(valueText, i, column + content.length - valueText.length, undefined, stack.length);
      if (value === FAIL) return undefined;
      frame.map[key] = value;
      continue;
    }
    // `key:` alone: a nested block on the next lines, or null.
    const next = nextContent(lines, i + 1);
    const nextIndent = next === undefined ? -1 : leadingSpaces(next);
    const nextRest = next?.slice(nextIndent) ?? "";
    if (next !== undefined && nextIndent > column) {
      if (isDash(nextRest)) {
        const list: Value[] = [];
        frame.map[key] = list;
        stack.push({ indent: nextIndent, list });
      } else {
        const map: Record<string, Value> = {};
        frame.map[key] = map;
        stack.push({ indent: nextIndent, map });
      }
    } else if (next !== undefined && nextIndent === column && isDash(nextRest)) {
      const list: Value[] = [];
      frame.map[key] = list;
      stack.push({ indent: nextIndent, list });
    } else {
      frame.map[key] = null;
    }
  }
  if (!sawContent) return undefined;
  return { data: root, starts };
}

function isDash(rest: string): boolean {
  return rest === "-" || rest.startsWith("- ");
}

function leadingSpaces(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

function nextContent(lines: string[], from: number): string | undefined {
  for (let i = from; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const indent = leadingSpaces(line);
    if (indent === line.length || line[indent] === "#") continue;
    return line;
  }
  return undefined;
}

/**
 * `key: value` → [key, value text]; `key:` → [key, ""]; undefined when the line is no mapping
 * entry; FAIL when it is one this reader does not take on.
 */
function splitKey(content: string): Maybe<[string, string] | undefined> {
  let key: string;
  let after: string;
  const first = content[0];
  if (first === "[" || first === "{") return undefined; // a flow value, not a key
  if (first === '"' || first === "'") {
    const quoted = first === '"' ? readDoubleQuoted(content, 0) : readSingleQuoted(content, 0);
    if (quoted === FAIL) return content.includes(": ") ? FAIL : undefined;
    after = content.slice(quoted.end);
    if (!after.startsWith(":")) return undefined;
    key = quoted.value;
  } else {
    const colon = findKeyColon(content);
    if (colon < 0) return undefined;
    const raw = withoutTrailingSpaces(content.slice(0, colon));
    if (!raw || KEY_INDICATORS.includes(raw[0]!) || raw.includes(" #")) return FAIL;
    const resolved = resolvePlain(raw);
    if (typeof resolved !== "string") return FAIL;
    key = resolved;
    after = content.slice(colon);
  }
  if (after === ":" || withoutTrailingSpaces(after) === ":") return [key, ""];
  if (!after.startsWith(": ")) return FAIL;
  const value = withoutLeadingSpaces(after.slice(2));
  if (value[0] === "#") return [key, ""];
  return [key, value];
}

/** Characters a plain key cannot start with (YAML indicators, and `<` of merge keys). */
const KEY_INDICATORS = "-?:,[]{}#&*!|>'\"%@`<";

/** Index of the `:` that ends a plain key: the first one followed by a space or the line's end. */
function findKeyColon(content: string): number {
  for (let i = 0; i < content.length; i++) {
    if (content[i] === ":" && (i + 1 === content.length || content[i + 1] === " ")) return i;
    if (content[i] === "#" && i > 0 && content[i - 1] === " ") return -1;
  }
  return -1;
}

/** A value on one line: quoted, flow, or plain; a trailing comment is allowed. */
function parseValue(text: string, line: number, column: number, starts: WeakMap<object, Position> | undefined, depth: number): Maybe<Value> {
  const first = text[0];
  if (first === '"' || first === "'") {
    const quoted = first === '"' ? readDoubleQuoted(text, 0) : readSingleQuoted(text, 0);
    if (quoted === FAIL || !onlyComment(text.slice(quoted.end))) return FAIL;
    return quoted.value;
  }
  if (first === "{" && text[1] === '"' && !starts) {
    const record = jsonRecord(text);
    if (record !== FAIL) return record;
  }
  if (first === "[" || first === "{") {
    const flow = readFlow(text, 0, line, column, starts, depth + 1);
    if (flow === FAIL || !onlyComment(text.slice(flow.end))) return FAIL;
    return flow.value;
  }
  let plain = text;
  const comment = plain.indexOf(" #");
  if (comment >= 0) plain = plain.slice(0, comment);
  plain = withoutTrailingSpaces(plain);
  if (!plain || !plainStartOk(plain) || plain.includes(": ") || plain.endsWith(":")) return FAIL;
  return resolvePlain(plain);
}

function plainStartOk(plain: string): boolean {
  const c = plain.charCodeAt(0);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return true;
  if (c === 45 || c === 43 || c === 46) return /^[-+]?\.?[0-9]/.test(plain) || /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(plain);
  return !"?:,[]{}#&*!|>'\"%@`".includes(plain[0]!);
}

function onlyComment(rest: string): boolean {
  const trimmed = withoutLeadingSpaces(rest);
  return trimmed === "" || (trimmed[0] === "#" && trimmed.length < rest.length);
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/**
 * A one-line record written as a JSON object (JSON is YAML), read by JSON.parse, which is several
 * times faster than scanning it here. Only flat records (values are scalars or lists of scalars)
 * with no key given twice: JSON.parse would keep the last of two equal keys where YAML refuses
 * them, so the keys found must match the `":` on the line (one inside a string only adds to the
 * count, so equality proves there is no duplicate).
 */
function jsonRecord(text: string): Maybe<Record<string, Value>> {
  const body = withoutTrailingSpaces(text);
  // A key written `"k" :` would escape the count below; such lines go the slow way.
  if (body[body.length - 1] !== "}" || UNSAFE.test(body) || /"\s+:/.test(body)) return FAIL;
  let record: unknown;
  try {
    record = JSON.parse(body);
  } catch {
    return FAIL;
  }
  if (!record || typeof record !== "object" || Array.isArray(record)) return FAIL;
  const keys = Object.keys(record);
  // Every key is followed by `": `; so is any string that ends in a colon, which only raises the count.
  let tokens = 0;
  for (let at = body.indexOf('":'); at >= 0; at = body.indexOf('":', at + 2)) tokens++;
  if (tokens !== keys.length) return FAIL;
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) return FAIL;
    const value = (record as Record<string, unknown>)[key];
    if (key.length > 1000) return FAIL; // YAML limits implicit keys to 1024 characters
    if (value !== null && typeof value === "object" && !(Array.isArray(value) && value.every((v) => v === null || typeof v !== "object"))) return FAIL;
  }
  return record as Record<string, Value>;
}

/** YAML 1.2 core schema, exactly as the general parser resolves a plain scalar. */
function resolvePlain(s: string): Value {
  const c = s.charCodeAt(0);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    // Only null, Null, NULL, true, True, TRUE, false, False, FALSE start with a letter and are not text.
    if (!"nNtTfF".includes(s[0]!) || s.length > 5) return s;
    if (/^(?:[Nn]ull|NULL)$/.test(s)) return null;
    if (/^(?:[Tt]rue|TRUE)$/.test(s)) return true;
    if (/^(?:[Ff]alse|FALSE)$/.test(s)) return false;
    return s;
  }
  if (s === "~") return null;
  // Only scalars that start like a number can be one.
  if (!(c >= 48 && c <= 57) && c !== 43 && c !== 45 && c !== 46) return s;
  if (/^[0-9]{1,15}$/.test(s)) return Number(s);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** JSON's escapes are YAML's too; any other escape (or a raw control character) is left to the general parser. */
function readDoubleQuoted(text: string, start: number): Maybe<{ value: string; end: number }> {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\") {
      const e = text[i + 1];
      if (e === undefined || !'"\\/bfnrtu'.includes(e)) return FAIL;
      i += e === "u" ? 6 : 2;
      continue;
    }
    if (c === '"') break;
    i++;
  }
  if (i >= text.length) return FAIL;
  const raw = text.slice(start, i + 1);
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(raw)) return FAIL;
  if (!raw.includes("\\")) return { value: raw.slice(1, -1), end: i + 1 };
  try {
    return { value: JSON.parse(raw) as string, end: i + 1 };
  } catch {
    return FAIL;
  }
}

function readSingleQuoted(text: string, start: number): Maybe<{ value: string; end: number }> {
  let i = start + 1;
  let value = "";
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value)) return FAIL;
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
  return FAIL;
}

/** A flow list or mapping that opens and closes on this line. */
function readFlow(text: string, start: number, line: number, column: number, starts: WeakMap<object, Position> | undefined, depth: number): Maybe<{ value: Value; end: number }> {
  if (depth > MAX_NESTING) return FAIL;
  const open = text[start];
  let i = skipSpaces(text, start + 1);
  if (open === "[") {
    const list: Value[] = [];
    if (text[i] === "]") return { value: list, end: i + 1 };
    for (;;) {
      const item = readFlowValue(text, i, line, column, undefined, depth);
      if (item === FAIL) return FAIL;
      list.push(item.value);
      i = skipSpaces(text, item.end);
      if (text[i] === ",") {
        i = skipSpaces(text, i + 1);
        if (text[i] === "]") return FAIL; // a trailing comma: rare enough to leave to the general parser
        continue;
      }
      if (text[i] === "]") return { value: list, end: i + 1 };
      return FAIL;
    }
  }
  const map: Record<string, Value> = {};
  starts?.set(map, { line: line + 1, col: column + start + 1 });
  if (text[i] === "}") return { value: map, end: i + 1 };
  for (;;) {
    let key: string;
    if (text[i] === '"' || text[i] === "'") {
      const quoted = text[i] === '"' ? readDoubleQuoted(text, i) : readSingleQuoted(text, i);
      if (quoted === FAIL) return FAIL;
      key = quoted.value;
      i = quoted.end;
    } else {
      FLOW_KEY.lastIndex = i;
      const match = FLOW_KEY.exec(text);
      if (!match) return FAIL;
      const resolved = resolvePlain(match[0]);
      if (typeof resolved !== "string") return FAIL;
      key = resolved;
      i += match[0].length;
    }
    if (text[i] !== ":" || text[i + 1] !== " " || Object.hasOwn(map, key) || FORBIDDEN_KEYS.has(key)) return FAIL;
    const value = readFlowValue(text, skipSpaces(text, i + 1), line, column, undefined, depth);
    if (value === FAIL) return FAIL;
    map[key] = value.value;
    i = skipSpaces(text, value.end);
    if (text[i] === ",") {
      i = skipSpaces(text, i + 1);
      if (text[i] === "}") return FAIL;
      continue;
    }
    if (text[i] === "}") return { value: map, end: i + 1 };
    return FAIL;
  }
}

const FLOW_KEY = /[A-Za-z_][A-Za-z0-9_.\/-]*/y;

function readFlowValue(text: string, start: number, line: number, column: number, starts: WeakMap<object, Position> | undefined, depth: number): Maybe<{ value: Value; end: number }> {
  const c = text[start];
  if (c === '"') return readDoubleQuoted(text, start);
  if (c === "'") return readSingleQuoted(text, start);
  if (c === "[" || c === "{") return readFlow(text, start, line, column, starts, depth + 1);
  let end = start;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    // , [ ] { }
    if (c === 44 || c === 91 || c === 93 || c === 123 || c === 125) break;
  }
  const plain = withoutTrailingSpaces(text.slice(start, end));
  if (!plain || !plainStartOk(plain) || plain.includes(":") || plain.includes(" #")) return FAIL;
  return { value: resolvePlain(plain), end: start + plain.length };
}

/** YAML's white space is the space (tabs are declined above); JavaScript's trim would also eat U+00A0, U+3000, U+2028…, which are content. */
function withoutTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end === text.length ? text : text.slice(0, end);
}

function withoutLeadingSpaces(text: string): string {
  const start = leadingSpaces(text);
  return start ? text.slice(start) : text;
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === " ") i++;
  return i;
}
