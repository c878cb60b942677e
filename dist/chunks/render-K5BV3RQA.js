import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand
} from "./chunk-FDNXDATG.js";
import "./chunk-FLNIKJIU.js";
import "./chunk-QEITITXB.js";
import "./chunk-UKFZWTCL.js";
import "./chunk-MRGRG3TP.js";
import "./chunk-B26JENO5.js";
import "./chunk-HB6TJNEM.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/render.ts
var renderCommand = generatingCommand("render", "render the accepted drafts that have no final yet; draft nothing new");
export {
  renderCommand
};
