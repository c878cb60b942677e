import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand
} from "./chunk-RO7G5TXO.js";
import "./chunk-BU5KC35N.js";
import "./chunk-QEITITXB.js";
import "./chunk-6K6PET3N.js";
import "./chunk-UTUMU7S5.js";
import "./chunk-Q6YDCQ4Q.js";
import "./chunk-HB6TJNEM.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/preview.ts
var previewCommand = generatingCommand("preview", "draft and screen only: record the accepted seeds, render nothing");
export {
  previewCommand
};
