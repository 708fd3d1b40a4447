// A small static server that answers like Cloudflare Pages does for dist/client: extension-less
// HTML, `_headers` rules, `_redirects` rules and the single-page-app fallback to `/`. It lets the
// browser tests see the same headers (the Content-Security-Policy above all) as production.
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** Files Pages reads as configuration and never serves. */
const CONFIG_FILES = new Set(["/_headers", "/_redirects", "/_routes.json"]);

interface HeaderRule {
  pattern: RegExp;
  headers: [name: string, value: string][];
}

interface RedirectRule {
  pattern: RegExp;
  to: string;
  status: number;
}

/** Turns a Pages URL pattern (`*` splat, `:name` placeholder) into a RegExp over the pathname. */
function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+"))
    .join(".*");
  return new RegExp(`^${source}$`);
}

export function parseHeadersFile(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      rules.push({ pattern: patternToRegExp(line.trim()), headers: [] });
      continue;
    }
    const rule = rules.at(-1);
    const colon = line.indexOf(":");
    if (!rule || colon < 0)
      throw new Error(`_headers: header line outside a rule or without a colon: ${line}`);
    rule.headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

export function parseRedirectsFile(text: string): RedirectRule[] {
  const rules: RedirectRule[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const [from, to, status = "302"] = trimmed.split(/\s+/);
    if (!from || !to) throw new Error(`_redirects: a rule needs a source and a destination: ${line}`);
    rules.push({ pattern: patternToRegExp(from), to, status: Number(status) });
  }
  return rules;
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return "";
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export interface PagesServer {
  origin: string;
  /**
   * Serves `body` at `pathname` instead of the built file (with the same headers), or the file again when
   * `body` is undefined: a new deployment of one file, such as a new service worker.
   */
  override(pathname: string, body: string | undefined): void;
  close(): Promise<void>;
}

export async function startPagesServer(root: string): Promise<PagesServer> {
  const headerRules = parseHeadersFile(await readOptional(join(root, "_headers")));
  const redirectRules = parseRedirectsFile(await readOptional(join(root, "_redirects")));
  const hasNotFoundPage = await isFile(join(root, "404.html"));
  const overrides = new Map<string, string>();

  /** Maps a URL path to a file under root, the way Pages matches assets. */
  async function findAsset(pathname: string): Promise<string | undefined> {
    if (CONFIG_FILES.has(pathname)) return undefined;
    const local = normalize(join(root, decodeURIComponent(pathname)));
    if (local !== root && !local.startsWith(root + sep)) return undefined;
    const candidates = pathname.endsWith("/") ? [join(local, "index.html")] : [local, `${local}.html`];
    for (const candidate of candidates) if (await isFile(candidate)) return candidate;
    return undefined;
  }

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://pages.local");
    let pathname = url.pathname;
    const headers = new Map<string, string>();
    for (const rule of headerRules) {
      if (!rule.pattern.test(pathname)) continue;
      for (const [name, value] of rule.headers) {
        const key = name.toLowerCase();
        // Pages joins a header set by several matching rules, as HTTP allows for lists.
        headers.set(key, headers.has(key) ? `${headers.get(key)}, ${value}` : value);
      }
    }

    // Pages serves HTML without its extension and redirects the long form there.
    if (pathname.endsWith(".html") && (await findAsset(pathname))) {
      const target = pathname.endsWith("/index.html")
        ? pathname.slice(0, -"index.html".length)
        : pathname.slice(0, -5);
      response.writeHead(308, { location: target + url.search }).end();
      return;
    }

    for (const rule of redirectRules) {
      if (!rule.pattern.test(pathname)) continue;
      if (rule.status === 200) {
        pathname = rule.to;
        break;
      }
      response.writeHead(rule.status, { location: rule.to }).end();
      return;
    }

    const replaced = overrides.get(pathname);
    if (replaced !== undefined) {
      headers.set("content-type", CONTENT_TYPES[extname(pathname)] ?? "application/octet-stream");
      response.writeHead(200, Object.fromEntries(headers));
      response.end(request.method === "HEAD" ? undefined : replaced);
      return;
    }

    let status = 200;
    let file = await findAsset(pathname);
    if (!file) {
      // With no top-level 404.html, Pages assumes a single-page app and serves `/` for any path.
      status = hasNotFoundPage ? 404 : 200;
      file = hasNotFoundPage ? join(root, "404.html") : join(root, "index.html");
    }
    const body = await readFile(file);
    headers.set("content-type", CONTENT_TYPES[extname(file)] ?? "application/octet-stream");
    response.writeHead(status, Object.fromEntries(headers));
    response.end(request.method === "HEAD" ? undefined : body);
  }

  const server: Server = createServer((request, response) => {
    respond(request, response).catch((error: unknown) => {
      response.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    override(pathname, body) {
      if (body === undefined) overrides.delete(pathname);
      else overrides.set(pathname, body);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
