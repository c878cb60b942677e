import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLockfile } from "../../src/lock/file.js";
import type { Lockfile } from "../../src/lock/types.js";
import { builtCli, seedlock, type Ran } from "../support/cli.js";

/** A fresh folder that is its own repository root (a `.git` folder marks it), holding `manifest`. */
export async function tempRepo(manifest: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "seedlock-e2e-"));
  await mkdir(join(dir, ".git"));
  await writeFile(join(dir, "assets.yaml"), manifest);
  return dir;
}

export const TEST_KEY = "e2e-test-key";

/** `seedlock <args> --base-url url` in `dir`, as a user runs it, with a key in the environment. */
export function cli(dir: string, url: string, args: string[]): Promise<Ran> {
  return seedlock([...args, "--base-url", url], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: TEST_KEY } });
}

/** The same, as a child process the test can signal. */
export function spawnCli(dir: string, url: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [builtCli, ...args, "--base-url", url], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: TEST_KEY },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function readLock(dir: string): Promise<Lockfile> {
  return readLockfile(join(dir, "assets.lock.yaml"));
}

export async function readJson<T>(text: string): Promise<T> {
  return JSON.parse(text) as T;
}

export function file(dir: string, path: string): Promise<Buffer> {
  return readFile(join(dir, path));
}

/** One generateContent request as the service saw it. */
export interface SeenRequest {
  model: string;
  seed: number | undefined;
  prompt: string;
  /** Whether the request carried an image (a render with the draft as reference). */
  withReference: boolean;
  status?: number;
  /** Output image tokens the answer's usageMetadata reported: what the service bills. */
  imageTokens: number;
  /** The whole answer was handed to the client's socket. */
  answered: boolean;
  /** When that happened (ms since the epoch). */
  answeredAt?: number;
}

/**
 * A loopback proxy in front of the emulator that logs every generateContent request by
 * (model, seed, prompt), and whether its answer was delivered: what was paid for, seen from the
 * service's side, without changing the emulator.
 */
export class RecordingProxy {
  readonly requests: SeenRequest[] = [];
  private server?: Server;
  private listeners: ((r: SeenRequest) => void)[] = [];

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    const target = new URL(this.upstream);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const seen = describe(req.url ?? "", body);
        if (seen) {
          this.requests.push(seen);
          for (const l of this.listeners) l(seen);
        }
        const forward = request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (upstream) => {
            if (seen) seen.status = upstream.statusCode;
            res.writeHead(upstream.statusCode ?? 502, upstream.headers);
            const answer: Buffer[] = [];
            upstream.on("data", (c: Buffer) => {
              answer.push(c);
              res.write(c);
            });
            upstream.on("end", () => {
              if (seen) seen.imageTokens = imageTokensOf(Buffer.concat(answer));
              res.end();
            });
          },
        );
        forward.on("error", () => res.destroy());
        res.on("finish", () => {
          if (!seen) return;
          seen.answered = true;
          seen.answeredAt = Date.now();
        });
        forward.end(body);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls `fn` on each request from now on. */
  onRequest(fn: (r: SeenRequest) => void): () => void {
    this.listeners.push(fn);
    return () => (this.listeners = this.listeners.filter((l) => l !== fn));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

function describe(url: string, body: Buffer): SeenRequest | undefined {
  const m = /\/models\/([^/:]+):generateContent/.exec(url);
  if (!m) return undefined;
  try {
    const json = JSON.parse(body.toString("utf8")) as {
      contents?: { parts?: { text?: string; inlineData?: unknown }[] }[];
      generationConfig?: { seed?: number };
    };
    const parts = (json.contents ?? []).flatMap((c) => c.parts ?? []);
    return {
      model: m[1]!,
      seed: json.generationConfig?.seed,
      prompt: parts.map((p) => p.text ?? "").join("\n").trim(),
      withReference: parts.some((p) => p.inlineData !== undefined),
      imageTokens: 0,
      answered: false,
    };
  } catch {
    return { model: m[1]!, seed: undefined, prompt: "", withReference: false, imageTokens: 0, answered: false };
  }
}

function imageTokensOf(body: Buffer): number {
  try {
    const json = JSON.parse(body.toString("utf8")) as { usageMetadata?: { candidatesTokensDetails?: { modality?: string; tokenCount?: number }[] } };
    return (json.usageMetadata?.candidatesTokensDetails ?? []).filter((d) => d.modality === "IMAGE").reduce((n, d) => n + (d.tokenCount ?? 0), 0);
  } catch {
    return 0;
  }
}
