// Drives the terminal kiosk the way an operator does (keypad, buttons, demo cards), for the browser tests.
import {
  type CardState,
  CertificateKeySet,
  cardImageFromRead,
  fromHex,
  keysByVersion,
  verifyCard,
} from "@tessera/protocol";
import { VirtualNtag } from "@tessera/protocol/virtual-card";
import type { Page } from "playwright-core";
import { DEMO_WALLET_STORAGE_KEY } from "../../src/nfc/demo-wallet.ts";

export const OPERATOR_PIN = "2468";

/** Makes a one-time enrolment code through the grants API, as the console would. */
export async function createEnrolmentCode(
  grantsUrl: string,
  adminToken: string,
  body: { role: "pos" | "gate" | "station"; name: string; locationId: string },
): Promise<string> {
  const response = await fetch(`${grantsUrl}/v1/enrolment-codes`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`enrolment code: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { code: string }).code;
}

/** Enrols the kiosk on `page` (already at /terminal) and waits until its grant is in force. */
export async function enrol(page: Page, code: string, role: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name: "Set up this terminal" }).waitFor();
  await page.getByLabel("Enrolment code").fill(code);
  await page.getByLabel("Operator PIN", { exact: true }).fill(OPERATOR_PIN);
  await page.getByLabel("Operator PIN again").fill(OPERATOR_PIN);
  await page.getByRole("button", { name: "Enrol terminal" }).click();
  await page.locator(`[data-testid="terminal-name"][data-role="${role}"]`).waitFor();
  await waitForGrant(page);
}

export async function waitForGrant(page: Page): Promise<void> {
  await page
    .getByTestId("status-grant")
    .getByText(/^Valid/)
    .waitFor({ timeout: 60_000 });
  await page.getByTestId("waiting-for-grant").waitFor({ state: "detached" });
}

export async function addBlankCard(page: Page): Promise<string> {
  const before = await page.locator("[data-card-id]").count();
  await page.getByRole("button", { name: "New blank card" }).click();
  const card = page.locator("[data-card-id]").nth(before);
  await card.waitFor();
  return (await card.getAttribute("data-card-id")) as string;
}

export interface TapOutcome {
  kind: "done" | "uncertain" | "refused";
  code: string | null;
}

/** Presents a demo card to the waiting kiosk, reads the result and goes back to idle. */
export async function tapCard(page: Page, chipId: string): Promise<TapOutcome> {
  const tap = page.locator(`[data-card-id="${chipId}"] .demo-card-tap`);
  await tap.and(page.locator(":enabled")).waitFor();
  await tap.click();
  const result = page.getByTestId("tap-result");
  await result.waitFor();
  const kind = (await result.getAttribute("data-kind")) as TapOutcome["kind"];
  const code = kind === "refused" ? await page.getByTestId("refusal-code").textContent() : null;
  await page.getByRole("button", { name: "Next" }).click();
  await result.waitFor({ state: "detached" });
  return { kind, code };
}

/** Types an amount in minor units on the POS keypad and presses Charge. */
export async function charge(page: Page, amount: number): Promise<void> {
  const keypad = page.getByRole("group", { name: "Amount" });
  for (const digit of String(amount)) await keypad.getByRole("button", { name: digit, exact: true }).click();
  await page.getByRole("button", { name: /^Charge/ }).click();
  await page.getByTestId("tap-wait").waitFor();
}

export async function outboxDepth(page: Page): Promise<number> {
  return Number(await page.getByTestId("outbox-depth").getAttribute("data-depth"));
}

export async function readWallet(page: Page): Promise<string> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), DEMO_WALLET_STORAGE_KEY);
  if (!raw) throw new Error("the demo wallet is empty");
  return raw;
}

export async function writeWallet(page: Page, raw: string): Promise<void> {
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
    DEMO_WALLET_STORAGE_KEY,
    raw,
  ] as const);
}

/** What each virtual card in a wallet holds now, verified with the scheme's public keys (as any reader would). */
export async function cardsInWallet(raw: string, grantsUrl: string): Promise<Map<string, CardState>> {
  const keys = await keysByVersion(
    CertificateKeySet.parse(
      await (await fetch(`${grantsUrl}/.well-known/tessera-certificate-keys.json`)).json(),
    ),
    "certificate",
  );
  const wallet = JSON.parse(raw) as {
    cards: { id: string; model: "NTAG215"; uid: string; memory: string }[];
  };
  const states = new Map<string, CardState>();
  for (const stored of wallet.cards) {
    const card = VirtualNtag.fromSnapshot({
      model: stored.model,
      uid: fromHex(stored.uid),
      memory: fromHex(stored.memory),
    });
    const verdict = await verifyCard(cardImageFromRead(card.read()), {
      keys,
      policy: { readableLayouts: [1], acceptedKeyVersions: [1] },
    });
    if (verdict.kind !== "valid") throw new Error(`demo card ${stored.id} reads as ${verdict.kind}`);
    states.set(stored.id, verdict.state);
  }
  return states;
}
