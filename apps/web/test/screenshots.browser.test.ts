// Saves the screenshots in docs/screenshots when TESSERA_SCREENSHOTS=1 (to refresh them after a UI change).
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BrowserSession, openBrowser } from "./support/chromium.ts";
import { requireBuild } from "./support/dist.ts";
import { type PagesServer, startPagesServer } from "./support/pages-server.ts";

const enabled = process.env.TESSERA_SCREENSHOTS === "1";
const screenshotsDir = join(import.meta.dirname, "..", "..", "..", "docs", "screenshots");

let server: PagesServer;
let browser: BrowserSession;

beforeAll(async () => {
  if (!enabled) return;
  server = await startPagesServer(requireBuild());
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it.runIf(enabled).each([
  { path: "/", heading: "Card payments that keep working offline", file: "web-home.png" },
  { path: "/terminal", heading: "Set up this terminal", file: "web-terminal.png" },
])("captures $path as docs/screenshots/$file", async ({ path, heading, file }) => {
  const { page } = browser;
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(`${server.origin}${path}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await page.screenshot({ path: join(screenshotsDir, file), fullPage: true });
  expect(browser.errors).toEqual([]);
});
