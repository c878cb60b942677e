import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  generatingCommand
} from "./chunk-MU4NXCWV.js";
import "./chunk-6IEMWCLY.js";
import "./chunk-MFRKUSXS.js";
import "./chunk-Q3JW7B54.js";
import "./chunk-ZY5Z3KNW.js";
import "./chunk-6M3LJYRS.js";
import "./chunk-QPT35HKR.js";
import "./chunk-EFW4YMWR.js";
import "./chunk-QBLJZ7EA.js";
import "./chunk-PK654C6K.js";
import "./chunk-YPSSUEOW.js";
import "./chunk-4XIAYHCN.js";
import "./chunk-P5UZNSPX.js";
import "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/render.ts
var renderCommand = generatingCommand("render", "render the accepted drafts that have no final yet; draft nothing new");
export {
  renderCommand
};
