// The end-to-end harness itself: the built app reaches this run's Workers through its built-in URLs, with real
// CORS, and going offline cuts it off. Every terminal and console end-to-end test stands on this.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_WORKER_URLS } from "../src/config/worker-urls.ts";
import { type BrowserSession, openBrowser } from "./support/chromium.ts";
import { type E2EStack, startE2EStack } from "./support/stack.ts";

let stack: E2EStack;
let browser: BrowserSession;

beforeAll(async () => {
  stack = await startE2EStack();
  browser = await openBrowser();
  await stack.connect(browser.context);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/**
 * Calls a Worker's admin-only key list from inside the page, as the console would: a cross-origin request with
 * a bearer token (so a CORS preflight too). Only this run's Workers know this run's bootstrap token, so a 200
 * proves the call reached them and not some other stack on the built-in ports.
 */
async function keysFromPage(url: string): Promise<string> {
  return browser.page.evaluate(
    async ({ target, token }) => {
      try {
        const response = await fetch(`${target}/v1/keys`, { headers: { Authorization: `Bearer ${token}` } });
        return `${response.status}`;
      } catch (error) {
        return `failed: ${error instanceof Error ? error.name : String(error)}`;
      }
    },
    { target: url, token: stack.adminToken },
  );
}

describe("the end-to-end stack", () => {
  it("serves the app on localhost and answers its built-in Worker URLs from this run's Workers, CORS included", async () => {
    expect(new URL(stack.webUrl).hostname).toBe("localhost");
    await browser.page.goto(stack.webUrl);
    expect(await keysFromPage(DEFAULT_WORKER_URLS.grants)).toBe("200");
    const direct = await fetch(`${stack.urls.grants}/v1/keys`, {
      headers: { Authorization: "Bearer wrong" },
    });
    expect(direct.status).toBe(401);
  });

  it("cuts the page off while the context is offline and reconnects after", async () => {
    await browser.context.setOffline(true);
    expect(await keysFromPage(DEFAULT_WORKER_URLS.grants)).toMatch(/^failed/);
    await browser.context.setOffline(false);
    expect(await keysFromPage(DEFAULT_WORKER_URLS.grants)).toBe("200");
  });
});
