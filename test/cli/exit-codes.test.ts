import { describe, expect, it } from "vitest";
import { seedlock, STACK_LINE } from "../support/cli.js";

describe("the CLI tells a user what went wrong without a stack trace", () => {
  it("an unknown command exits 2 and lists the commands there are", async () => {
    const r = await seedlock(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate".*use one of: .*plan/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("an unknown flag exits 2 and points at --help", async () => {
    const r = await seedlock(["plan", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'.*seedlock plan --help/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("no command prints usage and exits 2", async () => {
    const r = await seedlock([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^usage: seedlock/);
  });

  it("with --json, a refused input still answers with one JSON object on stdout naming the problem", async () => {
    const r = await seedlock(["plan", "--manifest", "no-such-manifest.yaml", "--json"]);
    expect(r.code).toBe(2);
    const answer = JSON.parse(r.stdout) as { exitCode: number; error: string; diagnostics?: unknown[] };
    expect(answer.exitCode).toBe(2);
    expect(answer.error).toMatch(/no-such-manifest\.yaml/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});
