import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from "yaml";
import { InputError, type Diagnostic, type SourceLocation } from "../errors.js";
import { FORBIDDEN_KEYS, MAX_ALIASES, MAX_NESTING } from "./limits.js";

/** A step into a YAML document: a mapping key or a list index. */
export type PathSegment = string | number;

/**
 * One problem found in a YAML file, addressed by its path in the document; `at` says whether the
 * location is the key (unknown keys) or the value (everything else).
 */
export interface Finding {
  path: PathSegment[];
  at?: "key" | "value";
  message: string;
  fix?: string;
}

export interface YamlSourceOptions {
  /** A fix for a syntax error that knows the file's own vocabulary, from the broken line's text; the generic fix otherwise. */
  lineFix?: (line: string) => string | undefined;
}

/** A YAML file parsed once, keeping positions so any finding can name its line and column. */
export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();
  /** Syntax errors (tabs, bad indentation, duplicate keys…), already located. */
  readonly syntax: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  constructor(
    readonly text: string,
    /** The file as the user should see it in messages. */
    readonly file: string,
    options: YamlSourceOptions = {},
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    const seenLines = new Set<number>();
    for (const error of this.doc.errors) {
      const location = this.at(error.pos[0]);
      // One broken line often produces several follow-on errors; the first says what to fix.
      if (seenLines.has(location.line)) continue;
      seenLines.add(location.line);
      const lineText = text.split("\n", location.line)[location.line - 1] ?? "";
      const fix = options.lineFix?.(lineText) ?? syntaxFix(error.code);
      this.syntax.push({ location, message: syntaxMessage(error.code, error.message), fix });
    }
    for (const warning of this.doc.warnings) {
      this.warnings.push({ location: this.at(warning.pos[0]), message: firstLine(warning.message) });
    }
    if (!this.syntax.length) this.syntax.push(...this.shapeProblems());
  }

  /**
   * The document as plain data (aliases resolved). An alias that names no anchor, or aliases that
   * expand past MAX_ALIASES copies (an "alias bomb"), are InputErrors at the alias.
   */
  toData(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      const aliases: Alias[] = [];
      visit(this.doc, { Alias: (_, node) => void aliases.push(node) });
      const unresolved = aliases.find((a) => a.resolve(this.doc) === undefined);
      const at = unresolved ?? aliases[0];
      const location = this.at(at?.range?.[0] ?? 0);
      throw new InputError([
        unresolved
          ? { location, message: `the alias *${unresolved.source} names no anchor (&${unresolved.source}) above it`, fix: `define &${unresolved.source} before this line, or write the value out` }
          : { location, message: `aliases here expand to more than ${MAX_ALIASES} copies of their anchors; seedlock refuses such a document (an alias bomb)`, fix: "write the values out instead of nesting aliases of aliases" },
      ]);
    }
  }

  /** Keys that would reach an object's prototype, and nesting past MAX_NESTING, at their position. */
  private shapeProblems(): Diagnostic[] {
    const problems: Diagnostic[] = [];
    // An explicit stack: a document nested thousands deep must not overflow this walk either.
    const stack: [unknown, number][] = [[this.doc.contents, 1]];
    while (stack.length && problems.length < 20) {
      const [node, depth] = stack.pop()!;
      if (!isMap(node) && !isSeq(node)) continue;
      if (depth > MAX_NESTING) {
        problems.push({
          location: this.at(rangeStart(node) ?? 0),
          message: `lists and mappings are nested more than ${MAX_NESTING} deep here; seedlock files never need that`,
          fix: "flatten the structure; a manifest nests five levels at most",
        });
        break;
      }
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          if (isScalar(item.key) && FORBIDDEN_KEYS.has(String(item.key.value))) {
            problems.push({
              location: this.at(rangeStart(item.key) ?? 0),
              message: `the key ${String(item.key.value)} is not allowed in a seedlock file (it would reach JavaScript's object prototype)`,
              fix: "remove it; no seedlock setting has this name",
            });
          }
          stack.push([item.key, depth + 1], [item.value, depth + 1]);
        } else {
          stack.push([item, depth + 1]);
        }
      }
    }
    // An alias inside the value it names makes a value that contains itself, which no file needs.
    visit(this.doc, {
      Alias: (_, alias) => {
        const target = alias.resolve(this.doc);
        const at = alias.range?.[0];
        if (!target?.range || at === undefined || at < target.range[0] || at >= target.range[1]) return;
        problems.push({
          location: this.at(at),
          message: `the alias *${alias.source} is inside the value it names, so that value would contain itself`,
          fix: "write the value out instead of the alias",
        });
        return visit.BREAK;
      },
    });
    return problems.sort((a, b) => a.location!.line - b.location!.line || a.location!.col - b.location!.col);
  }

  /** 1-based line and column of a character offset. */
  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /**
   * Where `path` is in the file: the value node (or its key, with at = "key"); when the path goes
   * further than the document does (a missing key), the deepest node that exists.
   */
  locate(path: readonly PathSegment[], at: "key" | "value" = "value"): SourceLocation {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        if (last && at === "key" && keyStart !== undefined) return this.at(keyStart);
        const valueStart = rangeStart(pair.value);
        offset = valueStart ?? keyStart ?? offset;
        node = pair.value;
        // A key with no value (`count:`) points at the key.
        if (valueStart === undefined) break;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        const start = rangeStart(item);
        if (start === undefined) break;
        offset = start;
        node = item;
      } else {
        break;
      }
    }
    return this.at(offset);
  }

  /** A finding as the Diagnostic the user reads: `file:line:col: path message (fix)`. */
  diagnostic(finding: Finding): Diagnostic {
    return {
      location: this.locate(finding.path, finding.at),
      path: finding.path.length ? formatPath(finding.path) : undefined,
      message: finding.message,
      fix: finding.fix,
    };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** `["assets", 1, "count"]` → `assets[1].count`; keys that are not plain names are quoted. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function syntaxMessage(code: string, message: string): string {
  switch (code) {
    case "TAB_AS_INDENT":
      return "a tab is used for indentation; YAML indents with spaces only";
    case "DUPLICATE_KEY":
      return "this key appears twice in the same mapping";
    case "MULTIPLE_DOCS":
      return "the file holds more than one YAML document (a second `---`)";
    case "RESOURCE_EXHAUSTION":
      return `lists and mappings are nested too deep here (more than ${MAX_NESTING} levels); seedlock files never need that`;
    default:
      return `YAML syntax error: ${firstLine(message).replace(/\.$/, "")}`;
  }
}

function syntaxFix(code: string): string {
  switch (code) {
    case "TAB_AS_INDENT":
      return "replace the tab with spaces";
    case "DUPLICATE_KEY":
      return "keep one of the two and delete the other";
    case "MULTIPLE_DOCS":
      return "keep one document per file";
    case "RESOURCE_EXHAUSTION":
      return "flatten the structure; a manifest nests five levels at most";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
      return "check the indentation and the closing brackets or quotes on this line";
    default:
      return "fix the YAML on this line; an editor with YAML support shows the spot";
  }
}

/** How a value reads in a finding's message: text in quotes, structures by kind. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (typeof value === "string") return `'${value.length > 40 ? `${value.slice(0, 37)}…` : value}'`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}
