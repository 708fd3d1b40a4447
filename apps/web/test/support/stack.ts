// The browser end-to-end stack: the three Workers on local D1/KV (fresh state, migrations applied) on free
// ports, and dist/client served the way Pages serves it. The built app calls the Worker URLs baked in at build
// time (http://localhost:8781-8783 unless VITE_*_URL said otherwise); `connect` sends those calls to this
// stack instead, inside the browser, so the page, its Content-Security-Policy and its CORS requests are exactly
// what production sees, and `context.setOffline(true)` still cuts the terminal off.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { startStack } from "../../../../scripts/lib/local-stack.mjs";
import { DEFAULT_WORKER_URLS, type WorkerName } from "../../src/config/worker-urls.ts";
import { requireBuild } from "./dist.ts";
import { type PagesServer, startPagesServer } from "./pages-server.ts";

export interface E2EStack {
  /** The stack's real base URLs, for calls made from the test itself (seeding, ledger checks). */
  urls: Readonly<Record<WorkerName, string>>;
  /** The bootstrap admin bearer token: `Authorization: Bearer <adminToken>`. */
  adminToken: string;
  /** Where the app is served: a `localhost` origin, since passkeys cannot be used on an IP address. */
  webUrl: string;
  /** The static server behind `webUrl` (to publish a new version of a file). */
  pages: PagesServer;
  /**
   * Routes the app's built-in Worker URLs to this stack for every page of `context`. Call once per context;
   * `context.setOffline(true)` still cuts the pages off.
   */
  connect(context: BrowserContext): Promise<void>;
  stop(): Promise<void>;
}

const WORKERS = Object.keys(DEFAULT_WORKER_URLS) as WorkerName[];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startE2EStack(): Promise<E2EStack> {
  const pages = await startPagesServer(requireBuild());
  const webUrl = pages.origin.replace("127.0.0.1", "localhost");
  const stateDir = await mkdtemp(join(tmpdir(), "tessera-e2e-"));
  const ports = {
    policy: await freePort(),
    grants: await freePort(),
    reconciliation: await freePort(),
  };
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack({
      stateDir,
      ports,
      vars: {
        ALLOWED_ORIGINS: [webUrl, pages.origin].join(","),
        WEBAUTHN_ORIGINS: webUrl,
        WEBAUTHN_RP_ID: "localhost",
      },
      quiet: true,
      log: () => {},
    });
  } catch (error) {
    await pages.close();
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }

  // Built-in base URL (origin, no trailing slash) → this stack's base URL, for both spellings of loopback.
  const rewrites = new Map<string, string>();
  for (const worker of WORKERS) {
    const builtIn = new URL(DEFAULT_WORKER_URLS[worker]);
    const target = `http://localhost:${ports[worker]}`;
    rewrites.set(`http://localhost:${builtIn.port}`, target);
    rewrites.set(`http://127.0.0.1:${builtIn.port}`, target);
  }

  return {
    urls: stack.urls,
    adminToken: stack.adminToken,
    webUrl,
    pages,
    async connect(context) {
      // The Workers check a DPoP proof against the URL they see, which they take from the Host header, so the
      // built-in host must stay there: a proof for http://localhost:8782/v1/grants then holds on this stack's
      // port. Chromium will not let a route change Host, so the call is made from here (route.fetch) and its
      // answer handed back — and a call made from here would ignore setOffline, so this context's offline
      // switch is followed and honoured here too.
      let offline = false;
      const setOffline = context.setOffline.bind(context);
      context.setOffline = async (value: boolean) => {
        offline = value;
        await setOffline(value);
      };
      await context.route(
        (url) => rewrites.has(url.origin),
        async (route) => {
          const url = new URL(route.request().url());
          const target = rewrites.get(url.origin);
          if (!target) return route.continue();
          if (offline) return route.abort("internetdisconnected");
          try {
            const response = await route.fetch({
              url: `${target}${url.pathname}${url.search}`,
              headers: { ...route.request().headers(), host: url.host },
              maxRedirects: 0,
            });
            await route.fulfill({ response });
          } catch {
            // The page went away (navigation, closed browser) while the call was in flight, or the Worker
            // did not answer: the browser sees a failed request, as it would without this detour.
            await route.abort("failed").catch(() => undefined);
          }
        },
      );
    },
    async stop() {
      await stack.stop();
      await pages.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
