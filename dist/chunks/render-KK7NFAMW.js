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

// src/cli/render.ts
var renderCommand = generatingCommand("render", "render the accepted drafts that have no final yet; draft nothing new");
export {
  renderCommand
};
