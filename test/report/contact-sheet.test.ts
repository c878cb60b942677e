import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelLines, writeContactSheet, type ContactSheetItem } from "../../src/report/contact-sheet.js";
import { solid } from "../screen/scenes.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "seedlock-sheet-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GREEN_FRAME = [0x34, 0xc7, 0x59];

async function pixel(path: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 3;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

const near = (a: number[], b: number[], tolerance = 30) => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

async function drafts(): Promise<ContactSheetItem[]> {
  return [
    { seed: 40, image: await solid([230, 230, 230], { width: 320, height: 320 }), accepted: true, reasons: [] },
    { seed: 41, image: await solid([230, 230, 230], { width: 320, height: 320 }), accepted: false, reasons: ["too-dark: mean luma 12 < 20", "flat: luma std 1 < 8"] },
    { seed: 42, image: await solid([230, 230, 230], { width: 320, height: 180 }), accepted: false, reasons: ["wrong-aspect: 320×180 is 1.778, wanted 1:1 (1.000 ±2 %)"] },
    { seed: 43, image: Buffer.from("not an image"), accepted: false, reasons: ["undecodable: unsupported image format"] },
    { seed: 46, image: Buffer.alloc(0), accepted: false, reasons: ["IMAGE_SAFETY: blocked, so no picture"] },
    { seed: 44, image: await solid([230, 230, 230], { width: 320, height: 320, format: "jpeg" }), accepted: true, reasons: [] },
  ];
}

describe("a contact sheet lays an asset's drafts out in a labelled grid", () => {
  it("has cells of the asset's aspect, so the sheet is columns cells wide and rows cells high, in the format its name asks for", async () => {
    const webp = join(dir, "dunes.webp");
    await writeContactSheet(await drafts(), webp, { tile: 160, columns: 3, aspect: 1 });
    const square = await sharp(webp).metadata();
    expect(square.format).toBe("webp");
    // 160 px pictures with a 5 px inset each side.
    expect(square.width).toBe(3 * (160 + 10));
    const png = join(dir, "dunes.png");
    await writeContactSheet(await drafts(), png, { tile: 128, columns: 5, aspect: 1 });
    expect(await sharp(png).metadata()).toMatchObject({ format: "png", width: 5 * (128 + 2 * 4) });
  });

  it("frames the accepted drafts in green and dims the rejected ones", async () => {
    const path = join(dir, "frames.png");
    await writeContactSheet(await drafts(), path, { tile: 200, columns: 5, aspect: 1 });
    const inset = Math.round(200 * 0.03);
    const cell = 200 + 2 * inset;
    // The frame runs in the margin just outside each accepted picture; rejected tiles have none there.
    const margin = inset - 2;
    expect(near(await pixel(path, margin, 100), GREEN_FRAME)).toBe(true);
    expect(near(await pixel(path, 4 * cell + margin, 100), GREEN_FRAME)).toBe(true);
    expect(near(await pixel(path, cell + margin, 100), GREEN_FRAME)).toBe(false);
    // Same light-grey picture: shown as is when accepted, darkened when rejected.
    const kept = await pixel(path, inset + 100, 80);
    const dimmed = await pixel(path, cell + inset + 100, 80);
    expect(near(kept, [230, 230, 230], 6)).toBe(true);
    expect(dimmed[0]!).toBeLessThan(kept[0]! * 0.6);
  });

  it("labels each tile with a short index, its seed and verdict, then every reason in full, wrapped", () => {
    expect(labelLines({ seed: 40, accepted: true, reasons: [] }, 1, 24)).toEqual(["#1 · seed 40 ✓"]);
    expect(labelLines({ seed: 45, accepted: true, spare: true, reasons: [] }, 6, 24)).toEqual(["#6 · seed 45 ✓ spare"]);
    const lines = labelLines({ seed: 41, accepted: false, reasons: ["too-dark: mean luma 12 < 20", "flat: luma std 1 < 8"] }, 2, 16);
    expect(lines[0]).toBe("#2 · seed 41 ✗");
    expect(lines.slice(1).join(" ")).toBe("too-dark: mean luma 12 < 20 flat: luma std 1 < 8");
    for (const line of lines.slice(1)) expect([...line].length).toBeLessThanOrEqual(16);
    expect(labelLines({ seed: 43, accepted: false, reasons: [] }, 4, 20)).toEqual(["#4 · seed 43 ✗", "rejected"]);
  });

  it("orders tiles by seed whatever order the answers came in", async () => {
    const items = await drafts();
    const shuffled = [items[3]!, items[5]!, items[0]!, items[4]!, items[2]!, items[1]!];
    const a = join(dir, "ordered.png");
    const b = join(dir, "shuffled.png");
    await writeContactSheet(items, a, { tile: 96, aspect: 1 });
    await writeContactSheet(shuffled, b, { tile: 96, aspect: 1 });
    const [x, y] = await Promise.all([a, b].map((p) => sharp(p).raw().toBuffer()));
    expect(x!.equals(y!)).toBe(true);
  });

  it("is written atomically: no temporary file is left beside it", async () => {
    const sub = join(dir, "atomic", "deeper");
    await writeContactSheet(await drafts(), join(sub, "sheet.webp"), { tile: 96 });
    expect(await readdir(sub)).toEqual(["sheet.webp"]);
  });

  it("refuses a file name it cannot encode", async () => {
    await expect(writeContactSheet(await drafts(), join(dir, "sheet.gif"))).rejects.toThrow(/\.webp, \.png or \.jpg/);
  });
});
