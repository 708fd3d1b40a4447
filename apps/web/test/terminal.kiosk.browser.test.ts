// Kiosk behaviour that needs no backend: one terminal per browser (a second tab says so), and the balance view
// refusing to vouch for a card before it has ever seen the scheme's public keys.
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

describe("the terminal kiosk in one browser", () => {
  it("runs in one tab only; a second tab says plainly that another one has it", async () => {
    const { page, context } = browser;
    await page.goto(`${server.origin}/terminal`);
    await page.getByRole("heading", { level: 1, name: "Set up this terminal" }).waitFor();

    const second = await context.newPage();
    await second.goto(`${server.origin}/terminal`);
    await second.getByRole("heading", { level: 1, name: "The terminal is open in another tab" }).waitFor();
    await expect(second.getByLabel("Enrolment code").count()).resolves.toBe(0);

    // Closing the first tab frees the terminal for the other one.
    await page.goto(`${server.origin}/`);
    await second.reload();
    await second.getByRole("heading", { level: 1, name: "Set up this terminal" }).waitFor();
    await second.close();
    expect(browser.errors).toEqual([]);
  });

  it("does not show a balance it could not check: with no public keys yet it says what to do", async () => {
    const { page } = browser;
    await page.goto(`${server.origin}/balance`);
    await page.getByRole("button", { name: "New blank card" }).click();
    await page.getByRole("button", { name: "Read: Card 1", exact: true }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain(
      "has not seen the scheme's public keys yet",
    );
    await expect(page.getByTestId("balance-card").count()).resolves.toBe(0);
  });
});
