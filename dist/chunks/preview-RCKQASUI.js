import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand
} from "./chunk-X4XOIZ6O.js";
import "./chunk-KOQOTH7V.js";
import "./chunk-TZH53QLO.js";
import "./chunk-MFRKUSXS.js";
import "./chunk-IMHJJ2W7.js";
import "./chunk-5PNXC5KU.js";
import "./chunk-7IEQLHW7.js";
import "./chunk-QZFFVMHD.js";
import "./chunk-6M3LJYRS.js";
import "./chunk-PK654C6K.js";
import "./chunk-YPSSUEOW.js";
import "./chunk-4XIAYHCN.js";
import "./chunk-P5UZNSPX.js";
import "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/preview.ts
var previewCommand = generatingCommand("preview", "draft and screen only: record the accepted seeds, render nothing");
export {
  previewCommand
};
