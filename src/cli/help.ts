/**
 * `seedlock help [command]`, `<command> --help` and the bare usage: generated from the commands'
 * summaries and their flag tables, wrapped to the terminal's width, bold only where colour is wanted.
 */
import { EXIT_CODE_MEANING, type ExitCode } from "../errors.js";
import { GLOBAL_OPTIONS, type Command, type FlagTable } from "./command.js";

export interface HelpLayout {
  width: number;
  color: boolean;
}

export interface CommandEntry {
  name: string;
  summary: string;
}

const ENVIRONMENT: [string, string][] = [
  ["GEMINI_API_KEY", "the Gemini API key (plan needs none)"],
  ["GOOGLE_GEMINI_BASE_URL", "the API's base URL when --base-url is not given"],
  ["NO_COLOR", "set to anything to print without colour"],
];

/** The overview: every command with its summary, the global flags, environment and exit codes. */
export function overviewHelp(commands: CommandEntry[], layout: HelpLayout): string {
  const out = [
    `${bold("usage:", layout)} seedlock <command> [flags]`,
    "",
    bold("commands:", layout),
    ...rows(commands.map((c) => [c.name, c.summary]), layout),
    "",
    ...flagSection("global flags:", GLOBAL_OPTIONS, layout),
    ...trailer(layout),
    ...wrap(`Run "seedlock help <command>" or "seedlock <command> --help" for a command's own flags.`, layout.width),
  ];
  return out.join("\n") + "\n";
}

/** One command: what it does, its usage line, its own flags, then the global ones. */
export function commandHelp(name: string, command: Command, layout: HelpLayout): string {
  const usage = `seedlock ${name}${command.usage ? ` ${command.usage}` : ""} [flags]`;
  const [first = "", ...rest] = wrap(`seedlock ${name} — ${command.summary}`, layout.width);
  const title = first.replace(`seedlock ${name}`, bold(`seedlock ${name}`, layout));
  const out = [title, ...rest, "", `${bold("usage:", layout)} ${usage}`, ""];
  for (const paragraph of command.details ?? []) out.push(...wrap(paragraph, layout.width), "");
  if (Object.keys(command.options).length) out.push(...flagSection("flags:", command.options, layout));
  out.push(...flagSection("global flags:", GLOBAL_OPTIONS, layout), ...trailer(layout));
  return out.join("\n").replace(/\n+$/, "") + "\n";
}

function flagSection(title: string, table: FlagTable, layout: HelpLayout): string[] {
  const entries = Object.entries(table).map(([name, flag]): [string, string] => {
    const short = flag.short ? `-${flag.short}, ` : "";
    const value = flag.type === "string" ? ` ${flag.value ?? "VALUE"}` : "";
    const byDefault = flag.type === "string" && flag.default !== undefined && !flag.help.includes("default") ? ` (default ${String(flag.default)})` : "";
    return [`${short}--${name}${value}`, `${flag.help}${byDefault}`];
  });
  return [bold(title, layout), ...rows(entries, layout), ""];
}

function trailer(layout: HelpLayout): string[] {
  const codes = Object.entries(EXIT_CODE_MEANING).map(([code, meaning]): [string, string] => [code, meaning as (typeof EXIT_CODE_MEANING)[ExitCode]]);
  return [bold("environment:", layout), ...rows(ENVIRONMENT, layout), "", bold("exit codes:", layout), ...rows(codes, layout), ""];
}

/** Two columns: names padded to the widest (at most a third of the width), text wrapped with a hanging indent. */
function rows(entries: [string, string][], layout: HelpLayout): string[] {
  const nameWidth = Math.min(Math.max(...entries.map(([n]) => n.length)), Math.floor(layout.width / 3));
  const indent = 2 + nameWidth + 2;
  const lines: string[] = [];
  for (const [name, text] of entries) {
    const wrapped = wrap(text, Math.max(20, layout.width - indent));
    if (name.length > nameWidth) {
      lines.push(`  ${name}`);
      for (const line of wrapped) lines.push(`${" ".repeat(indent)}${line}`);
      continue;
    }
    wrapped.forEach((line, i) => lines.push(i === 0 ? `  ${name.padEnd(nameWidth)}  ${line}` : `${" ".repeat(indent)}${line}`));
  }
  return lines;
}

/** Greedy word wrap; a word longer than the width gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

function bold(text: string, layout: HelpLayout): string {
  return layout.color ? `\u001b[1m${text}\u001b[22m` : text;
}
