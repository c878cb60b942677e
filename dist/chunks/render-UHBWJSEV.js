import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand
} from "./chunk-AJUIPAAC.js";
import "./chunk-DIG3EUTH.js";
import "./chunk-QEITITXB.js";
import "./chunk-EMGX7NSF.js";
import "./chunk-RN5VCRI4.js";
import "./chunk-B26JENO5.js";
import "./chunk-RUZPBMFR.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/render.ts
var renderCommand = generatingCommand("render", "render the accepted drafts that have no final yet; draft nothing new");
export {
  renderCommand
};
