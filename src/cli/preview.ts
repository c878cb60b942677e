import { generatingCommand } from "./run.js";

export const previewCommand = generatingCommand("preview", "draft and screen only: record the accepted seeds, render nothing");
