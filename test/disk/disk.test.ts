import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic, writeFileAtomicSync, writerOf } from "../../src/disk/atomic-write.js";
import { sha256OfFile } from "../../src/disk/file-hash.js";
import { draftPath, extensionFor, journalFolder, mimeTypeOf } from "../../src/disk/folders.js";
import { RepositoryFolder } from "../../src/disk/repository-path.js";

const dir = mkdtempSync(join(tmpdir(), "seedlock-disk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a file is replaced whole or not at all", () => {
  it.each([
    ["async", (file: string, data: string) => writeFileAtomic(file, data)],
    ["durable", (file: string, data: string) => writeFileAtomic(file, data, { durable: true })],
    ["sync", (file: string, data: string) => writeFileAtomicSync(file, data)],
  ])("%s: the new text replaces the old, and no temporary file stays behind", async (name, write) => {
    const folder = join(dir, `whole-${name}`);
    mkdirSync(folder);
    const file = join(folder, "assets.lock.yaml");
    writeFileSync(file, "old\n");
    await write(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(readdirSync(folder)).toEqual(["assets.lock.yaml"]);
  });

  it("replaces a symlink standing at the path instead of writing through it", async () => {
    const folder = join(dir, "symlink");
    mkdirSync(folder);
    const target = join(folder, "elsewhere.txt");
    writeFileSync(target, "untouched\n");
    symlinkSync(target, join(folder, "out.txt"));
    await writeFileAtomic(join(folder, "out.txt"), "written\n");
    expect(lstatSync(join(folder, "out.txt")).isSymbolicLink()).toBe(false);
    expect(readFileSync(target, "utf8")).toBe("untouched\n");
  });

  it("leaves nothing behind when the rename is refused", async () => {
    const folder = join(dir, "refused");
    mkdirSync(join(folder, "taken"), { recursive: true });
    writeFileSync(join(folder, "taken", "inside"), "");
    await expect(writeFileAtomic(join(folder, "taken"), "text")).rejects.toThrow();
    expect(() => writeFileAtomicSync(join(folder, "taken"), "text")).toThrow();
    expect(readdirSync(folder)).toEqual(["taken"]);
  });
});

describe("a killed run's half-written file is told from a live one by the process it names", () => {
  it.each([
    [".assets.lock.yaml.4242.0badf00d.tmp", 4242],
    [".assets.lock.yaml.17.ab.tmp", 17],
    [".other.yaml.4242.0badf00d.tmp", undefined],
    ["assets.lock.yaml", undefined],
    [".assets.lock.yaml.x.0badf00d.tmp", undefined],
    [".assets.lock.yaml.4242.0badf00d", undefined],
  ])("%s → %s", (entry, pid) => {
    expect(writerOf("/repo/assets.lock.yaml", entry)).toBe(pid);
  });
});

describe("an output's hash is the sha256 of its bytes, and nothing outside the repository is read", () => {
  const repo = join(dir, "repo");
  mkdirSync(join(repo, "out"), { recursive: true });
  const outside = join(dir, "outside.png");
  writeFileSync(outside, "secret");
  writeFileSync(join(repo, "out", "hero.png"), "pixels");
  symlinkSync(outside, join(repo, "out", "link.png"));
  const within = new RepositoryFolder(repo);

  it.each([
    ["out/hero.png", createHash("sha256").update("pixels").digest("hex")],
    ["out/link.png", undefined],
    ["out/missing.png", undefined],
    ["out", undefined],
    ["../outside.png", undefined],
  ])("%s → %s", async (path, sha) => {
    expect(await sha256OfFile(join(repo, path), within)).toBe(sha);
  });
});

describe("seedlock keeps its own files in .seedlock/ beside the manifest", () => {
  const manifest = { file: "/repo/site/assets.yaml", root: "/repo" };
  it.each([
    ["image/png", 7, "site/.seedlock/drafts/hero/7.png"],
    ["image/jpeg", 8, "site/.seedlock/drafts/hero/8.jpg"],
    ["image/jpg", 9, "site/.seedlock/drafts/hero/9.jpg"],
    ["image/webp", 10, "site/.seedlock/drafts/hero/10.webp"],
    ["image/gif", 11, "site/.seedlock/drafts/hero/11.png"],
  ])("an accepted %s draft of seed %s is kept at %s", (mimeType, seed, path) => {
    expect(draftPath(manifest, "hero", seed, mimeType)).toBe(path);
    expect(mimeTypeOf(path)).toBe(mimeType === "image/jpg" ? "image/jpeg" : mimeType === "image/gif" ? "image/png" : mimeType);
    expect(extensionFor(mimeType)).toBe(path.split(".").pop());
  });

  it("answers wait for their verdict in the asset's incoming/ folder", () => {
    expect(journalFolder(manifest, "hero")).toBe(join("/repo/site", ".seedlock", "drafts", "hero", "incoming"));
  });
});
