import { generatingCommand } from "./run.js";

export const renderCommand = generatingCommand("render", "render the accepted drafts that have no final yet; draft nothing new");
