import {
  findModel,
  IMAGE_SIZES,
  isShutDown,
  liveModelIds,
  replacementFor,
  supportedSizes,
  type AspectRatio,
  type ImageModel,
  type ImageSize,
  type Model,
} from "../models/catalog.js";
import type { Finding, PathSegment } from "../yaml/source.js";
import { closest, quoteList } from "./suggest.js";

export type ModelRole = "draft" | "final" | "judge";

/** Checks model references against the catalog once each: known, the right kind, still answering. */
export class ModelCheck {
  private readonly checked = new Map<string, Model | undefined>();
  private readonly sizeChecked = new Set<string>();

  constructor(
    private readonly now: Date,
    private readonly errors: Finding[],
    private readonly warnings: Finding[],
  ) {}

  /** The model `id` names when it may be used for `role`; undefined after reporting why not. */
  use(id: string, role: ModelRole, path: PathSegment[]): Model | undefined {
    const key = `${role}|${id}|${path.join("/")}`;
    if (this.checked.has(key)) return this.checked.get(key);
    const model = this.check(id, role, path);
    this.checked.set(key, model);
    return model;
  }

  private check(id: string, role: ModelRole, path: PathSegment[]): Model | undefined {
    const kind = role === "judge" ? "text" : "image";
    const known = liveModelIds(kind, this.now);
    const model = findModel(id);
    if (!model) {
      const guess = closest(id, known);
      this.errors.push({
        path,
        message: `names an unknown model '${id}'`,
        fix: guess ? `did you mean '${guess}'? Known ${kind} models: ${known.join(", ")}` : `known ${kind} models: ${known.join(", ")}`,
      });
      return undefined;
    }
    if (model.kind !== kind) {
      this.errors.push({
        path,
        message:
          kind === "image"
            ? `names '${id}', a text model; the ${role} model must make images`
            : `names '${id}', an image model; the judge must be a text model that reads images`,
        fix: `use one of ${known.join(", ")}`,
      });
      return undefined;
    }
    if (model.shutdownDate) {
      const replacement = replacementFor(model, this.now);
      const instead = replacement ? `use '${replacement}' instead` : `use one of ${known.join(", ")}`;
      if (isShutDown(model, this.now)) {
        this.errors.push({ path, message: `names '${id}', which was shut down on ${model.shutdownDate}`, fix: instead });
        return undefined;
      }
      const days = Math.ceil((Date.parse(`${model.shutdownDate}T00:00:00Z`) - this.now.getTime()) / 86_400_000);
      this.warnings.push({
        path,
        message: `names '${id}', which shuts down on ${model.shutdownDate} (in ${days} day${days === 1 ? "" : "s"})`,
        fix: replacement ? `move to '${replacement}' before then` : `move to one of ${known.join(", ")} before then`,
      });
    }
    if (model.kind === "image" && model.supersededBy) {
      const reported = model.reportedShutdownDate ? `; third parties report it shut down on ${model.reportedShutdownDate}` : "";
      this.warnings.push({
        path,
        message: `names '${id}', superseded by '${model.supersededBy}'${model.supersededDate ? ` on ${model.supersededDate}` : ""}${reported}`,
        fix: `move to '${model.supersededBy}'; if the service answers 404 for '${id}', the run stops before paying for anything`,
      });
    }
    if (model.kind === "text" && model.routedTo) {
      this.warnings.push({
        path,
        message: `names '${id}', deprecated${model.deprecatedDate ? ` on ${model.deprecatedDate}` : ""}; its requests are served and billed by '${model.routedTo}'`,
        fix: `name '${model.routedTo}' instead`,
      });
    }
    return model;
  }

  /** Reports (once per place) an aspect ratio the model does not take, naming the models that do. */
  ratio(model: ImageModel, ratio: AspectRatio, path: PathSegment[]): void {
    if (model.aspectRatios.includes(ratio)) return;
    const key = `${model.id}|ratio|${ratio}|${path.join("/")}`;
    if (this.sizeChecked.has(key)) return;
    this.sizeChecked.add(key);
    const others = liveModelIds("image", this.now)
      .map((id) => findModel(id) as ImageModel)
      .filter((m) => m.aspectRatios.includes(ratio))
      .map((m) => m.id);
    this.errors.push({
      path,
      message: `is ${ratio}, but ${model.id} takes ${model.aspectRatios.join(", ")} only`,
      fix: others.length ? `use another ratio, or a model that takes ${ratio} (${others.join(", ")}), e.g. with tier: final-only` : "use another ratio",
    });
  }

  /** Reports (once per place) a size the model cannot make, listing the sizes it can. */
  size(model: ImageModel, size: ImageSize, field: "draftSize" | "finalSize", path: PathSegment[]): void {
    if (model.tokensBySize[size] !== undefined) return;
    const key = `${model.id}|${size}|${path.join("/")}`;
    if (this.sizeChecked.has(key)) return;
    this.sizeChecked.add(key);
    const sizes = supportedSizes(model);
    // Suggest the nearest size the model makes, rounding up.
    const wanted = IMAGE_SIZES.indexOf(size);
    const nearest = sizes.find((s) => IMAGE_SIZES.indexOf(s) >= wanted) ?? sizes[sizes.length - 1];
    const others = liveModelIds("image", this.now)
      .map((id) => findModel(id) as ImageModel)
      .filter((m) => m.tokensBySize[size] !== undefined)
      .map((m) => m.id);
    const role = field === "draftSize" ? "draft on" : "render on";
    this.errors.push({
      path,
      message: `is ${size}, but ${model.id} makes ${sizes.join(", ")} only`,
      fix: `set ${field}: ${nearest}${others.length ? `, or ${role} a model that makes ${size}: ${others.join(", ")}` : ""}`,
    });
  }
}

/** Reports `pricing:` entries for unknown models or sizes a model does not make. */
export function checkPricing(pricing: Record<string, Record<string, number>>, now: Date, errors: Finding[]): void {
  const known = liveModelIds("image", now);
  for (const [id, sizes] of Object.entries(pricing)) {
    const model = findModel(id);
    if (!model || model.kind !== "image") {
      const guess = closest(id, known);
      errors.push({
        path: ["pricing", id],
        at: "key",
        message: "is not an image model seedlock knows",
        fix: guess ? `did you mean '${guess}'?` : `known image models: ${quoteList(known)}`,
      });
      continue;
    }
    for (const size of Object.keys(sizes)) {
      if (model.tokensBySize[size as ImageSize] === undefined) {
        errors.push({
          path: ["pricing", id, size],
          at: "key",
          message: `is a size ${id} does not make; it makes ${supportedSizes(model).join(", ")} only`,
          fix: `remove the ${size} price`,
        });
      }
    }
  }
}
