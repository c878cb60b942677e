import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand,
  runAndPrint,
  runCommand
} from "./chunk-AJUIPAAC.js";
import "./chunk-DIG3EUTH.js";
import "./chunk-QEITITXB.js";
import "./chunk-EMGX7NSF.js";
import "./chunk-RN5VCRI4.js";
import "./chunk-B26JENO5.js";
import "./chunk-RUZPBMFR.js";
import "./chunk-4RHKQ3D4.js";
export {
  generatingCommand,
  runAndPrint,
  runCommand
};
