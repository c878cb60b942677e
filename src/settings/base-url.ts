import { refused, written, type KnobName } from "./knob-name.js";

/**
 * `--base-url`, `GOOGLE_GEMINI_BASE_URL` and the Action's `base-url` input: where the Gemini API
 * is answered (a proxy, or a local `seedlock emulate`). An absolute http(s) URL with a host; the
 * trailing slashes go, so the API's paths join on cleanly.
 */
export function parseBaseUrl(raw: string, name: KnobName): string {
  const text = raw.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  // The scheme must be spelled out: the URL parser would read `http:host` as http://host/.
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !/^https?:\/\/[^/\s]/i.test(text)) {
    throw refused(name, `must be an http(s) URL, not ${JSON.stringify(raw)}`, `for example ${written(name, "http://127.0.0.1:8080")} for a local emulator`);
  }
  return text.replace(/\/+$/, "");
}
