import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { builtCli, seedlock, STACK_LINE } from "../support/cli.js";

const KEY = "AIzaLEAK-cli-4f8d2a9b7c";

/** Starts `seedlock emulate` and resolves with its URL once it has printed its greeting. */
function emulate(args: string[]) {
  const child = spawn(process.execPath, [builtCli, "emulate", ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (d) => {
      stderr += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Stop with Ctrl-C/.exec(stderr);
      if (m) resolve(m[1] as string);
    });
    child.on("exit", (code) => reject(new Error(`emulate exited early with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe("seedlock emulate serves the Gemini API on loopback until stopped", () => {
  it("prints the URL and the export line, answers the SDK's wire format, and exits 0 on SIGTERM", async () => {
    const run = emulate(["--port", "0", "--key", KEY, "--latency-ms", "1"]);
    const url = await run.ready;
    expect(run.output().stderr).toContain(`export GOOGLE_GEMINI_BASE_URL=${url}`);
    const call = (key: string) =>
      fetch(`${url}/v1beta/models/gemini-3.1-flash-lite-image:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": key },
        body: JSON.stringify({ contents: [{ parts: [{ text: "a kite" }] }], generationConfig: { responseModalities: ["IMAGE"], seed: 1 } }),
      });
    const ok = await call(KEY);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { candidates: unknown[] }).candidates).toHaveLength(1);
    expect((await call("wrong")).status).toBe(400);
    const viaQuery = await fetch(`${url}/v1beta/models/gemini-3.1-flash-lite-image:generateContent?key=${KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "a kite" }] }] }),
    });
    expect(viaQuery.status).toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    const { stdout, stderr } = run.output();
    expect(stderr).toMatch(/POST \/v1beta\/models\/gemini-3\.1-flash-lite-image:generateContent → 200/);
    expect(stderr).toMatch(/stopped after 3 requests/);
    // The key is never echoed, not even from the ?key= query string.
    expect(stdout + stderr).not.toContain(KEY);
  });

  it("bad flag values exit 2, each named with its fix, without a stack trace", async () => {
    const r = await seedlock(["emulate", "--error-rate", "2", "--rpm", "0", "--port", "http"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port must be a whole number from 0 to 65535, got "http" \(e\.g\. --port 8787/);
    expect(r.stderr).toMatch(/--rpm must be a whole number from 1 to 1000000, got "0" \(e\.g\. --rpm 60\)/);
    expect(r.stderr).toMatch(/--error-rate must be a share between 0 and 1, got "2" \(e\.g\. --error-rate 0\.05 for 5 %\)/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("a port already in use exits 2 and suggests another", async () => {
    const first = emulate(["--port", "0"]);
    const url = await first.ready;
    const port = new URL(url).port;
    const r = await seedlock(["emulate", "--port", port]);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`port ${port} is already in use \\(pick another with --port N, or --port 0`));
  });
});
