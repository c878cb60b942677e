import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

const schemaFile = join(repoRoot, "schema", "manifest.v1.json");
const generatedFile = join(repoRoot, "src", "manifest", "schema.generated.js");

/**
 * The manifest's validator is compiled ahead of time (compiling it on every run cost a plan more
 * than validating 5,000 assets). This is the one place it is generated from the schema:
 *   SEEDLOCK_UPDATE_VALIDATOR=1 npx vitest run test/manifest/schema-validator.test.ts
 */
function generate(): string {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    allowUnionTypes: true,
    strict: true,
    // Lengths in UTF-16 units: the only length rules are "not empty" and an ASCII id's 64; no runtime import needed.
    unicode: false,
    logger: false,
    code: { source: true, esm: true },
  });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));
  const code = (standaloneCode as unknown as (a: Ajv, v: unknown) => string)(ajv, validate);
  return `// Generated from schema/manifest.v1.json by ajv (standalone); do not edit. Regenerate: see test/manifest/schema-validator.test.ts.\n${code}\n`;
}

describe("the precompiled manifest validator matches the shipped JSON Schema", () => {
  it("is what ajv generates from schema/manifest.v1.json today", () => {
    const fresh = generate();
    if (process.env.SEEDLOCK_UPDATE_VALIDATOR) writeFileSync(generatedFile, fresh);
    expect(readFileSync(generatedFile, "utf8"), "stale: regenerate with SEEDLOCK_UPDATE_VALIDATOR=1").toBe(fresh);
  });

  it("imports nothing, so it bundles and runs anywhere", () => {
    expect(readFileSync(generatedFile, "utf8")).not.toMatch(/\brequire\(|^import /m);
  });
});
