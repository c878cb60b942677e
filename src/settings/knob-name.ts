import { InputError } from "../errors.js";

/**
 * A knob as the user set it, so that its errors speak their language: a CLI flag (`--max-budget-usd`),
 * an environment variable (`GOOGLE_GEMINI_BASE_URL`), or else an Action input (`max-budget-usd`).
 */
export type KnobName = string;

type Kind = "flag" | "environment" | "input";

function kindOf(name: KnobName): Kind {
  if (name.startsWith("--")) return "flag";
  return /^[A-Z][A-Z0-9_]*$/.test(name) ? "environment" : "input";
}

/** What a message calls the knob: the flag or variable itself, or `input "name"` as the Action's problems read. */
export function knobLabel(name: KnobName): string {
  return kindOf(name) === "input" ? `input "${name}"` : name;
}

/** The knob set to `value` as the user would write it: `--wait 30`, `WAIT=30`, `wait-minutes: 30`. */
export function written(name: KnobName, value: string): string {
  const kind = kindOf(name);
  return kind === "flag" ? `${name} ${value}` : kind === "environment" ? `${name}=${value}` : `${name}: ${value}`;
}

/** A refused value: `<knob> <message> (<fix>)`, with the knob as the Diagnostic's path so both entry points list it alike. */
export function refused(name: KnobName, message: string, fix: string): InputError {
  return new InputError([{ path: knobLabel(name), message, fix }]);
}
