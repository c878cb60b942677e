import type { components } from "@octokit/openapi-types";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type IssueComment = components["schemas"]["issue-comment"];
type SimpleUser = NonNullable<components["schemas"]["nullable-simple-user"]>;
type BasicError = components["schemas"]["basic-error"];
type CollaboratorPermission = components["schemas"]["repository-collaborator-permission"];
type PullRequest = components["schemas"]["pull-request-simple"];
/** The fields of a pull request seedlock reads, as GitHub sends them; the rest of the object is left out. */
export type StandInPullRequest = Pick<PullRequest, "id" | "number" | "url" | "html_url" | "state" | "title" | "body" | "created_at" | "updated_at" | "draft" | "user"> & {
  head: Pick<PullRequest["head"], "label" | "ref" | "sha">;
  base: Pick<PullRequest["base"], "label" | "ref" | "sha">;
};

/** A person's role on the repository, as GitHub names them (role_name). */
export type RepositoryRole = "admin" | "maintain" | "write" | "triage" | "read";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  body?: unknown;
  status: number;
}

export interface GitHubApiOptions {
  owner: string;
  repo: string;
  /** Tokens that may write (GITHUB_TOKEN with pull-requests: write). */
  tokens: string[];
  /** Tokens that may only read, as a fork's pull request gets. */
  readOnlyTokens?: string[];
  /** Roles by login, for GET /repos/{owner}/{repo}/collaborators/{username}/permission; others read. */
  roles?: Record<string, RepositoryRole>;
  /**
   * Tokens that belong to a person (a personal access token): GET /user answers with that login,
   * and their comments are written as that user. Every other token is an installation token, as
   * GITHUB_TOKEN is: GET /user refuses it, and it writes as github-actions[bot].
   */
  people?: Record<string, string>;
}

const DOCS = "https://docs.github.com/rest";

/**
 * A stand-in for GitHub's REST API on 127.0.0.1, speaking its wire format for the issue-comment
 * endpoints the Action uses: JSON bodies shaped as GitHub returns them (typed against GitHub's own
 * OpenAPI description), `Link` pagination, token auth, and GitHub's error bodies for everything else.
 * Every request is recorded.
 */
export class GitHubApiStandIn {
  readonly requests: RecordedRequest[] = [];
  private readonly comments = new Map<number, { issue: number; comment: IssueComment }>();
  private nextId = 1_000_001;
  /** Pull requests opened through the API, by number. */
  readonly pulls = new Map<number, StandInPullRequest>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: GitHubApiOptions,
  ) {}

  static async start(options: GitHubApiOptions): Promise<GitHubApiStandIn> {
    let api: GitHubApiStandIn | undefined;
    const server = createServer((req, res) => void api!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    api = new GitHubApiStandIn(server, `http://127.0.0.1:${port}`, options);
    return api;
  }

  /** Comments on an issue or pull request, oldest first, as the API lists them. */
  commentsOn(issue: number): IssueComment[] {
    return [...this.comments.values()].filter((c) => c.issue === issue).map((c) => c.comment);
  }

  /** Seeds a comment written by someone else, e.g. a reviewer (or another app's bot). */
  addComment(issue: number, body: string, login = "octo-reviewer", type: "User" | "Bot" = "User"): IssueComment {
    return this.create(issue, body, this.user(login, type, type === "Bot" ? 41898283 : 583231));
  }

  /** Someone edits a comment in the page (e.g. ticks a checkbox): the body changes, the author does not. */
  editComment(id: number, body: string): IssueComment {
    const found = this.comments.get(id)!;
    found.comment = { ...found.comment, body, updated_at: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
    return found.comment;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const raw = await new Promise<string>((resolve) => {
      let data = "";
      req.setEncoding("utf8");
      req.on("data", (d) => (data += d));
      req.on("end", () => resolve(data));
    });
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-github-media-type": "github.v3; format=json",
        "x-github-request-id": `STANDIN:${this.requests.length}`,
        ...headers,
      });
      res.end(status === 204 ? undefined : JSON.stringify(body));
    };
    const error = (status: number, message: string) => send(status, { message, documentation_url: DOCS, status: String(status) } satisfies BasicError);

    if (raw) {
      try {
        record.body = JSON.parse(raw);
      } catch {
        return error(400, "Problems parsing JSON");
      }
    }

    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const writer = token !== undefined && this.options.tokens.includes(token);
    const reader = writer || (token !== undefined && (this.options.readOnlyTokens ?? []).includes(token));
    if (!token) return error(401, "Requires authentication");
    if (!reader) return error(401, "Bad credentials");

    const repoPrefix = `/repos/${this.options.owner}/${this.options.repo}/`;
    const person = this.options.people?.[token];
    if (url.pathname === "/user" && req.method === "GET") {
      // GitHub's answer to an installation token on this endpoint.
      if (!person) return error(403, "Resource not accessible by integration");
      return send(200, this.user(person, "User", 583300));
    }
    if (!url.pathname.startsWith(repoPrefix)) return error(404, "Not Found");
    const rest = url.pathname.slice(repoPrefix.length);
    const list = /^issues\/(\d+)\/comments$/.exec(rest);
    const one = /^issues\/comments\/(\d+)$/.exec(rest);
    const permission = /^collaborators\/([^/]+)\/permission$/.exec(rest);

    const pulls = rest === "pulls";
    const pull = /^pulls\/(\d+)$/.exec(rest);
    if (pulls && req.method === "GET") {
      const state = url.searchParams.get("state") ?? "open";
      const head = url.searchParams.get("head");
      const base = url.searchParams.get("base");
      const found = [...this.pulls.values()].filter((p) => (state === "all" || p.state === state) && (!head || p.head.label === head) && (!base || p.base.ref === base));
      return send(200, found);
    }
    if (pulls && req.method === "POST") {
      if (!writer) return error(403, "Resource not accessible by integration");
      const b = (record.body ?? {}) as { title?: unknown; head?: unknown; base?: unknown; body?: unknown };
      if (typeof b.head !== "string" || typeof b.base !== "string" || typeof b.title !== "string") return send(422, { message: "Validation Failed", documentation_url: DOCS, status: "422" });
      const label = b.head.includes(":") ? b.head : `${this.options.owner}:${b.head}`;
      if ([...this.pulls.values()].some((p) => p.state === "open" && p.head.label === label && p.base.ref === b.base)) {
        return send(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${label}.` }], documentation_url: DOCS, status: "422" });
      }
      const number = 100 + this.pulls.size + 1;
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const repoUrl = `${this.url}/repos/${this.options.owner}/${this.options.repo}`;
      const created: StandInPullRequest = {
        id: 2_000_000 + number,
        number,
        url: `${repoUrl}/pulls/${number}`,
        html_url: `${this.url}/${this.options.owner}/${this.options.repo}/pull/${number}`,
        state: "open",
        title: b.title,
        body: typeof b.body === "string" ? b.body : null,
        created_at: now,
        updated_at: now,
        draft: false,
        user: this.user("github-actions[bot]", "Bot", 41898282),
        head: { label, ref: label.slice(label.indexOf(":") + 1), sha: "" },
        base: { label: `${this.options.owner}:${b.base}`, ref: b.base, sha: "" },
      };
      this.pulls.set(number, created);
      return send(201, created, { location: created.url });
    }
    if (pull && req.method === "PATCH") {
      if (!writer) return error(403, "Resource not accessible by integration");
      const found = this.pulls.get(Number(pull[1]));
      if (!found) return error(404, "Not Found");
      const b = (record.body ?? {}) as { body?: unknown; title?: unknown };
      const next = { ...found, ...(typeof b.body === "string" ? { body: b.body } : {}), ...(typeof b.title === "string" ? { title: b.title } : {}), updated_at: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
      this.pulls.set(found.number, next);
      return send(200, next);
    }

    if (permission && req.method === "GET") {
      const login = decodeURIComponent(permission[1]!);
      const role = this.options.roles?.[login] ?? "read";
      // The legacy `permission` folds maintain into write and triage into read; role_name keeps it.
      const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      const user = { ...this.user(login, "User"), permissions: { pull: true, triage: role !== "read", push: legacy !== "read", maintain: role === "maintain" || role === "admin", admin: role === "admin" }, role_name: role };
      return send(200, { permission: legacy, role_name: role, user } satisfies CollaboratorPermission);
    }

    if (list && req.method === "GET") {
      const issue = Number(list[1]);
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30)));
      const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
      const all = this.commentsOn(issue);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const headers: Record<string, string> = {};
      if (page < last) {
        const link = (p: number) => `<${this.url}${url.pathname}?per_page=${perPage}&page=${p}>`;
        headers.link = `${link(page + 1)}; rel="next", ${link(last)}; rel="last"`;
      }
      return send(200, all.slice((page - 1) * perPage, page * perPage), headers);
    }
    if (list && req.method === "POST") {
      if (!writer) return error(403, "Resource not accessible by integration");
      const body = (record.body as { body?: unknown } | undefined)?.body;
      if (typeof body !== "string") return send(422, { message: "Invalid request.\n\n\"body\" wasn't supplied.", documentation_url: DOCS, status: "422" });
      const author = person ? this.user(person, "User", 583300) : this.user("github-actions[bot]", "Bot", 41898282);
      const comment = this.create(Number(list[1]), body, author);
      return send(201, comment, { location: comment.url });
    }
    if (one && req.method === "PATCH") {
      if (!writer) return error(403, "Resource not accessible by integration");
      const found = this.comments.get(Number(one[1]));
      if (!found) return error(404, "Not Found");
      const body = (record.body as { body?: unknown } | undefined)?.body;
      if (typeof body !== "string") return send(422, { message: "Invalid request.\n\n\"body\" wasn't supplied.", documentation_url: DOCS, status: "422" });
      found.comment = { ...found.comment, body, updated_at: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
      return send(200, found.comment);
    }
    return error(404, "Not Found");
  }

  private create(issue: number, body: string, user: SimpleUser): IssueComment {
    const id = this.nextId++;
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const repoUrl = `${this.url}/repos/${this.options.owner}/${this.options.repo}`;
    const comment: IssueComment = {
      id,
      node_id: `IC_standin${id}`,
      url: `${repoUrl}/issues/comments/${id}`,
      html_url: `${this.url}/${this.options.owner}/${this.options.repo}/pull/${issue}#issuecomment-${id}`,
      body,
      user,
      created_at: now,
      updated_at: now,
      issue_url: `${repoUrl}/issues/${issue}`,
      author_association: user.type === "Bot" ? "NONE" : "MEMBER",
      performed_via_github_app: null,
      reactions: { url: `${repoUrl}/issues/comments/${id}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 },
    };
    this.comments.set(id, { issue, comment });
    return comment;
  }

  private user(login: string, type: "Bot" | "User", id = 583231): SimpleUser {
    const api = `${this.url}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: `U_standin${id}`,
      avatar_url: `${this.url}/avatars/${id}`,
      gravatar_id: "",
      url: api,
      html_url: `${this.url}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type,
      user_view_type: "public",
      site_admin: false,
    };
  }
}
