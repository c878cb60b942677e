// The sticky comment as a reviewer sees it: a real preview's body, rendered as GitHub renders it (GFM), in headless Chromium.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { marked } from "marked";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { colourful, domOf, haveChromium, MISSING, pixelsOf, screenshot, type Pixels } from "../support/chromium.js";
import { repoRoot } from "../support/cli.js";
import { KEY, MAINTAINER, MANIFEST, api, checkoutMerge, commentStep, pullRequestStep, repo, step, useScenario } from "./scenario.js";

// SEEDLOCK_UPDATE_SCREENSHOTS=1 writes the screenshot to docs/images/ for docs/ACTION.md.
const UPDATE = process.env.SEEDLOCK_UPDATE_SCREENSHOTS === "1";

// dunes asks for 2 images so one of its drafts can be rejected and the other stay ticked.
const PR_MANIFEST = MANIFEST.replace("count: 1\n    out: art/dunes", "count: 2\n    out: art/dunes");

// A few rules of GitHub's comment CSS (Primer's markdown-body): enough that the layout reads as on github.com.
const CSS = `
body { margin: 0; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; }
.comment { margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; background: #fff; }
.comment header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; color: #59636e; }
.markdown-body { padding: 16px; }
.markdown-body h3 { font-size: 1.25em; margin: 0 0 16px; }
.markdown-body h4 { font-size: 1em; margin: 24px 0 16px; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body details { margin: 0 0 16px; }
.markdown-body code { padding: .2em .4em; font: 85% "DejaVu Sans Mono", monospace; background: #818b981f; border-radius: 6px; }
.markdown-body table { border-collapse: collapse; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body ul:has(> li > input) { padding-left: 0; list-style: none; }
.markdown-body li { margin: 4px 0; }
.markdown-body li > input { accent-color: #0969da; margin: 0 .3em .25em 0; vertical-align: middle; }
.markdown-body li img { vertical-align: middle; margin-left: 6px; border-radius: 3px; }
.markdown-body sub { color: #59636e; }
`;

// Run in the page once everything loaded: where each checkbox, image and the command line landed.
const MEASURE = `addEventListener("load", () => {
  const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left + scrollX, top: r.top + scrollY, width: r.width, height: r.height }; };
  const review = [...document.querySelectorAll("p")].find((p) => p.textContent.startsWith("Review:"));
  const layout = {
    height: document.querySelector(".comment").getBoundingClientRect().bottom + scrollY + 16,
    boxes: [...document.querySelectorAll("li > input[type=checkbox]")].map((i) => ({ checked: i.checked, text: i.parentElement.textContent.trim(), ...box(i) })),
    images: [...document.querySelectorAll("li img")].map((i) => ({ src: i.getAttribute("src"), complete: i.complete, natural: [i.naturalWidth, i.naturalHeight], ...box(i) })),
    review: review ? { text: review.textContent, ...box(review) } : null,
  };
  document.body.dataset.layout = encodeURIComponent(JSON.stringify(layout));
});`;

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}
interface Layout {
  height: number;
  boxes: (Box & { checked: boolean; text: string })[];
  images: (Box & { src: string; complete: boolean; natural: [number, number] })[];
  review: (Box & { text: string }) | null;
}

/** The box shrunk by `by` pixels on each side and rounded inward, so anti-aliased edges are left out. */
const inside = (b: Box, by: number): Box => ({ left: Math.ceil(b.left + by), top: Math.ceil(b.top + by), width: Math.floor(b.width - 2 * by), height: Math.floor(b.height - 2 * by) });

function meanOf(p: Pixels, b: Box): [number, number, number] {
  const sum = [0, 0, 0];
  for (let y = b.top; y < b.top + b.height; y++) for (let x = b.left; x < b.left + b.width; x++) p.at(x, y).forEach((v, i) => (sum[i] = sum[i]! + v));
  const n = b.width * b.height;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

useScenario();

describe("the sticky comment, rendered as GitHub renders it", () => {
  if (!haveChromium) {
    if (process.env.CI) it("screenshots the comment in headless Chromium", () => expect.fail(`CI must run the screenshot tests, but ${MISSING}`));
    else it.skip(`screenshot — skipped: ${MISSING}`, () => {});
    return;
  }

  it("shows a ticked box per approved draft, a cleared one per rejected draft, each draft's picture, and the command syntax", async () => {
    // A real preview through the built main, then a maintainer's verdict, so the comment holds both kinds of box.
    const { headSha } = repo.pullRequest("new-art", { "assets.yaml": PR_MANIFEST }, "author");
    const { ws } = checkoutMerge("pr", "new-art");
    const preview = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }));
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    const verdict = await step("main", commentStep(ws, "/seedlock reject dunes 1\n", MAINTAINER, { "api-key": KEY }));
    expect(verdict.code, verdict.stdout + verdict.stderr).toBe(0);
    const ours = api.commentsOn(7).filter((c) => c.body?.startsWith("<!-- seedlock:preview -->"));
    expect(ours).toHaveLength(1);
    const body = ours[0]!.body!;
    const said = [...body.matchAll(/^- \[([ x])\] (.*?)(?: <img|$)/gm)].map((m) => ({ checked: m[1] === "x", label: m[2]! }));
    expect(said.some((b) => b.checked)).toBe(true);
    expect(said.some((b) => !b.checked)).toBe(true);

    // The images point at the previews branch on the server (github.com in a real run): serve those same bytes from files.
    const page = await mkdtemp(join(tmpdir(), "seedlock-comment-"));
    try {
      const html = marked.parse(body, { gfm: true, async: false });
      const links = [...new Set([...html.matchAll(/src="(http:\/\/git\.example\/octo\/site\/raw\/([0-9a-f]{40})\/([^"]+))"/g)].map((m) => m[1]!))];
      expect(links.length).toBeGreaterThanOrEqual(said.length);
      // marked draws task-list boxes disabled, as GitHub shows them to readers; a reviewer with write access gets live ones.
      expect(html.match(/<input (checked="" )?disabled="" type="checkbox">/g)).toHaveLength(said.length);
      let local = html.replace(/ disabled="" type="checkbox"/g, ' type="checkbox"');
      const onBranch = new Map<string, Buffer>();
      for (const link of links) {
        const [, commit, path] = /\/raw\/([0-9a-f]{40})\/(.+)$/.exec(link)!;
        const bytes = execFileSync("git", ["show", `${commit}:${path}`], { cwd: repo.origin, maxBuffer: 64 << 20 });
        onBranch.set(path!, bytes);
        await mkdir(dirname(join(page, path!)), { recursive: true });
        await writeFile(join(page, path!), bytes);
        local = local.split(link).join(path!);
      }
      expect(local).not.toMatch(/src="http/);
      await writeFile(
        join(page, "comment.html"),
        `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style><script>${MEASURE}</script></head>` +
          `<body><div class="comment"><header><b>github-actions</b> bot commented</header><div class="markdown-body">${local}</div></div></body></html>`,
      );
      const url = pathToFileURL(join(page, "comment.html")).href;
      const width = 900;
      const first = await domOf(url, { width, height: 3000 });
      const measured = JSON.parse(decodeURIComponent(/data-layout="([^"]+)"/.exec(first)![1]!)) as Layout;
      const height = Math.ceil(measured.height);
      const dom = await domOf(url, { width, height });
      const layout = JSON.parse(decodeURIComponent(/data-layout="([^"]+)"/.exec(dom)![1]!)) as Layout;
      const shot = await screenshot(url, join(page, "comment.png"), { width, height });
      const pixels = await pixelsOf(shot);
      expect(pixels.height).toBe(height);

      // (a) A checkbox per draft, ticked exactly as the markdown says, and drawn so: a ticked box filled blue, a cleared one white inside.
      expect(layout.boxes.map((b) => b.checked)).toEqual(said.map((b) => b.checked));
      for (const [i, b] of layout.boxes.entries()) expect(b.text.startsWith(said[i]!.label.replace(/[*~]/g, ""))).toBe(true);
      for (const b of layout.boxes) {
        expect(b.width).toBeGreaterThanOrEqual(10);
        const [r, g, bl] = meanOf(pixels, inside(b, 3));
        if (b.checked) expect(bl - r, b.text).toBeGreaterThan(60);
        else expect(Math.min(r, g, bl), b.text).toBeGreaterThan(240);
      }

      // (b) Every draft's picture decoded and on screen at 96 px wide: the screenshot's pixels there are the draft's own.
      expect(layout.images).toHaveLength(said.length);
      for (const img of layout.images) {
        expect(img.complete && img.natural[0] > 0, img.src).toBe(true);
        expect(Math.round(img.width)).toBe(96);
        expect(Math.round(img.height)).toBe(Math.round((96 * img.natural[1]) / img.natural[0]));
        const region = inside(img, 4);
        expect(region.top + region.height).toBeLessThanOrEqual(pixels.height);
        const { data } = await sharp(onBranch.get(img.src)).resize(Math.round(img.width), Math.round(img.height), { fit: "fill" }).extract({ left: 4, top: 4, width: region.width, height: region.height }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        let diff = 0;
        let spread = 0;
        const shown = meanOf(pixels, region);
        for (let y = 0; y < region.height; y++) {
          for (let x = 0; x < region.width; x++) {
            const seen = pixels.at(region.left + x, region.top + y);
            const i = (y * region.width + x) * 3;
            diff += Math.abs(seen[0] - data[i]!) + Math.abs(seen[1] - data[i + 1]!) + Math.abs(seen[2] - data[i + 2]!);
            spread += Math.abs(seen[0] - shown[0]) + Math.abs(seen[1] - shown[1]) + Math.abs(seen[2] - shown[2]);
          }
        }
        const n = region.width * region.height * 3;
        // Not blank (a picture varies), and the same picture as the draft on the previews branch.
        expect(spread / n, img.src).toBeGreaterThan(4);
        expect(diff / n, img.src).toBeLessThan(12);
      }
      expect(colourful(pixels)).toBeGreaterThan(said.length * 1000);

      // (c) The command syntax, rendered as text (no backticks left), on screen as dark type on white.
      expect(layout.review).not.toBeNull();
      for (const command of ["/seedlock approve <asset> <n…>", "/seedlock reject <asset> <n…>", "/seedlock reroll <asset>"]) expect(layout.review!.text).toContain(command);
      expect(layout.review!.text).not.toContain("`");
      const line = inside(layout.review!, 0);
      expect(line.top + line.height).toBeLessThanOrEqual(pixels.height);
      let ink = 0;
      for (let y = line.top; y < line.top + line.height; y++) for (let x = line.left; x < line.left + line.width; x++) if (Math.max(...pixels.at(x, y)) < 110) ink++;
      expect(ink).toBeGreaterThan(500);

      if (UPDATE) await sharp(shot).png().toFile(join(repoRoot, "docs", "images", "pr-comment.png"));
    } finally {
      await rm(page, { recursive: true, force: true });
    }
  });
});
