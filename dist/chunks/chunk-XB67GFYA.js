import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  mergeLockfiles
} from "./chunk-RLA37S77.js";
import {
  require_tunnel,
  require_undici
} from "./chunk-GEXTQ4V7.js";
import {
  PathRefusedError,
  RepositoryFolder,
  emptyLockfile,
  formatLockfile,
  parseLockfile,
  readLockfile,
  repositoryPathProblem
} from "./chunk-YPSSUEOW.js";
import {
  formatUsd
} from "./chunk-4XIAYHCN.js";
import {
  sleep
} from "./chunk-P5UZNSPX.js";
import {
  __toESM
} from "./chunk-4RHKQ3D4.js";

// node_modules/@actions/core/lib/command.js
import * as os from "os";

// node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
function issue(name, message = "") {
  issueCommand(name, {}, message);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// node_modules/@actions/core/lib/file-command.js
import * as crypto from "crypto";
import * as fs from "fs";
import * as os2 from "os";
function issueFileCommand(command, message) {
  const filePath = process.env[`GITHUB_${command}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os2.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (convertedValue.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${os2.EOL}${convertedValue}${os2.EOL}${delimiter}`;
}

// node_modules/@actions/core/lib/core.js
import * as os4 from "os";

// node_modules/@actions/http-client/lib/index.js
var tunnel = __toESM(require_tunnel(), 1);
var import_undici = __toESM(require_undici(), 1);
var HttpCodes;
(function(HttpCodes2) {
  HttpCodes2[HttpCodes2["OK"] = 200] = "OK";
  HttpCodes2[HttpCodes2["MultipleChoices"] = 300] = "MultipleChoices";
  HttpCodes2[HttpCodes2["MovedPermanently"] = 301] = "MovedPermanently";
  HttpCodes2[HttpCodes2["ResourceMoved"] = 302] = "ResourceMoved";
  HttpCodes2[HttpCodes2["SeeOther"] = 303] = "SeeOther";
  HttpCodes2[HttpCodes2["NotModified"] = 304] = "NotModified";
  HttpCodes2[HttpCodes2["UseProxy"] = 305] = "UseProxy";
  HttpCodes2[HttpCodes2["SwitchProxy"] = 306] = "SwitchProxy";
  HttpCodes2[HttpCodes2["TemporaryRedirect"] = 307] = "TemporaryRedirect";
  HttpCodes2[HttpCodes2["PermanentRedirect"] = 308] = "PermanentRedirect";
  HttpCodes2[HttpCodes2["BadRequest"] = 400] = "BadRequest";
  HttpCodes2[HttpCodes2["Unauthorized"] = 401] = "Unauthorized";
  HttpCodes2[HttpCodes2["PaymentRequired"] = 402] = "PaymentRequired";
  HttpCodes2[HttpCodes2["Forbidden"] = 403] = "Forbidden";
  HttpCodes2[HttpCodes2["NotFound"] = 404] = "NotFound";
  HttpCodes2[HttpCodes2["MethodNotAllowed"] = 405] = "MethodNotAllowed";
  HttpCodes2[HttpCodes2["NotAcceptable"] = 406] = "NotAcceptable";
  HttpCodes2[HttpCodes2["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
  HttpCodes2[HttpCodes2["RequestTimeout"] = 408] = "RequestTimeout";
  HttpCodes2[HttpCodes2["Conflict"] = 409] = "Conflict";
  HttpCodes2[HttpCodes2["Gone"] = 410] = "Gone";
  HttpCodes2[HttpCodes2["TooManyRequests"] = 429] = "TooManyRequests";
  HttpCodes2[HttpCodes2["InternalServerError"] = 500] = "InternalServerError";
  HttpCodes2[HttpCodes2["NotImplemented"] = 501] = "NotImplemented";
  HttpCodes2[HttpCodes2["BadGateway"] = 502] = "BadGateway";
  HttpCodes2[HttpCodes2["ServiceUnavailable"] = 503] = "ServiceUnavailable";
  HttpCodes2[HttpCodes2["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function(Headers2) {
  Headers2["Accept"] = "accept";
  Headers2["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function(MediaTypes2) {
  MediaTypes2["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
var HttpRedirectCodes = [
  HttpCodes.MovedPermanently,
  HttpCodes.ResourceMoved,
  HttpCodes.SeeOther,
  HttpCodes.TemporaryRedirect,
  HttpCodes.PermanentRedirect
];
var HttpResponseRetryCodes = [
  HttpCodes.BadGateway,
  HttpCodes.ServiceUnavailable,
  HttpCodes.GatewayTimeout
];

// node_modules/@actions/core/lib/summary.js
import { EOL as EOL3 } from "os";
import { constants, promises } from "fs";
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, constants.R_OK | constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text, addEOL = false) {
    this._buffer += text;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(EOL3);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header, data, colspan, rowspan } = cell;
        const tag = header ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label, content) {
    const element = this.wrap("details", this.wrap("summary", label) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text, href) {
    const element = this.wrap("a", text, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();
var summary = _summary;

// node_modules/@actions/core/lib/platform.js
import os3 from "os";

// node_modules/@actions/io/lib/io-util.js
import * as fs2 from "fs";
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs2.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs2.constants.O_RDONLY;

// node_modules/@actions/exec/lib/toolrunner.js
var IS_WINDOWS2 = process.platform === "win32";

// node_modules/@actions/core/lib/platform.js
var platform = os3.platform();
var arch = os3.arch();

// node_modules/@actions/core/lib/core.js
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function setOutput(name, value) {
  const filePath = process.env["GITHUB_OUTPUT"] || "";
  if (filePath) {
    return issueFileCommand("OUTPUT", prepareKeyValueMessage(name, value));
  }
  process.stdout.write(os4.EOL);
  issueCommand("set-output", { name }, toCommandValue(value));
}
function setFailed(message) {
  process.exitCode = ExitCode.Failure;
  error(message);
}
function debug(message) {
  issueCommand("debug", {}, message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function notice(message, properties = {}) {
  issueCommand("notice", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os4.EOL);
}
function startGroup(name) {
  issue("group", name);
}
function endGroup() {
  issue("endgroup");
}
function saveState(name, value) {
  const filePath = process.env["GITHUB_STATE"] || "";
  if (filePath) {
    return issueFileCommand("STATE", prepareKeyValueMessage(name, value));
  }
  issueCommand("save-state", { name }, toCommandValue(value));
}
function getState(name) {
  return process.env[`STATE_${name}`] || "";
}

// src/action/constants.ts
var Input = {
  command: "command",
  manifest: "manifest",
  apiKey: "api-key",
  githubToken: "github-token",
  maxBudgetUsd: "max-budget-usd",
  baseUrl: "base-url",
  commit: "commit",
  commitMessage: "commit-message",
  comment: "comment",
  shard: "shard",
  shards: "shards",
  reports: "reports",
  batch: "batch",
  wait: "wait-minutes",
  allowPullRequestTarget: "allow-pull-request-target",
  allowLowerPrices: "allow-lower-prices",
  overwriteUntracked: "overwrite-untracked",
  previewPush: "preview-push"
};
var Output = {
  spentUsd: "spent-usd",
  estimatedUsd: "estimated-usd",
  drafts: "drafts",
  accepted: "accepted",
  rendered: "rendered",
  acceptRate: "accept-rate",
  costPerAcceptedUsd: "cost-per-accepted-usd",
  costPerAcceptedDraftUsd: "cost-per-accepted-draft-usd",
  changedAssets: "changed-assets",
  report: "report",
  reportJson: "report-json",
  matrix: "matrix"
};
var State = {
  landing: "landing",
  finished: "finished"
};
var BOT = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com"
};
var PREVIEWS_BRANCH = "seedlock-previews";
var COMMENT_MARKER = "<!-- seedlock:preview -->";

// src/action/git.ts
import { execFile } from "node:child_process";
import { existsSync as existsSync2 } from "node:fs";
import { mkdtemp, readFile, rm as rm2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var GitError = class extends Error {
  constructor(args, result) {
    super(`git ${args[0]} failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    this.args = args;
    this.result = result;
    this.name = "GitError";
  }
  args;
  result;
};
var PushRefusedError = class extends Error {
  constructor(branch, reason) {
    super(`pushing to ${branch} was refused: ${reason}`);
    this.branch = branch;
    this.reason = reason;
    this.name = "PushRefusedError";
  }
  branch;
  reason;
};
var GitCli = class {
  constructor(cwd) {
    this.cwd = cwd;
  }
  cwd;
  exec(args, call = {}) {
    return new Promise((resolve, reject) => {
      const child = execFile(
        "git",
        args,
        {
          cwd: this.cwd,
          env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...call.env },
          maxBuffer: 64 * 1024 * 1024,
          encoding: "utf8"
        },
        (err, stdout, stderr) => {
          const code = err ? typeof err.code === "number" ? err.code : 1 : 0;
          if (err && typeof err.code === "string") return reject(err);
          const result = { code, stdout, stderr };
          if (code !== 0 && !call.allowFailure) return reject(new GitError(args, result));
          resolve(result);
        }
      );
      if (call.input !== void 0) child.stdin?.end(call.input);
      else child.stdin?.end();
    });
  }
};
var EMPTY_BLOB_MODE = "0 0000000000000000000000000000000000000000";
async function landCommit(git, request, options = {}) {
  const maxAttempts = options.maxAttempts ?? 5;
  const pause = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  for (const file of [...request.files.map((f) => f.path), ...request.lockfile ? [request.lockfile.path] : []]) {
    const problem = repositoryPathProblem(file);
    if (problem) throw new PathRefusedError(`refusing to commit ${JSON.stringify(file)}: it ${problem}`, file);
  }
  const blobs = await hashFiles(git, request.files);
  const lockPath = request.lockfile?.path;
  const ours = lockPath ? await lockfileSource(request.files, lockPath) : null;
  const base = lockPath && request.startedFrom ? await show(git, request.startedFrom, lockPath) : null;
  const scratch = await mkdtemp(join(tmpdir(), "seedlock-index-"));
  try {
    for (let attempt = 1; ; attempt++) {
      const tip = await fetchTip(git, request.branch);
      const env = { GIT_INDEX_FILE: join(scratch, `index-${attempt}`) };
      await git.exec(tip ? ["read-tree", tip] : ["read-tree", "--empty"], { env });
      if (request.replaceFolder) {
        await git.exec(["rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", request.replaceFolder], { env });
      }
      const lines = request.files.map((f) => {
        const blob = blobs.get(f.path);
        return blob ? `100644 ${blob}	${f.path}` : `${EMPTY_BLOB_MODE}	${f.path}`;
      });
      let merged = false;
      if (lockPath && ours !== null && tip && tip !== request.startedFrom) {
        const theirs = await show(git, tip, lockPath);
        if (theirs !== null && theirs !== base && theirs !== ours) {
          const text = await request.lockfile.merge(base, ours, theirs);
          const blob = (await git.exec(["hash-object", "-w", "--stdin"], { input: text })).stdout.trim();
          lines.push(`100644 ${blob}	${lockPath}`);
          merged = true;
        }
      }
      if (lines.length) await git.exec(["update-index", "-z", "--index-info"], { env, input: lines.map((line) => `${line}\0`).join("") });
      const tree = (await git.exec(["write-tree"], { env })).stdout.trim();
      if (tip && tree === (await git.exec(["rev-parse", `${tip}^{tree}`])).stdout.trim()) return { commit: null, attempts: attempt, tip };
      const commit = (await git.exec(["commit-tree", tree, ...tip ? ["-p", tip] : [], "-F", "-"], {
        input: request.message,
        env: {
          GIT_AUTHOR_NAME: BOT.name,
          GIT_AUTHOR_EMAIL: BOT.email,
          GIT_COMMITTER_NAME: BOT.name,
          GIT_COMMITTER_EMAIL: BOT.email
        }
      })).stdout.trim();
      const pushed = await push(git, commit, request.branch);
      if (pushed === "ok") return { commit, attempts: attempt, merged };
      if (attempt >= maxAttempts) {
        throw new PushRefusedError(request.branch, `the branch moved on ${attempt} times while seedlock tried to push; rerun the job`);
      }
      options.onRetry?.(attempt, pushed);
      await pause(Math.min(4e3, 250 * 2 ** (attempt - 1)) * (0.5 + random()));
    }
  } finally {
    await rm2(scratch, { recursive: true, force: true });
  }
}
async function syncWorkTree(git, from, commit, branch) {
  const changed = (await git.exec(["diff", "--name-only", "-z", from, commit])).stdout.split("\0").filter(Boolean);
  await git.exec(["reset", "--quiet", commit]);
  if (changed.length) {
    const present = (await git.exec(["ls-tree", "-r", "--name-only", "-z", commit, "--", ...changed])).stdout.split("\0").filter(Boolean);
    if (present.length) await git.exec(["checkout", commit, "--", ...present]);
  }
  await git.exec(["update-ref", `refs/remotes/origin/${branch}`, commit]);
}
async function headCommit(git) {
  const r = await git.exec(["rev-parse", "--verify", "-q", "HEAD"], { allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : null;
}
async function topLevel(git) {
  return (await git.exec(["rev-parse", "--show-toplevel"])).stdout.trim();
}
async function show(git, rev, path) {
  const r = await git.exec(["show", `${rev}:${path}`], { allowFailure: true });
  return r.code === 0 ? r.stdout : null;
}
async function fetchTip(git, branch) {
  const r = await git.exec(["fetch", "--quiet", "--no-tags", "origin", `refs/heads/${branch}`], { allowFailure: true });
  if (r.code !== 0) {
    if (/couldn't find remote ref/i.test(r.stderr)) return null;
    throw new GitError(["fetch", "origin", branch], r);
  }
  return (await git.exec(["rev-parse", "FETCH_HEAD"])).stdout.trim();
}
async function push(git, commit, branch) {
  const r = await git.exec(["push", "--porcelain", "--no-verify", "origin", `${commit}:refs/heads/${branch}`], { allowFailure: true });
  if (r.code === 0) return "ok";
  const line = r.stdout.split("\n").find((l) => l.startsWith("!")) ?? "";
  if (/\[rejected\]/.test(line)) return line.split("	").pop() ?? "rejected";
  const reason = /\[remote rejected\]\s*\((.*)\)\s*$/.exec(line)?.[1] ?? lastLine(r.stderr);
  if (/failed to update ref|cannot lock ref|failed to lock|incorrect old value|unable to update local ref/i.test(reason)) return `[remote rejected] (${reason})`;
  throw new PushRefusedError(branch, reason);
}
function lastLine(text) {
  const lines = text.trim().split("\n").filter((l) => !/^(To |hint:)/.test(l));
  return lines.slice(-2).join(" ").replace(/^(fatal|error):\s*/i, "") || "unknown reason";
}
async function hashFiles(git, files) {
  const present = files.filter((f) => f.source !== null && existsSync2(f.source));
  const map = /* @__PURE__ */ new Map();
  if (!present.length) return map;
  const out = (await git.exec(["hash-object", "-w", "--no-filters", "--", ...present.map((f) => f.source)])).stdout.trim().split("\n");
  present.forEach((f, i) => map.set(f.path, out[i]));
  return map;
}
async function lockfileSource(files, path) {
  const source = files.find((f) => f.path === path)?.source;
  if (!source) return null;
  try {
    return await readFile(source, "utf8");
  } catch {
    return null;
  }
}

// src/action/landing.ts
import { existsSync as existsSync3 } from "node:fs";
import { isAbsolute, join as join2, relative, sep } from "node:path";
function pushAttempts(racers = 1) {
  return Math.max(5, racers + 4);
}
function posixPath(path) {
  return path.split(sep).join("/");
}
function lockfileFrom(text, display) {
  return text === null || !text.trim() ? emptyLockfile() : parseLockfile(text, display);
}
var mergeLockfileText = async (base, ours, theirs) => formatLockfile(
  mergeLockfiles(lockfileFrom(base, "assets.lock.yaml (base)"), lockfileFrom(ours, "assets.lock.yaml (this run)"), lockfileFrom(theirs, "assets.lock.yaml (branch)"))
);
function pathsIn(lock, keepDrafts = () => true) {
  const outputs = /* @__PURE__ */ new Set();
  const drafts = /* @__PURE__ */ new Set();
  for (const [id, entry] of Object.entries(lock.assets)) {
    for (const o of entry.outputs) outputs.add(o.path);
    if (keepDrafts(id)) {
      for (const s of entry.seeds) if (s.status === "accepted" && s.draft) drafts.add(s.draft);
    }
  }
  return { outputs, drafts };
}
function draftsWanted(report) {
  if (!report || report.command === "preview") return () => true;
  const finished = new Set(report.assets.filter((a) => a.status === "done" || a.status === "unchanged").map((a) => a.id));
  return (id) => !finished.has(id);
}
function inside(top, path) {
  const rel = relative(top, join2(top, path));
  return !!rel && !rel.startsWith("..") && !isAbsolute(rel);
}
async function landingFiles(git, plan, keepDrafts) {
  const lockAbs = join2(plan.top, plan.lockfile);
  if (!existsSync3(lockAbs)) return [];
  const repository = new RepositoryFolder(plan.top);
  const now = pathsIn(await readLockfile(lockAbs, { within: repository }), keepDrafts);
  const before = pathsIn(lockfileFrom(plan.startedFrom ? await show(git, plan.startedFrom, plan.lockfile) : null, `${plan.lockfile} (before)`));
  const files = [{ path: posixPath(plan.lockfile), source: lockAbs }];
  const seen = /* @__PURE__ */ new Set([files[0].path]);
  const add = (path, keep) => {
    if (seen.has(path) || !inside(plan.top, path) || repositoryPathProblem(path) !== void 0) return;
    seen.add(path);
    const abs = join2(plan.top, path);
    if (keep && repository.holdsRegularFile(abs)) files.push({ path, source: abs });
    else if (!keep) files.push({ path, source: null });
  };
  for (const p of [...now.outputs].sort()) add(p, true);
  for (const p of [...now.drafts].sort()) add(p, true);
  for (const p of [...before.outputs].sort()) if (!now.outputs.has(p) && !existsSync3(join2(plan.top, p))) add(p, false);
  for (const p of [...before.drafts].sort()) if (!now.drafts.has(p)) add(p, false);
  return files;
}
var VERBS = { run: "regenerate", render: "render", preview: "record accepted drafts for" };
function commitMessage(plan, report, unfinished) {
  const worked = new Set((report?.assets ?? []).filter((a) => a.drafts > 0 || a.rendered > 0 || a.accepted > 0).map((a) => a.id));
  const changed = (report?.changedAssets ?? []).filter((id) => worked.has(id));
  const list = changed.length > 6 ? `${changed.slice(0, 5).join(", ")} and ${changed.length - 5} more` : changed.join(", ");
  const fallback = unfinished ? `seedlock: keep accepted work from an unfinished ${plan.command}` : `seedlock: ${VERBS[plan.command] ?? plan.command} ${list || "assets"}`;
  const subject = plan.subject ? plan.subject.replaceAll("{assets}", list || "assets") : fallback;
  const body = (report?.assets ?? []).filter((a) => changed.includes(a.id)).map((a) => `- ${a.id}: ${a.rendered} rendered, ${a.accepted} accepted of ${a.drafts} drafts, ${formatUsd(a.spentUsd, { places: 4 })}`);
  const cents = (usd) => formatUsd(usd, { places: 2 });
  const ceiling = (r) => r.shard ? `shard ${r.shard.shard}'s ${cents(r.ceilingUsd)} slice of a ${cents(r.shard.matrixCeilingUsd)} ceiling` : `a ${cents(r.ceilingUsd)} ceiling`;
  const spend = report ? [`Spent ${formatUsd(report.spentUsd, { places: 4 })} of ${ceiling(report)}.`] : [];
  return [subject, "", ...body, ...body.length ? [""] : [], ...spend].join("\n").trimEnd() + "\n";
}
async function land(git, plan, report, onRetry) {
  const files = await landingFiles(git, plan, draftsWanted(report));
  const message = commitMessage(plan, report, report === void 0);
  if (!files.length) return void 0;
  if (plan.finals && plan.startedFrom) await startFinalsBranch(git, plan.branch, plan.startedFrom);
  const landed = await landCommit(
    git,
    { branch: plan.branch, startedFrom: plan.startedFrom, message, files, lockfile: { path: posixPath(plan.lockfile), merge: mergeLockfileText } },
    { onRetry, maxAttempts: pushAttempts(plan.racers) }
  );
  if (landed.commit && plan.kind === "push" && plan.startedFrom && !plan.finals) {
    const head = (await git.exec(["rev-parse", "HEAD"], { allowFailure: true })).stdout.trim();
    if (head === plan.startedFrom) await syncWorkTree(git, plan.startedFrom, landed.commit, plan.branch);
  }
  return landed;
}
async function startFinalsBranch(git, branch, from) {
  const r = await git.exec(["fetch", "--quiet", "--no-tags", "origin", `refs/heads/${branch}`], { allowFailure: true });
  if (r.code === 0) {
    const tip = (await git.exec(["rev-parse", "FETCH_HEAD"])).stdout.trim();
    if ((await git.exec(["merge-base", "--is-ancestor", from, tip], { allowFailure: true })).code === 0) return;
  }
  await git.exec(["push", "--quiet", "--force", "--no-verify", "origin", `${from}:refs/heads/${branch}`]);
}

export {
  summary,
  setSecret,
  getInput,
  setOutput,
  setFailed,
  debug,
  error,
  warning,
  notice,
  info,
  startGroup,
  endGroup,
  saveState,
  getState,
  Input,
  Output,
  State,
  PREVIEWS_BRANCH,
  COMMENT_MARKER,
  PushRefusedError,
  GitCli,
  landCommit,
  headCommit,
  topLevel,
  show,
  fetchTip,
  land
};
