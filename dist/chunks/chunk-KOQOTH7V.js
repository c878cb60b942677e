import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  count,
  duration
} from "./chunk-7IEQLHW7.js";
import {
  formatUsd
} from "./chunk-4XIAYHCN.js";

// src/report/progress.ts
function createProgress(stream, options = {}) {
  const now = options.now ?? Date.now;
  const live = stream.isTTY === true;
  const gap = live ? options.redrawMs ?? 100 : options.intervalMs ?? 5e3;
  let lastShown;
  let pending;
  let finished = false;
  const show = (snapshot) => {
    lastShown = now();
    pending = void 0;
    if (live) {
      stream.write(`\r${barLine(snapshot, Math.max(20, (stream.columns ?? 100) - 1))}\x1B[K`);
    } else {
      stream.write(`${plainLine(snapshot)}
`);
    }
  };
  return {
    update(snapshot) {
      if (finished) return;
      if (lastShown === void 0 || now() - lastShown >= gap) show(snapshot);
      else pending = snapshot;
    },
    done() {
      if (finished) return;
      finished = true;
      if (pending) show(pending);
      if (live && lastShown !== void 0) stream.write("\n");
    }
  };
}
function plainLine(s) {
  return `progress: ${counts(s)}`;
}
function barLine(s, width = Infinity) {
  const share = s.assetsTotal > 0 ? Math.min(1, s.assetsDone / s.assetsTotal) : 0;
  const bar = (cells) => {
    const full = Math.round(share * cells);
    return `[${"\u2588".repeat(full)}${"\u2591".repeat(cells - full)}] `;
  };
  const fields = fieldsOf(s);
  const dropOrder = ["inFlight", "rejected", "accepted", "drafts", "rendered"];
  for (let dropped = 0; dropped <= dropOrder.length; dropped++) {
    const kept = fields.filter((f) => !dropOrder.slice(0, dropped).includes(f.key)).map((f) => f.text).join(" \xB7 ");
    for (const cells of [16, 8]) if ([...bar(cells)].length + [...kept].length <= width) return bar(cells) + kept;
    if (dropped === dropOrder.length) return [...kept].length <= width ? kept : [...kept].slice(0, width).join("");
  }
  return fields.map((f) => f.text).join(" \xB7 ");
}
function counts(s) {
  return fieldsOf(s).map((f) => f.text).join(" \xB7 ");
}
function fieldsOf(s) {
  const ceiling = Number.isFinite(s.ceilingUsd) ? ` / ${formatUsd(s.ceilingUsd)}` : "";
  return [
    { key: "assets", text: `${s.assetsDone}/${count(s.assetsTotal, "asset")}` },
    { key: "drafts", text: count(s.drafts, "draft") },
    { key: "accepted", text: `${s.accepted} accepted` },
    { key: "rejected", text: `${s.rejected} rejected` },
    { key: "rendered", text: `${s.rendered} rendered` },
    { key: "inFlight", text: `${s.inFlight} in flight` },
    { key: "spend", text: `${formatUsd(s.spentUsd)}${ceiling}` },
    { key: "time", text: duration(s.elapsedMs) }
  ];
}

export {
  createProgress,
  plainLine
};
