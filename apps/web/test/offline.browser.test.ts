// Once loaded, the app is installed as a service worker and the terminal keeps rendering offline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, openBrowser, waitForServiceWorkerControl } from "./support/chromium.ts";
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

describe("offline app shell", () => {
  it("registers the service worker, which takes control of the first visit", async () => {
    const { page } = browser;
    await page.goto(`${server.origin}/terminal`);
    await waitForServiceWorkerControl(page);
    const scriptUrl = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(scriptUrl).toBe(`${server.origin}/sw.js`);
    await expect(page.getByTestId("status-connectivity").textContent()).resolves.toContain("Online");
    expect(browser.errors).toEqual([]);
  });

  it("reloads the terminal with the network gone and shows it is offline", async () => {
    const { page, context } = browser;
    await page.goto(`${server.origin}/terminal`);
    await waitForServiceWorkerControl(page);
    await context.setOffline(true);
    try {
      const response = await page.reload();
      expect(response?.fromServiceWorker()).toBe(true);
      // A terminal not enrolled yet shows its enrolment screen, from IndexedDB, offline too.
      await page.getByRole("heading", { level: 1, name: "Set up this terminal" }).waitFor();
      await page.getByTestId("status-connectivity").getByText("Offline").waitFor();
      // Every status the kiosk must always show is there, not just the heading.
      for (const item of ["status-grant", "status-outbox", "status-last-card"]) {
        await expect(page.getByTestId(item).isVisible()).resolves.toBe(true);
      }
    } finally {
      await context.setOffline(false);
    }
    expect(browser.errors).toEqual([]);
  });

  it("opens the other pages offline too, unknown ones as not found", async () => {
    const { page, context } = browser;
    await page.goto(`${server.origin}/`);
    await waitForServiceWorkerControl(page);
    await context.setOffline(true);
    try {
      await page.goto(`${server.origin}/console`);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Console");
      await page.goto(`${server.origin}/somewhere/else`);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Page not found");
    } finally {
      await context.setOffline(false);
    }
    expect(browser.errors).toEqual([]);
  });

  it("comes back online without a reload", async () => {
    const { page, context } = browser;
    await page.goto(`${server.origin}/terminal`);
    await context.setOffline(true);
    await page.getByTestId("status-connectivity").getByText("Offline").waitFor();
    await context.setOffline(false);
    await page.getByTestId("status-connectivity").getByText("Online").waitFor();
    expect(browser.errors).toEqual([]);
  });
});
