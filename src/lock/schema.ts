/** JSON Schema of assets.lock.yaml. Entries may carry extra keys a newer seedlock added; they are kept. */

const count = { type: "integer", minimum: 0 };
const usd = { type: "number", minimum: 0 };
const hex64 = "^[0-9a-f]{64}$";

export const LOCKFILE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "seedlock lockfile, version 1",
  type: "object",
  additionalProperties: false,
  required: ["version", "stats", "assets"],
  properties: {
    version: { const: 1 },
    stats: {
      type: "object",
      required: ["drafts", "accepted", "rejected", "regenerated", "rendered", "spentUsd"],
      properties: { drafts: count, accepted: count, rejected: count, regenerated: count, rendered: count, spentUsd: usd },
    },
    assets: {
      type: "object",
      propertyNames: { pattern: "^[a-z0-9][a-z0-9-]*$" },
      additionalProperties: {
        type: "object",
        required: ["inputHash", "prompt", "models", "seeds", "outputs", "spentUsd"],
        properties: {
          inputHash: { type: "string", pattern: "^sha256:[0-9a-f]{64}$" },
          prompt: { type: "string" },
          models: {
            type: "object",
            required: ["draft", "final"],
            properties: { draft: { type: "string" }, final: { type: "string" }, judge: { type: "string" } },
          },
          spentUsd: usd,
          seeds: {
            type: "array",
            items: {
              type: "object",
              required: ["seed", "model", "status", "costUsd"],
              properties: {
                seed: { type: "integer", minimum: 0, maximum: 2147483647 },
                model: { type: "string" },
                status: { enum: ["accepted", "rejected", "rendered", "failed"] },
                reasons: { type: "array", items: { type: "string" } },
                phash: { type: "string", pattern: "^[0-9a-f]{16}$" },
                draft: { type: "string", minLength: 1 },
                judgeScore: { type: "number", minimum: 0, maximum: 10 },
                regenerated: count,
                costUsd: usd,
              },
            },
          },
          outputs: {
            type: "array",
            items: {
              type: "object",
              required: ["path", "sha256", "seed", "model", "width", "height", "bytes"],
              properties: {
                path: { type: "string", minLength: 1 },
                sha256: { type: "string", pattern: hex64 },
                seed: { type: "integer", minimum: 0, maximum: 2147483647 },
                model: { type: "string" },
                width: { type: "integer", minimum: 1 },
                height: { type: "integer", minimum: 1 },
                bytes: count,
              },
            },
          },
        },
      },
    },
  },
} as const;
