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

// src/cli/preview.ts
var previewCommand = generatingCommand("preview", "draft and screen only: record the accepted seeds, render nothing");
export {
  previewCommand
};
