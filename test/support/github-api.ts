import type { components } from "@octokit/openapi-types";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type IssueComment = components["schemas"]["issue-comment"];
type SimpleUser = NonNullable<components["schemas"]["nullable-simple-user"]>;
type BasicError = components["schemas"]["basic-error"];

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
