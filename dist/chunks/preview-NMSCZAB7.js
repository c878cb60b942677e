import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand
} from "./chunk-GDBOM5PD.js";
import "./chunk-W55XQSKC.js";
import "./chunk-MFRKUSXS.js";
import "./chunk-4K6YZQVB.js";
import "./chunk-UW6WKUQL.js";
import "./chunk-QEITITXB.js";
import "./chunk-2OBPMKXN.js";
import "./chunk-6M3LJYRS.js";
import "./chunk-KTQQCZLI.js";
import "./chunk-P6T6WWVU.js";
import "./chunk-VB46BMHO.js";
import "./chunk-67RSKPRZ.js";
import "./chunk-PK654C6K.js";
import "./chunk-BYMAINSJ.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/preview.ts
var previewCommand = generatingCommand("preview", "draft and screen only: record the accepted seeds, render nothing");
export {
  previewCommand
};
