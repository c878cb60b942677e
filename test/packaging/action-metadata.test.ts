import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/action/constants.js";
import { repoRoot } from "../support/cli.js";

interface ActionYml {
  name: string;
  description: string;
  author?: string;
  branding?: { icon?: string; color?: string };
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; post?: string };
}

const action = parse(readFileSync(join(repoRoot, "action.yml"), "utf8")) as ActionYml;
/** The colours GitHub's metadata syntax allows for branding. */
const COLOURS = ["white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"];

describe("action.yml fits what the Marketplace accepts", () => {
  it("has a name, a description of at most 125 characters, and branding with an allowed colour", () => {
    expect(action.name).toMatch(/^\S.{0,60}$/);
    expect(action.description.length).toBeLessThanOrEqual(125);
    expect(action.description.length).toBeGreaterThan(40);
    expect(action.branding?.icon).toMatch(/^[a-z0-9-]+$/);
    expect(COLOURS).toContain(action.branding?.color);
    expect(action.runs).toMatchObject({ using: "node24", main: "dist/main.js", post: "dist/post.js" });
  });

  it("declares every output the Action sets, and says what cost-per-accepted-usd means", () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort());
    expect(action.outputs["cost-per-accepted-usd"]!.description).toMatch(/per image delivered.*÷ rendered/);
  });
});

describe("the release can be pinned", () => {
  it("CHANGELOG.md has a section for package.json's version", () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
    expect(readFileSync(join(repoRoot, "CHANGELOG.md"), "utf8")).toMatch(new RegExp(`^## \\[?v?${version.replace(/\./g, "\\.")}\\]?`, "m"));
  });
});
