import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/emulator.js";
import { analyzeImage } from "../../src/pipeline/screen.js";

/**
 * A loopback stand-in between seedlock and the emulator that sees the service's side of every
 * generateContent call: what was asked (model, prompt, seed, draft or final), when it was sent,
 * when its answer was handed over, what it billed, and whether its image decodes. It can also
 * spoil answers on the way (an empty image, bytes cut short) and go dark (every connection reset).
 */

/** USD per million output image tokens, as the service bills them (DESIGN.md's table). */
const PER_MILLION: Record<string, number> = {
  "gemini-3.1-flash-lite-image": 30,
  "gemini-3.1-flash-image": 60,
  "gemini-3-pro-image": 120,
  "gemini-nano-banana-2.1": 30,
};

export interface ServiceCall {
  index: number;
  model: string;
  prompt: string;
  seed?: number;
  /** A final: the request carried the accepted draft as a reference image. */
  final: boolean;
  sentAt: number;
  status?: number;
  /** When the whole answer was handed to the client's socket. */
  answeredAt?: number;
  /** What the service billed for the answer, from its usageMetadata. */
  billedUsd: number;
  /** Whether the answer's first image decodes (undefined: no image in it). */
  decodes?: boolean;
  /** The proxy's name: which run sent it, when each run gets its own proxy. */
  run?: string;
}

/** Rewrites a 200 answer's JSON before it goes back; return undefined to leave it alone. */
export type Tamper = (call: ServiceCall, body: AnswerBody) => AnswerBody | undefined;

export interface AnswerBody {
  candidates?: { content?: { parts?: { text?: string; inlineData?: { mimeType?: string; data?: string } }[] }; finishReason?: string }[];
  usageMetadata?: { candidatesTokensDetails?: { modality?: string; tokenCount?: number }[] };
  [key: string]: unknown;
}

export class ServiceProxy {
  readonly calls: ServiceCall[] = [];
  /** While true, every connection is reset before an answer: the service is unreachable. */
  dark = false;
  tamper?: Tamper;
  private server?: Server;
  private readonly checks: Promise<void>[] = [];
  private listeners: ((call: ServiceCall, phase: "sent" | "answered") => void)[] = [];

  constructor(
    private readonly upstream: string,
    private readonly name?: string,
  ) {}

  async start(): Promise<string> {
    const target = new URL(this.upstream);
    this.server = createServer((req, res) => this.forward(req, res, target));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls `fn` as calls are sent and answered, until the returned function is called. */
  on(fn: (call: ServiceCall, phase: "sent" | "answered") => void): () => void {
    this.listeners.push(fn);
    return () => (this.listeners = this.listeners.filter((l) => l !== fn));
  }

  /** Waits for the decode checks of every answer so far. */
  async settled(): Promise<void> {
    await Promise.all(this.checks);
  }

  /** Money the service billed over the calls given (all by default). */
  billed(calls: ServiceCall[] = this.calls): number {
    return calls.reduce((sum, c) => sum + c.billedUsd, 0);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse, target: URL): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const call = this.describe(req, body);
      if (call) for (const l of this.listeners) l(call, "sent");
      if (this.dark) {
        req.socket.destroy();
        return;
      }
      const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (c: Buffer) => parts.push(c));
        answer.on("end", () => {
          let text: Buffer = Buffer.concat(parts);
          if (call) {
            call.status = answer.statusCode;
            const spoiled = this.read(call, text);
            if (spoiled) text = spoiled;
          }
          const headers = { ...answer.headers, "content-length": String(text.length) };
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(text);
        });
      });
      upstream.on("error", () => res.destroy());
      res.on("finish", () => {
        if (!call) return;
        call.answeredAt = Date.now();
        for (const l of this.listeners) l(call, "answered");
      });
      upstream.end(body);
    });
  }

  private describe(req: IncomingMessage, body: Buffer): ServiceCall | undefined {
    const m = /\/models\/([^/:]+):generateContent/.exec(req.url ?? "");
    if (!m) return undefined;
    let prompt = "";
    let seed: number | undefined;
    let final = false;
    try {
      const json = JSON.parse(body.toString("utf8")) as { contents?: { parts?: { text?: string; inlineData?: unknown }[] }[]; generationConfig?: { seed?: number } };
      const parts = (json.contents ?? []).flatMap((c) => c.parts ?? []);
      prompt = parts.map((p) => p.text ?? "").join("\n").trim();
      seed = json.generationConfig?.seed;
      final = parts.some((p) => p.inlineData !== undefined);
    } catch {
      // An unreadable request is still a call.
    }
    const call: ServiceCall = { index: this.calls.length, model: m[1]!, prompt, ...(seed === undefined ? {} : { seed }), final, sentAt: Date.now(), billedUsd: 0, ...(this.name ? { run: this.name } : {}) };
    this.calls.push(call);
    return call;
  }

  /** Bills the answer, starts its decode check, and returns spoiled bytes when the tamper says so. */
  private read(call: ServiceCall, text: Buffer): Buffer | undefined {
    if (call.status !== 200) return undefined;
    let json: AnswerBody;
    try {
      json = JSON.parse(text.toString("utf8")) as AnswerBody;
    } catch {
      return undefined;
    }
    const changed = this.tamper?.(call, json);
    const body = changed ?? json;
    const tokens = (body.usageMetadata?.candidatesTokensDetails ?? []).filter((d) => d.modality === "IMAGE").reduce((n, d) => n + (d.tokenCount ?? 0), 0);
    call.billedUsd = (tokens * (PER_MILLION[call.model] ?? 0)) / 1e6;
    const data = body.candidates?.[0]?.content?.parts?.find((p) => p.inlineData)?.inlineData?.data;
    // An empty image is an answer like any other (a recorded rejection), not an undecodable one to regenerate.
    if (data) {
      this.checks.push(
        analyzeImage(Buffer.from(data, "base64")).then(
          () => void (call.decodes = true),
          () => void (call.decodes = false),
        ),
      );
    }
    return changed ? Buffer.from(JSON.stringify(changed)) : undefined;
  }
}

/** A port on loopback that nothing listens on: every connection is refused. */
export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface Service {
  emulator: RunningEmulator;
  proxy: ServiceProxy;
  /** What seedlock is pointed at: the proxy in front of the emulator. */
  url: string;
  close(): Promise<void>;
}

/** The emulator started in-process with `options`, behind a ServiceProxy. */
export async function serve(options: EmulatorOptions = {}, name?: string): Promise<Service> {
  const emulator = await startEmulator(options);
  const proxy = new ServiceProxy(emulator.url, name);
  const url = await proxy.start();
  return { emulator, proxy, url, close: async () => (await proxy.close(), await emulator.close()) };
}
