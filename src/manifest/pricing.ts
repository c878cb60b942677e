import type { Logger } from "../logger.js";
import { findModel, imagePriceUsd, type ImageSize, type PricingOverrides } from "../models/catalog.js";
import type { Manifest } from "./spec.js";
import { roundUsd } from "../money.js";

/** A `pricing:` entry the run does not use because it is below the built-in price. */
export interface LoweredPrice {
  model: string;
  size: ImageSize;
  manifestUsd: number;
  catalogUsd: number;
}

/**
 * The manifest's `pricing:` as a run may use it. The manifest is untrusted input (a pull request
 * edits it), so an override may raise a price but never lower it below the built-in catalog
 * unless the trusted caller (a CLI flag or a workflow input, never the manifest) allows it: a
 * price of 0 would otherwise make every call free to the ledger and switch the ceiling off.
 */
export function trustedPricing(overrides: PricingOverrides, allowLowerPrices: boolean): { pricing: PricingOverrides; lowered: LoweredPrice[] } {
  const pricing: PricingOverrides = Object.create(null) as PricingOverrides;
  const lowered: LoweredPrice[] = [];
  for (const [id, sizes] of Object.entries(overrides)) {
    const model = findModel(id);
    for (const [size, usd] of Object.entries(sizes ?? {}) as [ImageSize, number][]) {
      const catalogUsd = model?.kind === "image" && model.tokensBySize[size] !== undefined ? imagePriceUsd(model, size) : undefined;
      if (catalogUsd !== undefined && !(usd >= catalogUsd) && !allowLowerPrices) {
        lowered.push({ model: id, size, manifestUsd: usd, catalogUsd });
        continue;
      }
      (pricing[id] ??= {})[size] = usd;
    }
  }
  return { pricing, lowered };
}

/** The manifest with only the prices the caller trusts; says once which lower prices were set aside. */
export function withTrustedPrices(manifest: Manifest, allowLowerPrices: boolean | undefined, logger: Logger): Manifest {
  const { pricing, lowered } = trustedPricing(manifest.pricing, allowLowerPrices === true);
  if (lowered.length) {
    const each = lowered.map((l) => `${l.model} ${l.size} $${l.manifestUsd} (built-in $${roundUsd(l.catalogUsd)})`).join(", ");
    logger.warn(
      `${manifest.displayFile}: pricing: sets ${each} below the built-in price; seedlock books the built-in price, ` +
        `so the budget still holds; if your prices really are lower, pass --allow-lower-prices (the Action's allow-lower-prices: true)`,
    );
  }
  return { ...manifest, pricing };
}
