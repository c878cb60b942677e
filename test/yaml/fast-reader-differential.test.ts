// The fast YAML reader against the `yaml` package over generated documents: whatever the fast
// reader accepts, `yaml` (and seedlock's general reader built on it) must read to the same data,
// prototype and key order included. The generator mixes what people write with what an attacker
// writes: `__proto__` and friends as keys, anchors and aliases, nesting past the cap, tags,
// quotes, comments, and Unicode whitespace (no-break and ideographic spaces, line and paragraph
// separators, NEL, a byte-order mark) where YAML's own whitespace would go.
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { readFastYaml } from "../../src/yaml/fast-reader.js";
import { FORBIDDEN_KEYS, MAX_NESTING } from "../../src/yaml/limits.js";
import { YamlSource } from "../../src/yaml/source.js";
import { seededRandom } from "../support/seeded-random.js";

const DOCUMENTS = 50_000;

const KEYS = ["id", "prompt", "count", "out", "a", "b-c", "k_1", "x.y", "toString", "hasOwnProperty", "valueOf", '"quoted key"', "'it''s'", "1", "true", "null", "~", "é", "中文"];
/** Keys that reach a prototype, in each spelling YAML allows. */
const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype", '"__proto__"', "'__proto__'", '"constructor"', "'prototype'", '"\\u005f_proto__"'];
const UNICODE_SPACES = ["\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\u0085", "\ufeff", "\u200b", "\t"];
const PLAIN = ["abc", "A calm sea, no text", "1", "-2.5", "0x1F", "0o17", ".inf", "-.Inf", ".nan", "~", "null", "Null", "True", "FALSE", "yes", "1e3", "+7", "007", "a#b", "C# code", "img/{n}.webp", "16:9", "1K", "é", "12345678901234567890", "-0", "0.", ".5", "3.14e-2"];
const QUOTED = ['"a b"', '"esc \\" \\\\ \\n \\u00e9"', "'it''s'", '""', "''", '"\\x41"', '"tab\\there"', "'a #b'", '"{n}"'];

function documentFrom(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const anchors: string[] = [];
  const key = () => (chance(0.04) ? pick(PROTOTYPE_KEYS) : pick(KEYS));
  const scalar = (): string => {
    const r = random();
    if (r < 0.5) return pick(PLAIN);
    if (r < 0.75) return pick(QUOTED);
    if (r < 0.82) return `${pick(PLAIN)}${pick(UNICODE_SPACES)}${pick(PLAIN)}`;
    if (r < 0.9 && anchors.length) return `*${pick(anchors)}`;
    if (r < 0.91) return `!!str ${pick(PLAIN)}`;
    if (r < 0.93) return `${pick(PLAIN)} # a comment`;
    if (r < 0.98) {
      const name = `a${anchors.length}`;
      anchors.push(name);
      return `&${name} ${pick(PLAIN)}`;
    }
    return `'${pick(UNICODE_SPACES)}'`;
  };
  const flow = (depth: number): string => {
    if (depth > 1 && chance(0.5)) return scalar();
    const items = Array.from({ length: Math.floor(random() * 3) }, () => (chance(0.3) ? flow(depth + 1) : scalar()));
    if (chance(0.5)) return `[${items.join(", ")}]`;
    return `{${items.map((v) => `${key()}: ${v}`).join(", ")}}`;
  };
  const deepFlow = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
  const lines: string[] = [];
  const block = (indent: number, depth: number, budget: { lines: number }) => {
    const pad = " ".repeat(indent);
    const entries = 1 + Math.floor(random() * 3);
    const asList = depth > 0 && chance(0.3);
    for (let i = 0; i < entries && budget.lines > 0; i++) {
      budget.lines--;
      const lead = asList ? `${pad}- ` : pad;
      const head = asList && chance(0.5) ? lead : `${lead}${key()}:`;
      const isEntry = !head.endsWith("- ");
      const r = random();
      if (isEntry && r < 0.25 && depth < 80) {
        lines.push(head);
        block(indent + (asList ? 4 : 2), depth + 1, budget);
      } else if (r < 0.3) {
        lines.push(`${head} ${deepFlow(chance(0.1) ? MAX_NESTING - 3 + Math.floor(random() * 6) : 1 + Math.floor(random() * 4))}`);
      } else if (r < 0.55) {
        lines.push(`${head} ${flow(0)}`);
      } else {
        lines.push(`${head}${isEntry ? " " : ""}${scalar()}`);
      }
    }
  };
  // Some documents nest deep enough to cross the cap on the way down (few: the general parser is slow on them).
  const deep = chance(0.02);
  if (deep) {
    const levels = MAX_NESTING - 4 + Math.floor(random() * 8);
    for (let i = 0; i < levels; i++) lines.push(`${"  ".repeat(i)}${pick(KEYS)}:`);
    lines.push(`${"  ".repeat(levels)}leaf: ${scalar()}`);
  } else {
    // An anchor first, so that aliases further down have something to name.
    if (chance(0.25)) {
      anchors.push("base");
      lines.push(`${key()}: &base ${chance(0.5) ? flow(0) : pick(PLAIN)}`);
    }
    block(0, 0, { lines: 1 + Math.floor(random() * 6) });
  }
  let text = lines.join("\n") + "\n";
  // Unicode whitespace where a space or a line break was.
  if (chance(0.15)) {
    const at = Math.floor(random() * text.length);
    text = text.slice(0, at) + pick(UNICODE_SPACES) + text.slice(at + (chance(0.5) ? 1 : 0));
  }
  if (chance(0.02)) text = `\ufeff${text}`;
  return text;
}

/** Same data: same kinds, same prototype, same own keys in the same order, numbers by Object.is. */
function same(a: unknown, b: unknown, at = "$"): string | undefined {
  if (typeof a !== typeof b) return `${at}: ${typeof a} vs ${typeof b}`;
  if (a === null || b === null || typeof a !== "object") return Object.is(a, b) ? undefined : `${at}: ${String(a)} vs ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: different prototypes`;
  if (Array.isArray(a)) {
    const list = b as unknown[];
    if (a.length !== list.length) return `${at}: ${a.length} items vs ${list.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = same(a[i], list[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b as object);
  if (ka.join("\0") !== kb.join("\0")) return `${at}: keys ${String(ka)} vs ${String(kb)}`;
  for (const k of ka) {
    const d = same((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], `${at}.${String(k)}`);
    if (d) return d;
  }
  return undefined;
}

/** Whether a parsed value holds a key of FORBIDDEN_KEYS anywhere, as an own key (an alias inside its own anchor makes a cycle). */
function holdsForbidden(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== "object" || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.some((v) => holdsForbidden(v, seen));
  return Reflect.ownKeys(value).some((k) => FORBIDDEN_KEYS.has(String(k)) || holdsForbidden((value as Record<PropertyKey, unknown>)[k], seen));
}

describe("the fast YAML reader agrees with the yaml package on every document it accepts", () => {
  it(`over ${DOCUMENTS.toLocaleString("en")} generated documents with __proto__, anchors, deep nesting and Unicode whitespace`, () => {
    const random = seededRandom(0x5eed9);
    const seen = { accepted: 0, forbidden: 0, forbiddenRefused: 0, tooDeep: 0, aliases: 0 };
    for (let n = 0; n < DOCUMENTS; n++) {
      const text = documentFrom(random);
      if (/\*(a\d|base)/.test(text)) seen.aliases++;
      const fast = readFastYaml(text);
      const forbiddenWord = /__proto__|constructor|prototype|\\u005f_proto/.test(text);
      // The general parser is the slow side: only needed to check an acceptance or a forbidden key.
      if (!fast && !forbiddenWord) {
        if (/\[{60}|^ {120}/m.test(text)) seen.tooDeep++;
        continue;
      }
      const doc = parseDocument(text, { uniqueKeys: true });
      let general: unknown;
      let generalFailed = doc.errors.length > 0;
      if (!generalFailed) {
        try {
          general = doc.toJS({ maxAliasCount: 1000 });
        } catch {
          generalFailed = true;
        }
      }
      if (fast) {
        seen.accepted++;
        expect(generalFailed, `yaml refuses what the fast reader took:\n${text}`).toBe(false);
        const difference = same(fast.data, general);
        expect(difference, `the readers disagree (${difference}) on:\n${text}`).toBeUndefined();
        expect(holdsForbidden(fast.data), `the fast reader took a forbidden key:\n${text}`).toBe(false);
      }
      // Whatever yaml reads with a prototype-reaching key, seedlock's general reader refuses at a position.
      if (!generalFailed && holdsForbidden(general)) {
        seen.forbidden++;
        const source = new YamlSource(text, "doc.yaml");
        const refusal = source.syntax.find((d) => /is not allowed in a seedlock file|nested more than/.test(d.message));
        expect(refusal, `not refused:\n${text}`).toBeDefined();
        expect(refusal!.location!.line).toBeGreaterThan(0);
        seen.forbiddenRefused++;
      }
      if (!fast && /\[{60}|^ {120}/m.test(text)) seen.tooDeep++;
    }
    // The property means something only if each kind of document came up often.
    expect(seen.accepted).toBeGreaterThan(5_000);
    expect(seen.forbidden).toBeGreaterThan(2_000);
    expect(seen.forbiddenRefused).toBe(seen.forbidden);
    expect(seen.tooDeep).toBeGreaterThan(1_000);
    expect(seen.aliases).toBeGreaterThan(2_000);
  });
});
