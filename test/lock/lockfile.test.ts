import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { formatLockfile, LockfileText, lockPathFor, parseLockfile, readLockfile, writeLockfile } from "../../src/lock/file.js";
import { formatYamlSubset } from "../../src/lock/format.js";
import { readFastYaml } from "../../src/yaml/fast-reader.js";
import { emptyLockfile, type AssetLock, type Lockfile } from "../../src/lock/types.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "seedlock-lock-"));
  dirs.push(d);
  return d;
}

export function entry(overrides: Partial<AssetLock> = {}): AssetLock {
  return {
    inputHash: `sha256:${"ab".repeat(32)}`,
    prompt: "Minimal desert dunes at dusk, pastel palette: no text",
    models: { draft: "gemini-3.1-flash-lite-image", final: "gemini-3.1-flash-image" },
    seeds: [
      { seed: 12, model: "gemini-3.1-flash-lite-image", status: "rejected", reasons: ["too-dark (mean luma 12 < 20)"], phash: "00ff00ff00ff00ff", costUsd: 0.0336 },
      { seed: 11, model: "gemini-3.1-flash-lite-image", status: "rendered", draft: ".seedlock/drafts/dunes-11.jpg", judgeScore: 8.5, costUsd: 0.1346 },
    ],
    outputs: [{ path: "wallpapers/dunes-1.webp", sha256: "cd".repeat(32), seed: 11, model: "gemini-3.1-flash-image", width: 2752, height: 1536, bytes: 48213 }],
    spentUsd: 0.1682,
    ...overrides,
  };
}

function lockWith(assets: Record<string, AssetLock>): Lockfile {
  return { version: 1, stats: { drafts: 2, accepted: 1, rejected: 1, regenerated: 0, rendered: 1, spentUsd: 0.1682 }, assets };
}

describe("the lockfile sits beside the manifest", () => {
  it("assets.yaml → assets.lock.yaml, other names alike", () => {
    expect(lockPathFor("/repo/assets.yaml")).toBe("/repo/assets.lock.yaml");
    expect(lockPathFor("/repo/design/icons.yml")).toBe("/repo/design/icons.lock.yml");
    expect(lockPathFor("/repo/manifest")).toBe("/repo/manifest.lock.yaml");
  });
});

describe("reading a lockfile", () => {
  it("a missing lockfile is an empty one: nothing generated yet", async () => {
    expect(await readLockfile(join(tempDir(), "assets.lock.yaml"))).toEqual(emptyLockfile());
  });

  it("what was written is what is read back", async () => {
    const path = join(tempDir(), "assets.lock.yaml");
    const lock = lockWith({ dunes: entry(), hero: entry({ prompt: "A hero\nwith two lines", models: { draft: "a", final: "b", judge: "gemini-3.5-flash" } }) });
    await writeLockfile(path, lock);
    const back = await readLockfile(path);
    expect(back.assets.hero!.prompt).toBe("A hero\nwith two lines");
    expect(back).toEqual({ ...lock, assets: { dunes: { ...entry(), seeds: [...entry().seeds].reverse() }, hero: back.assets.hero } });
  });

  it("a hand-edited lockfile in any YAML (flow maps, comments, block scalars) still reads", () => {
    const text = formatLockfile(lockWith({ dunes: entry() }))
      .replace("  dunes:\n", "  # edited by hand\n  dunes:\n")
      .replace(/models:\n\s+draft: (\S+)\n\s+final: (\S+)/, "models: { draft: '$1', final: $2 }")
      .replace(/prompt: .*\n/, "prompt: >-\n      Minimal desert dunes at dusk,\n      pastel palette: no text\n");
    expect(readFastYaml(text)).toBeUndefined(); // outside what the fast reader takes…
    const back = parseLockfile(text, "assets.lock.yaml").assets.dunes!; // …but read all the same
    expect(back.models).toEqual(entry().models);
    expect(back.prompt).toBe(entry().prompt);
  });

  it("errors name the file, line and column and how to recover", () => {
    const text = formatLockfile(lockWith({ dunes: entry() })).replace(`"sha256": "${"cd".repeat(32)}"`, '"sha256": "cdcd"');
    const err = (() => {
      try {
        parseLockfile(text, "assets.lock.yaml");
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes('"sha256": "cdcd",')) + 1;
    const col = lines[line - 1]!.indexOf('"cdcd",') + 1;
    expect(col).toBeGreaterThan(1);
    expect(err!.message).toBe(
      `assets.lock.yaml:${line}:${col}: assets.dunes.outputs[0].sha256 must be 64 lower-case hexadecimal digits, not 'cdcd' (delete the 'dunes' entry so seedlock generates that asset again, or restore assets.lock.yaml from git)`,
    );
  });

  it("a lockfile cut off at any byte is invalid input, never a crash", () => {
    const text = formatLockfile(lockWith({ dunes: entry(), hero: entry() }));
    expect(parseLockfile(text, "l").assets).toHaveProperty("hero");
    // Every cut loses something, even one that ends cleanly between two entries.
    for (let cut = 0; cut < text.trimEnd().length - "# end of lockfile".length; cut += 3) {
      expect(() => parseLockfile(text.slice(0, cut), "l"), `cut at ${cut}`).toThrow(InputError);
    }
    const between = text.slice(0, text.indexOf("  hero:"));
    expect(() => parseLockfile(between, "assets.lock.yaml")).toThrow(/assets\.lock\.yaml:\d+:\d+: the lockfile stops before its last line/);
  });
});

describe("writing a lockfile", () => {
  it("is machine-written text with a header, stable key order and assets sorted by id", () => {
    const text = formatLockfile(lockWith({ zebra: entry(), alpha: entry() }));
    expect(text.startsWith("# Written by seedlock")).toBe(true);
    expect(text.indexOf("  alpha:")).toBeLessThan(text.indexOf("  zebra:"));
    const keys = text.split("\n").filter((l) => /^ {4}[a-zA-Z]+:/.test(l)).slice(0, 6).map((l) => l.trim().split(":")[0]);
    expect(keys).toEqual(["inputHash", "prompt", "models", "spentUsd", "seeds", "outputs"]);
    // Seeds by number, whatever order they were recorded in.
    expect(text.indexOf('{"seed": 11,')).toBeLessThan(text.indexOf('{"seed": 12,'));
  });

  it("the same lockfile always gives the same bytes, whatever order its keys were built in", () => {
    const a = entry();
    const b = Object.fromEntries(Object.entries(entry()).reverse()) as unknown as AssetLock;
    expect(formatLockfile(lockWith({ dunes: b }))).toBe(formatLockfile(lockWith({ dunes: a })));
  });

  it("adding a seed changes only the lines of that seed", () => {
    const before = formatLockfile(lockWith({ dunes: entry() })).split("\n");
    const more = entry();
    more.seeds.push({ seed: 13, model: "gemini-3.1-flash-lite-image", status: "accepted", costUsd: 0.0336 });
    const after = formatLockfile(lockWith({ dunes: more })).split("\n");
    const at = after.indexOf('      - {"seed": 13, "model": "gemini-3.1-flash-lite-image", "status": "accepted", "costUsd": 0.0336}');
    expect(at).toBeGreaterThan(0);
    expect([...after.slice(0, at), ...after.slice(at + 1)]).toEqual(before);
  });

  it("rounds money to a millionth so float noise does not show in diffs", () => {
    const text = formatLockfile(lockWith({ dunes: entry({ spentUsd: 0.1 + 0.2 }) }));
    expect(text).toContain("    spentUsd: 0.3\n");
  });

  it("keeps keys a newer seedlock added, after the known ones", () => {
    const withExtra = { ...entry(), zNote: "kept", aNote: 1 } as AssetLock;
    const back = parseLockfile(formatLockfile(lockWith({ dunes: withExtra })), "l");
    expect((back.assets.dunes as unknown as Record<string, unknown>).zNote).toBe("kept");
  });

  it("replaces the file atomically and leaves no temporary file behind", async () => {
    const dir = tempDir();
    const path = join(dir, "assets.lock.yaml");
    writeFileSync(path, "old contents\n");
    await Promise.all(Array.from({ length: 8 }, (_, i) => writeLockfile(path, lockWith({ [`asset-${i}`]: entry() }))));
    expect(readdirSync(dir)).toEqual(["assets.lock.yaml"]);
    // One of the writers won, whole.
    const back = await readLockfile(path);
    expect(Object.keys(back.assets)).toHaveLength(1);
    expect(readFileSync(path, "utf8")).toBe(formatLockfile(back));
  });
});

describe("rewriting a large lockfile formats only the entries that changed", () => {
  it("gives the same bytes as a whole rewrite after entries are edited, added, replaced and removed", () => {
    const text = new LockfileText();
    const lock = lockWith({ "b-asset": entry(), "a-asset": entry({ prompt: "Quoted: \"yes\", no" }), "404": entry() });
    expect(text.format(lock, "all")).toBe(formatLockfile(lock));
    lock.assets["a-asset"]!.seeds.push({ seed: 13, model: "gemini-3.1-flash-lite-image", status: "accepted", costUsd: 0.0336 });
    lock.assets["a-asset"]!.surplus = 1;
    expect(text.format(lock, new Set(["a-asset"]))).toBe(formatLockfile(lock));
    lock.assets["c-asset"] = entry({ tier: { chosen: "final-only", reason: "final-only: $0.1008 per kept image against $0.1344 two-tier" } });
    lock.assets["b-asset"] = entry({ spentUsd: 1 });
    delete lock.assets["404"];
    expect(text.format(lock, new Set())).toBe(formatLockfile(lock));
    expect(parseLockfile(text.format(lock, new Set()), "x").assets["c-asset"]!.tier?.chosen).toBe("final-only");
    // Batch jobs out come after the assets, as in a whole rewrite.
    lock.batches = { "seedlock-draft-1": { model: "gemini-3.1-flash-lite-image", stage: "draft", submittedAt: "2026-12-01T09:00:00.000Z", reservedUsd: 0.5, requests: [] } };
    expect(text.format(lock, new Set())).toBe(formatLockfile(lock));
    expect(parseLockfile(text.format(lock, new Set()), "x").batches?.["seedlock-draft-1"]?.stage).toBe("draft");
  });

  it("an entry edited in place but not named keeps its old text: callers name what they change", () => {
    const text = new LockfileText();
    const lock = lockWith({ a: entry() });
    const before = text.format(lock, "all");
    lock.assets.a!.spentUsd = 2;
    expect(text.format(lock, new Set())).toBe(before);
    expect(text.format(lock, new Set(["a"]))).toBe(formatLockfile(lock));
  });
});

describe("everything seedlock writes, the fast reader reads as a general YAML parser does", () => {
  const awkward = [
    "plain",
    "with space",
    "true",
    "null",
    "yes",
    "123",
    "1e5",
    "0x1f",
    ".inf",
    "-dash",
    "colon: inside",
    "ends:",
    "#hash",
    "quote\"s",
    "back\\slash",
    "tab\there",
    "new\nline",
    "ünïcödé ✓",
    "emoji 🌵",
    "\u0085nel",
    "\u2028ls",
    "",
    " leading",
    "trailing ",
    "[bracket",
    "{brace",
    "sha256:abc",
    "a/b/c.webp",
  ];
  it("for awkward strings as keys and values, nested maps and lists", () => {
    const value: Record<string, unknown> = {
      version: 1,
      strings: awkward,
      numbers: [0, -1, 1.5, 1e-7, 123456789, 0.1 + 0.2],
      flags: { t: true, f: false, n: null },
      keyed: Object.fromEntries(awkward.filter((k) => k !== "").map((k, i) => [k, i])),
      records: awkward.map((s, i) => ({ name: s, index: i, tags: [s, i], nested: { deeper: s } })),
      empty: { list: [], map: {} },
    };
    const text = formatYamlSubset(value, ["header"]);
    const fast = readFastYaml(text)?.data;
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
    expect(fast).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it("for a thousand random documents", () => {
    let state = 42;
    const random = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const scalar = (): unknown => pick([() => pick(awkward), () => Math.round(random() * 1e6) / 1e3, () => random() > 0.5, () => null])();
    const node = (depth: number): unknown => {
      if (depth > 3 || random() < 0.3) return scalar();
      if (random() < 0.5) return Array.from({ length: Math.floor(random() * 4) }, () => node(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`${pick(awkward) || "k"}${i}`, node(depth + 1)]));
    };
    for (let i = 0; i < 1000; i++) {
      const value = { root: node(0), other: node(1) };
      const text = formatYamlSubset(value);
      const fast = readFastYaml(text)?.data;
      expect(fast, text).toBeDefined();
      expect(fast, text).toEqual(parse(text));
    }
  });
});
