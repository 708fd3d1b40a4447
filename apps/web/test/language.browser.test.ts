// The reader can switch the app to Bahasa Indonesia, and the choice survives reloads and page changes.
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

describe("language switch", () => {
  it("switches visible text to Bahasa Indonesia and keeps it across a reload", async () => {
    const { page } = browser;
    await page.goto(`${server.origin}/`);
    const heading = page.getByRole("heading", { level: 1 });
    await expect(heading.textContent()).resolves.toBe("Card payments that keep working offline");

    await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await page
      .getByRole("heading", { level: 1, name: "Pembayaran kartu yang tetap berjalan tanpa internet" })
      .waitFor();
    await expect(page.getByRole("link", { name: /^Cek saldo saya/ }).isVisible()).resolves.toBe(true);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("id");
    await expect(
      page.getByRole("button", { name: "Bahasa Indonesia" }).getAttribute("aria-pressed"),
    ).resolves.toBe("true");

    await page.reload();
    await page
      .getByRole("heading", { level: 1, name: "Pembayaran kartu yang tetap berjalan tanpa internet" })
      .waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("id");
    expect(browser.errors).toEqual([]);
  });

  it("keeps the chosen language on the terminal and switches back to English", async () => {
    const { page } = browser;
    await page.goto(`${server.origin}/terminal`);
    await page.getByRole("heading", { level: 1, name: "Siapkan terminal ini" }).waitFor();
    await expect(page.getByTestId("status-last-card").textContent()).resolves.toContain("Belum ada kartu");

    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Set up this terminal" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Set up this terminal" }).waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
    expect(browser.errors).toEqual([]);
  });
});
