// Runs before `npm test`: the report.html gallery test opens the page in Debian's headless
// Chromium, so make sure it is installed. A no-op (one stat) when it already is.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) install();

function install() {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const aptGet = ["/usr/bin/apt-get", "/bin/apt-get"].find((p) => existsSync(p));
  if (process.platform !== "linux" || !aptGet) {
    say(`${CHROMIUM} is missing and this is not a Debian-like system with apt-get; install Chromium by hand, or the gallery screenshot test is skipped (fails when CI is set)`);
    return;
  }
  if (!isRoot) {
    say(`${CHROMIUM} is missing; run \`sudo apt-get install -y --no-install-recommends chromium\`, or the gallery screenshot test is skipped (fails when CI is set)`);
    return;
  }
  say("installing Debian's chromium for the gallery screenshot test (apt-get, once)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync(aptGet, ["update", "-qq"], { env, encoding: "utf8" });
  if (update.status !== 0) say(`apt-get update failed (exit ${update.status}): ${tail(update.stderr)}`);
  const add = spawnSync(aptGet, ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { env, encoding: "utf8" });
  if (add.status !== 0) say(`apt-get install chromium failed (exit ${add.status}): ${tail(add.stderr)}`);
  if (existsSync(CHROMIUM)) say(`chromium installed at ${CHROMIUM}`);
  else say(`${CHROMIUM} is still missing after apt-get; the gallery screenshot test is skipped (fails when CI is set)`);
}

function say(line) {
  process.stderr.write(`pretest: ${line}\n`);
}

function tail(text) {
  return (text ?? "").trim().split("\n").slice(-3).join(" / ") || "no output";
}
