// The kiosk end to end against the real Workers: a station issues and tops up demo cards online; a POS enrols,
// goes offline and takes 50 payments across a reload and a browser restart on the same profile; back online,
// every event reaches the server ledger exactly once and the ledger's balances are the cards' balances.
// With TESSERA_SCREENSHOTS=1 it also saves the main screens to docs/screenshots/terminal-*.png.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type BrowserSession, openBrowser, waitForServiceWorkerControl } from "./support/chromium.ts";
import { type E2EStack, startE2EStack } from "./support/stack.ts";
import {
  addBlankCard,
  cardsInWallet,
  charge,
  createEnrolmentCode,
  enrol,
  OPERATOR_PIN,
  outboxDepth,
  readWallet,
  tapCard,
  waitForGrant,
  writeWallet,
} from "./terminal/kiosk-driver.ts";

const screenshots = process.env.TESSERA_SCREENSHOTS === "1";
const screenshotsDir = join(import.meta.dirname, "..", "..", "..", "docs", "screenshots");

const CARDS = 3;
const TOPUP = 5000;
const TAPS = 50;

let stack: E2EStack;
const profiles: string[] = [];
const browsers: BrowserSession[] = [];

/** Requests that failed, per session, for the failure report. */
const failedRequests = new WeakMap<BrowserSession, string[]>();

async function open(profileDir: string): Promise<BrowserSession> {
  const session = await openBrowser({ profileDir });
  browsers.push(session);
  const failed: string[] = [];
  failedRequests.set(session, failed);
  session.context.on("requestfailed", (request) =>
    failed.push(`${request.url()} ${request.failure()?.errorText}`),
  );
  await stack.connect(session.context);
  await session.page.emulateMedia({ reducedMotion: "reduce" });
  return session;
}

async function close(session: BrowserSession): Promise<void> {
  browsers.splice(browsers.indexOf(session), 1);
  await session.close();
}

async function shot(page: Page, name: string): Promise<void> {
  if (screenshots)
    await page.screenshot({ path: join(screenshotsDir, `terminal-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  stack = await startE2EStack();
  for (let i = 0; i < 4; i++) profiles.push(await mkdtemp(join(tmpdir(), "tessera-kiosk-")));
}, 240_000);

afterAll(async () => {
  for (const session of [...browsers]) await session.close().catch(() => undefined);
  await stack?.stop();
  for (const profile of profiles) await rm(profile, { recursive: true, force: true });
});

/**
 * Console errors other than failed requests: offline, the engine's background sync fails by design (and backs
 * off), and Chromium logs each failed request as an error.
 */
function unexpectedErrors(session: BrowserSession): string[] {
  return session.errors.filter(
    (error) =>
      !/^console: Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)( \(.*\))?$/.test(error),
  );
}

/** A failed step leaves a picture of each open kiosk in the temp dir, which says more than a timeout. */
function keepPicturesOnFailure(): void {
  onTestFailed(async () => {
    for (const [index, session] of browsers.entries()) {
      const path = join(tmpdir(), `tessera-kiosk-failure-${index}.png`);
      await session.page.screenshot({ path, fullPage: true }).catch(() => undefined);
      console.error(
        `kiosk screenshot: ${path}; page errors: ${JSON.stringify(session.errors)}; failed requests: ${JSON.stringify(failedRequests.get(session)?.slice(-10))}`,
      );
    }
  });
}

/** The virtual cards as the last terminal left them (its browser's localStorage), carried to the next device. */
let wallet = "";
/** What each card holds at the end, as read in Node with the public keys. */
let finalBalances = new Map<string, number>();
/** Debits made per chip, in minor units and count. */
const spent = new Map<string, { amount: number; count: number }>();

describe("the terminal kiosk end to end", () => {
  it("issues and tops up demo cards at a station terminal (online)", async () => {
    keepPicturesOnFailure();
    const code = await createEnrolmentCode(stack.urls.grants, stack.adminToken, {
      role: "station",
      name: "Card desk",
      locationId: "canteen",
    });
    const station = await open(profiles[0]!);
    const { page } = station;
    await page.goto(`${stack.webUrl}/terminal`);
    await shot(page, "enrolment");
    await enrol(page, code, "station");

    for (let i = 0; i < CARDS; i++) {
      const chip = await addBlankCard(page);
      await page.getByRole("button", { name: "Issue a new card" }).click();
      await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });
      await page.getByRole("button", { name: "Top up €50.00" }).click();
      await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });
      spent.set(chip, { amount: 0, count: 0 });
    }
    await shot(page, "station");
    await expect.poll(() => outboxDepth(page), { timeout: 60_000 }).toBe(0);
    wallet = await readWallet(page);
    expect(station.errors).toEqual([]);
    await close(station);
  }, 240_000);

  it("takes 50 payments offline across a reload and a browser restart, then uploads each exactly once", async () => {
    keepPicturesOnFailure();
    const chips = [...spent.keys()];
    expect(chips).toHaveLength(CARDS);
    const code = await createEnrolmentCode(stack.urls.grants, stack.adminToken, {
      role: "pos",
      name: "Canteen till 1",
      locationId: "canteen",
    });
    let pos = await open(profiles[1]!);
    // The same plastic cards, carried from the station to the till.
    await pos.page.goto(`${stack.webUrl}/terminal`);
    await writeWallet(pos.page, wallet);
    await pos.page.reload();
    await enrol(pos.page, code, "pos");
    await pos.page.getByRole("button", { name: /Soup of the day/ }).waitFor();
    await waitForServiceWorkerControl(pos.page);
    await shot(pos.page, "pos");

    let taps = 0;
    const pay = async (page: Page) => {
      const chip = chips[taps % CARDS]!;
      // 1.01, 1.02, …: every payment a different amount, so a doubled or lost one shows in the balances.
      const amount = 101 + taps;
      await charge(page, amount);
      await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });
      const total = spent.get(chip)!;
      spent.set(chip, { amount: total.amount + amount, count: total.count + 1 });
      taps++;
    };

    await pos.context.setOffline(true);
    await pos.page.getByTestId("status-connectivity").getByText("Offline").waitFor();
    while (taps < 20) await pay(pos.page);
    expect(await outboxDepth(pos.page)).toBe(20);

    // A result screen for the docs: paid, then refused (more than the card holds; no event is made).
    if (screenshots) {
      await charge(pos.page, 101);
      await pos.page.locator(`[data-card-id="${chips[0]}"] .demo-card-tap`).click();
      await pos.page.getByTestId("tap-result").waitFor();
      await shot(pos.page, "result-ok");
      spent.set(chips[0]!, {
        amount: spent.get(chips[0]!)!.amount + 101,
        count: spent.get(chips[0]!)!.count + 1,
      });
      await pos.page.getByRole("button", { name: "Next" }).click();
    }
    await charge(pos.page, 4999);
    await pos.page.locator(`[data-card-id="${chips[1]}"] .demo-card-tap`).click();
    await pos.page.getByTestId("tap-result").waitFor();
    await expect(pos.page.getByTestId("refusal-code").textContent()).resolves.toBe("insufficient_balance");
    await expect(pos.page.getByTestId("tap-result").textContent()).resolves.toContain(
      "Not enough balance on the card.",
    );
    await shot(pos.page, "result-refused");
    await pos.page.getByRole("button", { name: "Next" }).click();

    // Reload with the network still gone: the service worker serves the app, IndexedDB keeps grant and outbox.
    const reloaded = await pos.page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await waitForGrant(pos.page);
    while (taps < 35) await pay(pos.page);

    // The kiosk is switched off and on again: same browser profile, still offline.
    expect(unexpectedErrors(pos)).toEqual([]);
    await close(pos);
    pos = await open(profiles[1]!);
    await pos.context.setOffline(true);
    await pos.page.goto(`${stack.webUrl}/terminal`);
    await waitForGrant(pos.page);
    await pos.page.getByTestId("status-connectivity").getByText("Offline").waitFor();
    while (taps < TAPS) await pay(pos.page);
    const extra = screenshots ? 1 : 0;
    expect(await outboxDepth(pos.page)).toBe(TAPS + extra);

    // The end-of-shift report, behind the operator PIN.
    await pos.page.getByRole("button", { name: "Operator" }).click();
    await pos.page.getByLabel("PIN", { exact: true }).fill(OPERATOR_PIN);
    await pos.page.getByRole("button", { name: "Unlock" }).click();
    await pos.page.getByRole("button", { name: "End-of-shift report" }).click();
    const report = pos.page.getByTestId("shift-report");
    await expect(report.locator('[data-op="debit"] td').nth(1).textContent()).resolves.toBe(
      String(TAPS + extra),
    );
    await expect(pos.page.getByTestId("shift-waiting").textContent()).resolves.toBe(String(TAPS + extra));
    await shot(pos.page, "shift-report");
    await pos.page.getByRole("button", { name: "Back to the kiosk" }).click();

    // Back online: the outbox drains by itself.
    await pos.context.setOffline(false);
    await expect.poll(() => outboxDepth(pos.page), { timeout: 120_000, interval: 500 }).toBe(0);
    const finalWallet = await readWallet(pos.page);
    expect(unexpectedErrors(pos)).toEqual([]);
    await close(pos);

    const cards = await cardsInWallet(finalWallet, stack.urls.grants);
    finalBalances = new Map([...cards].map(([chip, state]) => [chip, state.balance]));
    wallet = finalWallet;
    for (const chip of chips) {
      const card = cards.get(chip)!;
      const debits = spent.get(chip)!;
      expect(card.balance).toBe(TOPUP - debits.amount);
      const response = await fetch(`${stack.urls.reconciliation}/v1/cards/${card.cardId}`, {
        headers: { authorization: `Bearer ${stack.adminToken}` },
      });
      expect(response.status).toBe(200);
      const ledger = (await response.json()) as {
        balance: number;
        counter: number;
        eventCount: number;
        complete: boolean;
        entries: { eventId: string; op: string; settlement: string }[];
      };
      // Issue + top-up + this card's payments: each once, none missing, none doubled.
      expect(ledger.eventCount).toBe(2 + debits.count);
      expect(ledger.entries.map((entry) => entry.op).sort()).toEqual(
        ["issue", "topup", ...Array<string>(debits.count).fill("debit")].sort(),
      );
      expect(new Set(ledger.entries.map((entry) => entry.eventId)).size).toBe(ledger.entries.length);
      expect(ledger.complete).toBe(true);
      expect(ledger.balance).toBe(card.balance);
      expect(ledger.counter).toBe(card.counter);
    }
  }, 600_000);

  it("shows a card's balance on a phone's balance page offline, checked with the public keys it kept", async () => {
    keepPicturesOnFailure();
    const [chip] = [...finalBalances.keys()];
    expect(chip).toBeDefined();
    // The cardholder's own phone: another browser, which has seen the scheme's public keys once, online.
    const phone = await open(profiles[2]!);
    const { page, context } = phone;
    await page.goto(`${stack.webUrl}/balance`);
    await writeWallet(page, wallet);
    await page.reload();
    // The first read, online, fetches the scheme's public keys; the phone keeps them.
    await page.getByRole("button", { name: "Read: Card 1", exact: true }).click();
    await page.getByTestId("balance-card").waitFor();
    await expect(page.locator("[data-trust]").getAttribute("data-trust")).resolves.toBe("cached");
    await waitForServiceWorkerControl(page);
    await context.setOffline(true);
    await page.reload();
    await page.getByRole("button", { name: "Read: Card 1", exact: true }).click();
    const card = page.getByTestId("balance-card");
    await card.waitFor();
    await expect(card.locator("[data-verdict]").getAttribute("data-verdict")).resolves.toBe("valid");
    const euros = (finalBalances.get(chip!)! / 100).toFixed(2);
    await expect(page.getByTestId("balance-amount").textContent()).resolves.toBe(`€${euros}`);
    await shot(page, "balance");
    expect(unexpectedErrors(phone)).toEqual([]);
    await close(phone);
  }, 240_000);

  it("checks a card in and out at a gate, refusing a second check-in", async () => {
    keepPicturesOnFailure();
    const [chip] = [...finalBalances.keys()];
    const code = await createEnrolmentCode(stack.urls.grants, stack.adminToken, {
      role: "gate",
      name: "Main entrance",
      locationId: "canteen",
    });
    const gate = await open(profiles[3]!);
    const { page } = gate;
    await page.goto(`${stack.webUrl}/terminal`);
    await writeWallet(page, wallet);
    await page.reload();
    await enrol(page, code, "gate");
    // A gate waits for the next card by itself, in check-in mode.
    await page.getByTestId("tap-wait").waitFor();
    await shot(page, "gate");
    await expect(tapCard(page, chip!)).resolves.toEqual({ kind: "done", code: null });
    await expect(tapCard(page, chip!)).resolves.toEqual({ kind: "refused", code: "session_open" });
    await page.getByRole("button", { name: "Check out" }).click();
    await expect(tapCard(page, chip!)).resolves.toEqual({ kind: "done", code: null });
    expect(unexpectedErrors(gate)).toEqual([]);
    await close(gate);
  }, 240_000);
});
