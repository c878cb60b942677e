import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { readFastYaml } from "../../src/yaml/fast-reader.js";
import { YamlSource } from "../../src/yaml/source.js";
import { repoRoot } from "../support/cli.js";

/** What the general parser makes of `text`, or undefined when it reports an error. */
function general(text: string): unknown {
  const doc = parseDocument(text);
  return doc.errors.length ? undefined : doc.toJS();
}

/** The fast reader may decline any text, but what it accepts it must read exactly as the general parser. */
function agrees(text: string): boolean {
  const fast = readFastYaml(text);
  if (!fast) return false;
  expect(general(text), `the general parser rejects what the fast reader took:\n${text}`).toBeDefined();
  expect(fast.data, text).toEqual(general(text));
  return true;
}

const manifests = [
  readFileSync(join(repoRoot, "examples", "assets.yaml"), "utf8"),
  `# yaml-language-server: $schema=x
version: 1
models:
  draft: gemini-3.1-flash-lite-image
  judge: gemini-3.5-flash          # optional: vision screening
pricing:                            # optional overrides
  gemini-3.1-flash-image: { "1K": 0.067, '2K': 0.101 }
budget:
  maxUsd: 10
  warnUsd: 8.5
defaults:
  aspectRatio: "16:9"
  screen:
    brightness: [20, 235]           # allowed mean luma
    judge: { rubric: "Sharp, no text, no watermark", minScore: 7 }
  output: { format: webp, quality: 90 }
assets:
  - id: dunes                       # [a-z0-9][a-z0-9-]*, unique
    prompt: Minimal desert dunes at dusk, pastel palette, no text
    count: 4
    out: wallpapers/dunes-{n}.webp  # {n} = 1..count
  -   id: hero
      prompt: 'It''s a "hero" image: bold'
      tier: final-only
      out: "public/hero.png"
      output: { width: 1600, height: 900, fit: cover }
  - { id: icon, prompt: "Icon, flat", out: "icons/{n}.webp", count: 2 }
tags:
- one
- 2
-   three: 3
    four: [4, "4", four, -4.5, 1e3, .5, +7, 0x1F, 0o17, .inf, -.Inf, .nan, ~, null, Null, TRUE, false, yes, 1K, "16:9"]
empty:
nothing: ~
text: C# and a#b are not comments, nor is this:colon
`,
];

describe("the fast reader reads what people write as a general YAML parser does", () => {
  it("reads typical manifests, comments, quotes and flow values included", () => {
    for (const text of manifests) expect(agrees(text)).toBe(true);
  });

  it("records where each mapping starts, where the general parser places it", () => {
    const text = manifests[1]!;
    const fast = readFastYaml(text)!;
    const source = new YamlSource(text, "m");
    const assets = fast.data.assets as object[];
    expect(assets).toHaveLength(3);
    assets.forEach((asset, i) => {
      const { line, col } = source.locate(["assets", i]);
      expect(fast.starts.get(asset)).toEqual({ line, col });
    });
    expect(fast.starts.get(assets[1]!)).toEqual({ line: 22, col: 7 });
  });

  it("reads one-line JSON records as YAML does, duplicate keys and nesting included", () => {
    const records = [
      'a:\n  - {"seed": 1, "reasons": ["x, \\"y\\": z", "é"], "cost": 1e-7, "ok": true, "none": null}\n',
      'a:\n  - {"text": "has , \\"inner\\": tokens"}\n',
      'a:\n  - {"nested": {"b": 1}}\n',
      'a:\n  - {"x": 1} # a comment\n',
      'a:\n  - {"x": -0, "y": 1E5, "z": "\\u00e9\\n"}\n',
    ];
    for (const text of records) expect(agrees(text), text).toBe(true);
    expect(readFastYaml('a:\n  - {"k": 1, "k": 2}\n')).toBeUndefined();
    expect(readFastYaml('a:\n  - {"k": 1, "k" : 2}\n')).toBeUndefined();
    expect(agrees('a:\n  - {"k" : 1, "j": 2}\n')).toBe(false);
  });

  it("declines what it does not take on, so the general parser reads it", () => {
    const declined = [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: |\n  block\n",
      "a: >\n  folded\n",
      "a: plain\n  continued\n",
      "a: [1,\n  2]\n",
      "a:\n\tb: 1\n",
      "---\na: 1\n",
      "a: 1\na: 2\n",
      "? complex\n: key\n",
      "a: \"\\x41\"\n",
      "a: [1, 2, ]\n",
      "- just\n- a list\n",
      "",
      "# only a comment\n",
      "a: 1\n b: 2\n",
      "512: number key\n",
      "a: b: c\n",
      "\ufeffa: 1\n",
    ];
    for (const text of declined) expect(readFastYaml(text), JSON.stringify(text)).toBeUndefined();
  });

  it("never disagrees with the general parser on thousands of damaged manifests", () => {
    let state = 7;
    const random = (n: number) => ((state = (state * 1103515245 + 12345) & 0x7fffffff) % n);
    const alphabet = [" ", "  ", ":", ": ", "-", "- ", "#", " #", "'", '"', "[", "]", "{", "}", ",", "\n", "\n  ", "x", "1", ".", "~", "\\", "|", "&", "*", "!", "?"];
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      let text = manifests[round % manifests.length]!;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length);
        const cut = random(3);
        text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at + cut);
      }
      if (agrees(text)) accepted++;
    }
    // Most small damage leaves a text the fast reader still takes; the property is tested on those.
    expect(accepted).toBeGreaterThan(500);
  });
});
