// Demo mode's attacks and accidents against the real Workers, and a new app version arriving mid-tap:
// - a write torn on purpose: the kiosk asks for the card again, says in plain words that the payment did not
//   go through, and once uploaded the ledger holds exactly what the card holds;
// - a card cloned onto another chip (refused everywhere: its signatures name the original chip) and onto a
//   chip faking its serial (refused by the terminal that has seen the card since, taken by one that has not,
//   and flagged clone_replay by reconciliation);
// - a new service worker that arrives while a top-up waits for its online authorisation with the card on the
//   reader: it waits, through the quiet period and the result on screen, and is applied once the kiosk is idle;
// - a station paying out a card's balance and restoring a lost card onto a blank one, each authorised online.
// Waits are generous (a shared two-core machine); time the kiosk's update rules count is moved with
// Playwright's clock instead of slept.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CardState } from "@tessera/protocol";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type BrowserSession, openBrowser, waitForServiceWorkerControl } from "./support/chromium.ts";
import { requireBuild } from "./support/dist.ts";
import { type E2EStack, startE2EStack } from "./support/stack.ts";
import {
  addBlankCard,
  cardsInWallet,
  charge,
  createEnrolmentCode,
  enrol,
  outboxDepth,
  readWallet,
  tapCard,
  waitForGrant,
  writeWallet,
} from "./terminal/kiosk-driver.ts";

const TOPUP = 5000;
const LONG = { timeout: 120_000 };

let stack: E2EStack;
const profiles: string[] = [];
const browsers: BrowserSession[] = [];

async function open(profileDir: string, before?: (session: BrowserSession) => Promise<void>) {
  const session = await openBrowser({ profileDir });
  browsers.push(session);
  session.context.setDefaultTimeout(60_000);
  await stack.connect(session.context);
  await before?.(session);
  await session.page.emulateMedia({ reducedMotion: "reduce" });
  return session;
}

async function close(session: BrowserSession): Promise<void> {
  browsers.splice(browsers.indexOf(session), 1);
  await session.close();
}

beforeAll(async () => {
  stack = await startE2EStack();
  for (let i = 0; i < 5; i++) profiles.push(await mkdtemp(join(tmpdir(), "tessera-demo-")));
}, 240_000);

afterAll(async () => {
  for (const session of [...browsers]) await session.close().catch(() => undefined);
  await stack?.stop();
  for (const profile of profiles) await rm(profile, { recursive: true, force: true });
});

function keepPicturesOnFailure(): void {
  onTestFailed(async () => {
    for (const [index, session] of browsers.entries()) {
      const path = join(tmpdir(), `tessera-demo-failure-${index}.png`);
      await session.page.screenshot({ path, fullPage: true }).catch(() => undefined);
      console.error(`kiosk screenshot: ${path}; page errors: ${JSON.stringify(session.errors)}`);
    }
  });
}

/** Console errors other than failed requests (offline moments, aborted calls), which Chromium logs as errors. */
function unexpectedErrors(session: BrowserSession): string[] {
  return session.errors.filter(
    (error) =>
      !/^console: Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)( \(.*\))?$/.test(error),
  );
}

async function adminGet<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${stack.adminToken}` } });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface CardLedger {
  balance: number;
  counter: number;
  complete: boolean;
  flags: { kind: string; eventIds: string[]; terminalIds: string[] }[];
}

function ledgerOf(cardId: string): Promise<CardLedger> {
  return adminGet<CardLedger>(`${stack.urls.reconciliation}/v1/cards/${cardId}`);
}

/** Enrols the kiosk on this page as a terminal of the canteen, with a fresh code from the grants Worker. */
async function enrolAt(page: Page, role: "pos" | "gate" | "station", name: string): Promise<void> {
  const code = await createEnrolmentCode(stack.urls.grants, stack.adminToken, {
    role,
    name,
    locationId: "canteen",
  });
  await enrol(page, code, role);
}

/** The demo card's tap button: presents it to the waiting kiosk. */
function cardButton(page: Page, chip: string) {
  return page.locator(`[data-card-id="${chip}"] .demo-card-tap`);
}

/** Presents a demo card and waits for the result, leaving it on screen. */
async function present(page: Page, chip: string) {
  await cardButton(page, chip).and(page.locator(":enabled")).waitFor();
  await cardButton(page, chip).click();
  const result = page.getByTestId("tap-result");
  await result.waitFor();
  return result;
}

/** The demo wallet as one terminal left it, carried to the next. */
let wallet = "";
const chips: string[] = [];

describe("demo mode: tears, clones, and an update mid-tap", () => {
  it("a station issues two demo cards and tops them up (online)", async () => {
    keepPicturesOnFailure();
    const station = await open(profiles[0]!);
    const { page } = station;
    await page.goto(`${stack.webUrl}/terminal`);
    await enrolAt(page, "station", "Demo desk");
    for (let i = 0; i < 2; i++) {
      const chip = await addBlankCard(page);
      await page.getByRole("button", { name: "Issue a new card" }).click();
      await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });
      await page.getByRole("button", { name: "Top up €50.00" }).click();
      await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });
      chips.push(chip);
    }
    await expect.poll(() => outboxDepth(page), LONG).toBe(0);
    wallet = await readWallet(page);
    expect(unexpectedErrors(station)).toEqual([]);
    await close(station);
  }, 300_000);

  it("a torn write: the kiosk asks for the card again, says the payment did not go through, and nothing is lost", async () => {
    keepPicturesOnFailure();
    const [chip] = chips;
    const pos = await open(profiles[1]!);
    const { page } = pos;
    await page.goto(`${stack.webUrl}/terminal`);
    await writeWallet(page, wallet);
    await page.reload();
    await enrolAt(page, "pos", "Demo till");

    await page.getByLabel("Tear the next write").check();
    await charge(page, 250);
    const torn = await present(page, chip!);
    await expect(torn.getAttribute("data-kind")).resolves.toBe("uncertain");
    await expect(torn.getByRole("alert").textContent()).resolves.toBe("Tap the card again");
    await expect(torn.textContent()).resolves.toContain("do not charge again");
    await page.getByTestId("status-outbox").getByText("Taps to confirm: 1").waitFor();

    // Held to the reader once more, the card settles the earlier tap: the card never got it.
    await page.getByRole("button", { name: "Hold the card again" }).click();
    await page.getByRole("heading", { name: "Hold the same card to the reader" }).waitFor();
    await cardButton(page, chip!).and(page.locator(":enabled")).waitFor();
    await cardButton(page, chip!).click();
    const checked = page.getByTestId("recheck-result");
    await checked.waitFor();
    await expect(checked.getAttribute("data-outcome")).resolves.toBe("void");
    await expect(checked.getByRole("alert").textContent()).resolves.toBe("It did not go through");
    await expect(checked.textContent()).resolves.toContain("nothing was taken or added for it");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByTestId("status-outbox").getByText("Taps to confirm: 1").waitFor({ state: "detached" });

    // Charged again, it goes through; uploaded, the server books one payment and voids the torn one.
    await charge(page, 250);
    await expect(tapCard(page, chip!)).resolves.toEqual({ kind: "done", code: null });
    await expect.poll(() => outboxDepth(page), LONG).toBe(0);
    wallet = await readWallet(page);
    const card = (await cardsInWallet(wallet, stack.urls.grants)).get(chip!)!;
    expect(card.balance).toBe(TOPUP - 250);
    const ledger = await ledgerOf(card.cardId);
    expect(ledger).toMatchObject({ balance: card.balance, counter: card.counter, complete: true });
    expect(unexpectedErrors(pos)).toEqual([]);
    await close(pos);
  }, 300_000);

  it("a cloned card: refused by the terminal that knows the card, flagged clone_replay where it was taken", async () => {
    keepPicturesOnFailure();
    const original = chips[1]!;
    const till = await open(profiles[1]!);
    const { page } = till;
    await page.goto(`${stack.webUrl}/terminal`);
    await writeWallet(page, wallet);
    await page.reload();
    await waitForGrant(page);

    // A byte-for-byte copy onto another chip: every signature on it names the original chip.
    await page.getByRole("button", { name: "Clone: Card 2", exact: true }).click();
    const copy = page.getByRole("button", { name: "Tap: Card 3 (copy of 2)" });
    await copy.waitFor();
    const otherChip = (await page.locator("[data-card-id]").nth(2).getAttribute("data-card-id"))!;
    await charge(page, 100);
    const refusedCopy = await present(page, otherChip);
    await expect(page.getByTestId("refusal-code").textContent()).resolves.toBe("card_not_valid");
    await expect(refusedCopy.textContent()).resolves.toContain("Tampered with");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Remove: Card 3 (copy of 2)" }).click();

    // A copy onto a chip that fakes the serial reads as the card itself, at the state it had when copied.
    await page.getByRole("button", { name: "Clone onto a chip that fakes its serial: Card 2" }).click();
    await page.getByRole("button", { name: "Tap: Card 4 (copy of 2, same serial)" }).waitFor();
    const magic = (await page.locator("[data-card-id]").nth(2).getAttribute("data-card-id"))!;
    expect(magic.startsWith(original)).toBe(true);

    // The card is spent here, then the copy comes back to this till: it has seen a newer state.
    await charge(page, 100);
    await expect(tapCard(page, original)).resolves.toEqual({ kind: "done", code: null });
    await charge(page, 100);
    const refusedMagic = await present(page, magic);
    await expect(page.getByTestId("refusal-code").textContent()).resolves.toBe("card_not_valid");
    await expect(refusedMagic.textContent()).resolves.toContain("Suspected copy");
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => outboxDepth(page), LONG).toBe(0);
    wallet = await readWallet(page);
    expect(unexpectedErrors(till)).toEqual([]);
    await close(till);

    // Another till has never seen the card: offline it cannot know, and takes the copy.
    const other = await open(profiles[2]!);
    await other.page.goto(`${stack.webUrl}/terminal`);
    await writeWallet(other.page, wallet);
    await other.page.reload();
    await enrolAt(other.page, "pos", "Demo till 2");
    await charge(other.page, 100);
    await expect(tapCard(other.page, magic)).resolves.toEqual({ kind: "done", code: null });
    await expect.poll(() => outboxDepth(other.page), LONG).toBe(0);

    // Reconciliation sees two states written over the same one: the copy is caught.
    const states = await cardsInWallet(await readWallet(other.page), stack.urls.grants);
    const cardId = (states.get(original) as CardState).cardId;
    expect((states.get(magic) as CardState).cardId).toBe(cardId);
    await expect
      .poll(async () => (await ledgerOf(cardId)).flags.filter((flag) => flag.kind === "clone_replay"), LONG)
      .toEqual([expect.objectContaining({ kind: "clone_replay" })]);
    const [flag] = (await ledgerOf(cardId)).flags.filter((f) => f.kind === "clone_replay");
    expect(new Set(flag!.terminalIds).size).toBe(2);
    expect(unexpectedErrors(other)).toEqual([]);
    await close(other);
  }, 300_000);

  it("a new app version waits while a card is on the reader mid-top-up, and is applied once the kiosk is idle", async () => {
    keepPicturesOnFailure();
    // Time the kiosk counts (a minute without a touch, polled every 5 s) is moved, not waited for.
    const station = await open(profiles[3]!, (session) => session.context.clock.install());
    const { page, context } = station;
    // The top-up's online authorisation is held back: the card stays on the reader as long as the test likes.
    let asked: () => void = () => {};
    const authorisationAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    let answer: () => void = () => {};
    const authorisationAnswered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await context.route(
      (url) => url.pathname === "/v1/authorisations",
      async (route) => {
        asked();
        await authorisationAnswered;
        await route.fallback();
      },
    );

    await page.goto(`${stack.webUrl}/terminal`);
    await enrolAt(page, "station", "Update desk");
    await waitForServiceWorkerControl(page);
    const chip = await addBlankCard(page);
    await page.getByRole("button", { name: "Issue a new card" }).click();
    await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });

    await page.getByRole("button", { name: "Top up €5.00" }).click();
    await page.getByTestId("tap-wait").waitFor();
    // The last touch was that button; the card is laid on the reader 55 s later (no touch: an NFC card).
    await context.clock.fastForward(55_000);
    await cardButton(page, chip).and(page.locator(":enabled")).waitFor();
    await cardButton(page, chip).dispatchEvent("click");
    await authorisationAsked;
    await page.locator('[data-testid="tap-wait"][data-phase="working"]').waitFor();

    // The next version is published and found, and waits to be applied.
    const built = await readFile(join(requireBuild(), "sw.js"), "utf8");
    stack.pages.override("/sw.js", `${built}\n// the next version\n`);
    await page.evaluate(() => {
      (window as unknown as { kioskDocument: string }).kioskDocument = "before the update";
    });
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const waiting = () =>
      page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
    await expect.poll(waiting, LONG).toBe(true);
    const sameDocument = () =>
      page.evaluate(() => (window as unknown as { kioskDocument?: string }).kioskDocument);

    // Over a minute since the last touch, the idle poll runs: the card on the reader holds the update.
    await context.clock.runFor(10_000);
    expect(await waiting()).toBe(true);
    expect(await sameDocument()).toBe("before the update");
    await expect(page.locator('[data-testid="tap-wait"][data-phase="working"]').count()).resolves.toBe(1);

    // The backend answers; the result is on screen, and still nothing is swapped under it.
    answer();
    const result = page.getByTestId("tap-result");
    await result.waitFor();
    await expect(result.getAttribute("data-kind")).resolves.toBe("done");
    await context.clock.runFor(2_000);
    expect(await waiting()).toBe(true);
    expect(await sameDocument()).toBe("before the update");

    // The result goes back to idle by itself; the kiosk is idle, and the next poll applies the update.
    await context.clock.runFor(10_000);
    await expect.poll(sameDocument, LONG).toBeUndefined();
    await waitForGrant(page);
    await expect.poll(waiting, LONG).toBe(false);
    expect(
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state),
    ).toBe("activated");

    // The top-up made just before it reaches the ledger, and the card holds exactly that.
    await expect.poll(() => outboxDepth(page), LONG).toBe(0);
    const card = (await cardsInWallet(await readWallet(page), stack.urls.grants)).get(chip)!;
    expect(card.balance).toBe(500);
    await expect(ledgerOf(card.cardId)).resolves.toMatchObject({ balance: 500, complete: true });
    stack.pages.override("/sw.js", undefined);
    expect(unexpectedErrors(station)).toEqual([]);
    await close(station);
  }, 300_000);

  it("a station pays out a card's balance and restores a lost card onto a blank one, each authorised online", async () => {
    keepPicturesOnFailure();
    const station = await open(profiles[4]!);
    const { page } = station;
    await page.goto(`${stack.webUrl}/terminal`);
    await enrolAt(page, "station", "Cash desk");
    const [paid, lost] = [await addBlankCard(page), await addBlankCard(page)];
    for (const [chip, topup] of [
      [paid, "Top up €50.00"],
      [lost, "Top up €20.00"],
    ] as const) {
      await page.getByRole("button", { name: "Issue a new card" }).click();
      await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });
      await page.getByRole("button", { name: topup }).click();
      await expect(tapCard(page, chip)).resolves.toEqual({ kind: "done", code: null });
    }
    await page.getByRole("button", { name: "Pay out the balance" }).click();
    await expect(tapCard(page, paid)).resolves.toEqual({ kind: "done", code: null });
    await expect.poll(() => outboxDepth(page), LONG).toBe(0);

    // The lost card's number, typed at the desk; the restore is written onto the blank chip.
    const before = await cardsInWallet(await readWallet(page), stack.urls.grants);
    const lostCard = before.get(lost)!;
    const blank = await addBlankCard(page);
    await page.getByLabel("Card number of the lost card").fill(lostCard.cardId);
    await page.getByRole("button", { name: "Restore onto a blank card" }).click();
    await expect(tapCard(page, blank)).resolves.toEqual({ kind: "done", code: null });
    await expect.poll(() => outboxDepth(page), LONG).toBe(0);

    const after = await cardsInWallet(await readWallet(page), stack.urls.grants);
    expect(after.get(paid)!.balance).toBe(0);
    expect(after.get(blank)).toMatchObject({ cardId: lostCard.cardId, balance: 2_000 });
    const paidLedger = await ledgerOf(before.get(paid)!.cardId);
    expect(paidLedger).toMatchObject({ balance: 0, complete: true, flags: [] });
    await expect(ledgerOf(lostCard.cardId)).resolves.toMatchObject({ balance: 2_000, flags: [] });
    expect(unexpectedErrors(station)).toEqual([]);
    await close(station);
  }, 300_000);
});
