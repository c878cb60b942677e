import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand,
  runAndPrint,
  runCommand
} from "./chunk-FDNXDATG.js";
import "./chunk-FLNIKJIU.js";
import "./chunk-QEITITXB.js";
import "./chunk-UKFZWTCL.js";
import "./chunk-MRGRG3TP.js";
import "./chunk-B26JENO5.js";
import "./chunk-HB6TJNEM.js";
import "./chunk-4RHKQ3D4.js";
export {
  generatingCommand,
  runAndPrint,
  runCommand
};
