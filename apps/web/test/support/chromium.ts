// Starts Debian's Chromium through playwright-core with a throwaway profile (service workers,
// Cache Storage and localStorage persist across reloads within one test file, as on a kiosk) and
// records every console error and uncaught exception, hydration and CSP errors included.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and page exceptions seen so far, in order. */
  errors: string[];
  close(): Promise<void>;
}

export interface OpenBrowserOptions {
  /**
   * A profile to open (and keep when closing), so a later openBrowser({ profileDir }) is the same browser
   * coming back: IndexedDB, service worker and caches intact, as a kiosk restarting. Without it, a throwaway
   * profile is made and removed on close.
   */
  profileDir?: string;
}

export async function openBrowser(options: OpenBrowserOptions = {}): Promise<BrowserSession> {
  const keepProfile = options.profileDir !== undefined;
  const profileDir = options.profileDir ?? (await mkdtemp(join(tmpdir(), "tessera-chromium-")));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    // Playwright's own browser download cannot work here; these keep Debian's Chromium quiet and offline-safe.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // A failed load names no resource in its text; its location does, so the report says which one.
      const { url } = message.location();
      const failedLoad = message.text().startsWith("Failed to load resource") && url;
      errors.push(failedLoad ? `console: ${message.text()} (${url})` : `console: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`exception: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      if (!keepProfile) await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once a service worker controls `page`, i.e. its requests go through the worker. */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}
