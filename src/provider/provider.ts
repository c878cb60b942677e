/** What the pipeline needs from an image service, whatever speaks to it underneath. */

export interface InlineImage {
  mimeType: string;
  data: Buffer;
}

export interface ImageRequest {
  model: string;
  prompt: string;
  seed: number;
  aspectRatio: string;
  imageSize: string;
  /** The accepted draft, sent as an inlineData part so the final keeps its composition. */
  reference?: InlineImage;
  signal?: AbortSignal;
}

export interface Usage {
  promptTokens?: number;
  /** Output tokens of modality IMAGE, from usageMetadata.candidatesTokensDetails. */
  imageTokens?: number;
  /** candidatesTokenCount: every output token but thinking (images and text). */
  outputTokens?: number;
  /** thoughtsTokenCount: thinking, billed at the text output price. */
  thoughtsTokens?: number;
}

/** Why the service returned no usable image. These are verdicts, never retried. */
export type RejectionReason =
  | "IMAGE_SAFETY"
  | "IMAGE_PROHIBITED_CONTENT"
  | "IMAGE_RECITATION"
  | "IMAGE_OTHER"
  | "NO_IMAGE"
  | "SAFETY"
  | "PROHIBITED_CONTENT"
  | "RECITATION"
  | "BLOCKLIST"
  | "SPII"
  | "OTHER"
  | `PROMPT_${string}`;

export type ImageResult =
  | {
      kind: "image";
      image: InlineImage;
      usage: Usage;
      costUsd: number;
      /** Text parts the model sent along with the image. */
      text?: string;
      /** Non-thought image parts in the answer; only the last is kept. */
      imageCount?: number;
      /** Interim thought images skipped. */
      thoughtImages?: number;
      /** A finishReason other than STOP that came with the image anyway. */
      finishReason?: string;
    }
  | { kind: "rejected"; reason: RejectionReason; message: string; usage: Usage; costUsd: number };

export interface JudgeRequest {
  model: string;
  image: InlineImage;
  rubric: string;
  signal?: AbortSignal;
}

export interface JudgeResult {
  /** 0..10 */
  score: number;
  reason: string;
  usage: Usage;
  costUsd: number;
}

/**
 * Throttling seam between the provider (which sees every HTTP attempt, retries included) and the
 * run's rate and concurrency controller.
 */
export interface RequestGate {
  /** Resolves when one more request may be sent now, to the send time it hands back with the outcome. */
  acquire(signal?: AbortSignal): Promise<number | void>;
  /** The service said 429; `retryAfterMs` when it told us how long to wait. */
  throttled(retryAfterMs?: number, sentAt?: number): void;
  /** The service answered (not a 429). */
  succeeded(sentAt?: number): void;
  /** The attempt got no answer: a timeout, a 5xx, a network error. */
  failed?(timedOut: boolean): void;
}

export interface ImageProvider {
  generate(request: ImageRequest): Promise<ImageResult>;
  judge(request: JudgeRequest): Promise<JudgeResult>;
}
