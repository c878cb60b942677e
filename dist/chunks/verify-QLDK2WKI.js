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

// src/cli/verify.ts
var verifyCommand = generatingCommand("verify", "check that every output matches the sha256 in the lockfile (exit 2 naming the files that do not)");
export {
  verifyCommand
};
