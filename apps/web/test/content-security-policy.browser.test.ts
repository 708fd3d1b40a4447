// The browser enforces the Content-Security-Policy: the app may call its own Workers and no one else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, openBrowser } from "./support/chromium.ts";
import { requireBuild } from "./support/dist.ts";
import { type PagesServer, startPagesServer } from "./support/pages-server.ts";

let server: PagesServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startPagesServer(requireBuild());
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("content security policy", () => {
  it("lets the page connect to the grants Worker but blocks any other origin", async () => {
    const { page } = browser;
    await page.goto(`${server.origin}/terminal`);
    const blocked = await page.evaluate(async () => {
      const seen: string[] = [];
      const otherOriginBlocked = new Promise<void>((resolve) => {
        document.addEventListener("securitypolicyviolation", (event) => {
          seen.push(event.blockedURI);
          if (event.blockedURI.startsWith("https://elsewhere.example")) resolve();
        });
      });
      // Neither request needs to succeed: a refused connection is not a policy violation.
      await fetch("http://localhost:8782/healthz", { mode: "no-cors" }).catch(() => undefined);
      await fetch("https://elsewhere.example/collect", { mode: "no-cors" }).catch(() => undefined);
      await otherOriginBlocked;
      return seen;
    });
    expect(blocked).toEqual(["https://elsewhere.example/collect"]);
  });
});
