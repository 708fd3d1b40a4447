// The admin console end to end, in Debian's Chromium against the real Workers: each role signs in (the admin
// with the bootstrap token, the operator and the auditor with passkeys on Chromium's virtual authenticator),
// terminals enrol (the terminal engine in Node), a policy change and a price change are published and picked
// up, a card is blocked, a constructed clone is flagged and resolved, the float is checked against the cards,
// the audit log is verified and exported, an auditor can change nothing, and every page passes axe.
import { mkdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VirtualCardTransport, VirtualNtag } from "@tessera/protocol/virtual-card";
import type { TerminalEngine } from "@tessera/terminal-engine";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_WORKER_URLS } from "../src/config/worker-urls.ts";
import { seriousA11yViolations } from "./console/a11y.ts";
import { adminCall, enrolmentCode, enrolNodeTerminal } from "./console/node-terminal.ts";
import { addVirtualAuthenticator } from "./console/passkeys.ts";
import { type BrowserSession, openBrowser } from "./support/chromium.ts";
import { type E2EStack, startE2EStack } from "./support/stack.ts";

// The pages' screenshots in docs/ are refreshed only when asked for (TESSERA_SCREENSHOTS=1), so a test run never
// rewrites tracked files.
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "screenshots");
const saveScreenshots = process.env.TESSERA_SCREENSHOTS === "1";

let stack: E2EStack;
let browser: BrowserSession;
let admin: Page;
const engines: TerminalEngine[] = [];
const invitations: Record<"operator" | "auditor", string> = { operator: "", auditor: "" };

beforeAll(async () => {
  if (saveScreenshots) await mkdir(SCREENSHOTS, { recursive: true });
  stack = await startE2EStack();
  browser = await openBrowser();
  await stack.connect(browser.context);
  // A loaded two-core CI machine: give each page step room rather than failing on a slow moment.
  browser.context.setDefaultTimeout(60_000);
  admin = browser.page;
}, 240_000);

afterAll(async () => {
  for (const engine of engines) await engine.close();
  await browser?.close();
  await stack?.stop();
});

/** The machines that run this are shared and slow; a page may take seconds to settle. */
const POLL = { timeout: 15_000 };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function open(page: Page, path: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${stack.webUrl}${path}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!saveScreenshots) return;
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in with a passkey" }).waitFor();
}

/** The terminals the console enrols, and one card they share. */
const fleet: {
  station?: TerminalEngine;
  till1?: TerminalEngine;
  till2?: TerminalEngine;
  /** The card that gets cloned. */
  cardId?: string;
  /** A card reported lost, blocked by hand. */
  lostCardId?: string;
} = {};

// One story, told in order: once a step fails, the steps that build on it are skipped rather than timing out.
let broken = false;
beforeEach((context) => {
  if (broken) context.skip();
});
afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  broken = true;
  // What the pages showed when the step failed, for whoever reads the failure.
  for (const [i, page] of browser.context.pages().entries()) {
    await page.screenshot({ path: join(tmpdir(), `console-e2e-failure-${i}.png`) }).catch(() => undefined);
  }
  console.error(`console e2e: page errors so far: ${JSON.stringify(browser.errors)}`);
});

describe("the admin console", { timeout: 120_000 }, () => {
  it("signs the admin in with the bootstrap token, kept for this tab only", async () => {
    await open(admin, "/console", "Console");
    await admin.getByText("Sign in to the console").waitFor();
    await screenshot(admin, "sign-in");
    await admin.getByLabel("Token", { exact: true }).fill(stack.adminToken);
    await admin.getByRole("button", { name: "Sign in with the token" }).click();
    await admin.getByRole("navigation", { name: "Console" }).waitFor();
    // A reload keeps the tab signed in: the token is in this tab's sessionStorage.
    await open(admin, "/console", "Dashboard");
    await expect(admin.getByRole("navigation", { name: "Console" }).textContent()).resolves.toContain(
      "Admin",
    );
    const stored = await admin.evaluate(() => [
      sessionStorage.getItem("tessera.console.token"),
      JSON.stringify(localStorage).includes("tsa_") || document.cookie.includes("tessera"),
    ]);
    expect(stored).toEqual([stack.adminToken, false]);
  });

  it("lets the admin invite an operator and an auditor with one-time links", async () => {
    await open(admin, "/console/people", "People");
    for (const role of ["operator", "auditor"] as const) {
      await admin
        .getByLabel("Name", { exact: true })
        .fill(role === "operator" ? "Olive Operator" : "Aditya Auditor");
      await admin.getByLabel("Email", { exact: true }).fill(`${role}@example.org`);
      await admin.getByLabel("Role", { exact: true }).selectOption(role);
      await admin.getByRole("button", { name: "Create invitation" }).click();
      const link = admin.getByLabel("Invitation link", { exact: true });
      await expect
        .poll(async () => ((await link.count()) ? link.inputValue() : ""), POLL)
        .toMatch(
          role === "operator"
            ? /\/console\/join#invitation=/
            : new RegExp(`^(?!${escapeRegExp(invitations.operator)}$).*#invitation=`),
        );
      invitations[role] = await link.inputValue();
      await admin.getByRole("cell", { name: `${role}@example.org` }).waitFor();
    }
    expect(invitations.operator).not.toBe(invitations.auditor);
    await screenshot(admin, "people");
  });

  let operator: Page;
  it("has the operator register a passkey from the invitation, sign out and sign in with it", async () => {
    operator = await browser.context.newPage();
    // The authenticator belongs to the page's renderer: attach it once the page is on the console's origin.
    await operator.goto(invitations.operator);
    await addVirtualAuthenticator(operator);
    await operator.getByRole("button", { name: "Register a passkey" }).click();
    await operator.getByRole("heading", { name: "Welcome, Olive Operator" }).waitFor();
    await signOut(operator);
    await operator.getByRole("button", { name: "Sign in with a passkey" }).click();
    await operator.getByRole("navigation", { name: "Console" }).getByText("Olive Operator").waitFor();
    await expect(operator.getByRole("navigation").textContent()).resolves.toContain("Operator");
    // Operators do not manage people, so the page is not offered.
    await expect(operator.getByRole("link", { name: "People" }).count()).resolves.toBe(0);
  });

  it("enrols a terminal with a code and QR shown once, and lists it with its live status", async () => {
    await open(operator, "/console/terminals", "Terminals");
    await operator.getByLabel("Name", { exact: true }).fill("Canteen till 1");
    await operator.getByLabel("Role", { exact: true }).selectOption("pos");
    await operator.getByLabel("Location", { exact: true }).fill("canteen");
    await operator.getByRole("button", { name: "Make an enrolment code" }).click();
    const code = (await operator.locator(".enrolment-code-value").textContent()) ?? "";
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    await expect(
      operator.getByRole("img", { name: `QR code for enrolment code ${code}` }).count(),
    ).resolves.toBe(1);
    fleet.till1 = await enrolNodeTerminal(stack, code);
    engines.push(fleet.till1);
    await fleet.till1.sendReport();
    fleet.station = await enrolNodeTerminal(
      stack,
      await enrolmentCode(stack, { role: "station", name: "Front desk", locationId: "desk" }),
    );
    engines.push(fleet.station);
    fleet.till2 = await enrolNodeTerminal(
      stack,
      await enrolmentCode(stack, { role: "pos", name: "Canteen till 2", locationId: "canteen" }),
    );
    engines.push(fleet.till2);

    await operator.reload();
    const row = operator.getByRole("row").filter({ hasText: "Canteen till 1" });
    await row.getByText("Online").waitFor();
    await expect(row.textContent()).resolves.toContain("Active");
    await screenshot(operator, "terminals");
  });

  it("publishes a policy change after showing its diff", async () => {
    await open(admin, "/console/policy", "Policy");
    const field = admin.getByLabel("roles.pos.offline.perTransaction", { exact: true });
    const before = Number(await field.inputValue());
    await field.fill(String(before + 500));
    await admin.getByLabel("Note", { exact: true }).fill("Bigger offline sales at the canteen");
    await admin.getByRole("button", { name: "Save draft and show the diff" }).click();
    const change = admin
      .getByRole("table", { name: "Changes against the current version" })
      .getByRole("row", {
        name: /roles\.pos\.offline\.perTransaction/,
      });
    await expect.poll(() => change.textContent(), POLL).toContain(String(before + 500));
    await expect(change.textContent()).resolves.toContain(String(before));
    await screenshot(admin, "policy");
    await admin.getByRole("button", { name: "Publish", exact: true }).click();
    await admin.getByText("Published as version 2.").waitFor();
    const published = await adminCall<{
      version: number;
      roles: { pos: { offline: { perTransaction: number } } };
    }>(stack, `${stack.urls.policy}/v1/policy`);
    expect(published.version).toBe(2);
    expect(published.roles.pos.offline.perTransaction).toBe(before + 500);
  });

  it("changes a price in the catalog and the canteen terminal picks it up on its next sync", async () => {
    const policy = await adminCall<{ currency: unknown }>(stack, `${stack.urls.policy}/v1/policy`);
    const draft = await adminCall<{ id: string }>(stack, `${stack.urls.policy}/v1/catalog/drafts`, {
      method: "POST",
      body: {
        document: {
          currency: policy.currency,
          locations: [
            { id: "canteen", name: "Canteen", products: [{ id: "coffee", name: "Coffee", price: 250 }] },
          ],
        },
      },
    });
    await adminCall(stack, `${stack.urls.policy}/v1/catalog/drafts/${draft.id}/publish`, {
      method: "POST",
      body: {},
    });
    const till = fleet.till1!;
    await till.syncNow();
    expect(till.products()).toEqual([expect.objectContaining({ id: "coffee", price: 250 })]);

    await open(admin, "/console/catalog", "Catalog");
    await admin.getByLabel("Canteen · Coffee", { exact: true }).fill("300");
    await admin.getByRole("button", { name: "Save draft and show the diff" }).click();
    // The policy Worker diffs arrays as one value, so the change shows on `locations`.
    const change = admin
      .getByRole("table", { name: "Changes against the current version" })
      .getByRole("row", {
        name: /^locations/,
      });
    await expect.poll(() => change.textContent(), POLL).toContain('"price":300');
    await screenshot(admin, "catalog");
    await admin.getByRole("button", { name: "Publish", exact: true }).click();
    await admin.getByText(/Published as version \d+\./).waitFor();
    await till.syncNow();
    expect(till.products()).toEqual([expect.objectContaining({ id: "coffee", price: 300 })]);
  });

  it("raises a clone flag when two copies of one card are spent, and the operator resolves it", async () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    const desk = new VirtualCardTransport(card);
    const issued = await fleet.station!.tap(desk, { op: "issue" });
    expect(issued.kind).toBe("done");
    const topped = await fleet.station!.tap(desk, { op: "topup", amount: 5000 });
    expect(topped.kind).toBe("done");
    fleet.cardId = issued.kind === "done" ? issued.cardId : "";
    const lost = new VirtualCardTransport(new VirtualNtag({ model: "NTAG215" }));
    const lostIssued = await fleet.station!.tap(lost, { op: "issue" });
    expect((await fleet.station!.tap(lost, { op: "topup", amount: 2000 })).kind).toBe("done");
    fleet.lostCardId = lostIssued.kind === "done" ? lostIssued.cardId : "";
    // A byte-for-byte copy, UID included: the attack a clone check exists for.
    const clone = card.cloneTo(card.uid);
    expect((await fleet.till1!.tap(new VirtualCardTransport(card), { op: "debit", amount: 300 })).kind).toBe(
      "done",
    );
    expect((await fleet.till2!.tap(new VirtualCardTransport(clone), { op: "debit", amount: 450 })).kind).toBe(
      "done",
    );
    for (const engine of [fleet.station!, fleet.till1!, fleet.till2!]) {
      await engine.uploadOutbox();
      await engine.sendReport();
    }
    const flags = await adminCall<{ flags: { flagId: string; kind: string }[] }>(
      stack,
      `${stack.urls.reconciliation}/v1/flags?state=open&kind=clone_replay&cardId=${fleet.cardId}`,
    );
    expect(flags.flags).toHaveLength(1);

    await open(operator, "/console/reconciliation", "Reconciliation");
    const item = operator.locator('[data-flag-kind="clone_replay"]');
    await item
      .getByLabel("Resolution note", { exact: true })
      .fill("Clone confiscated at the canteen; card blocked");
    await item.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(() => operator.locator('[data-flag-kind="clone_replay"]').count(), POLL).toBe(0);
    const resolved = await adminCall<{ state: string; resolution: { note: string } }>(
      stack,
      `${stack.urls.reconciliation}/v1/flags/${flags.flags[0]!.flagId}`,
    );
    expect(resolved).toMatchObject({
      state: "resolved",
      resolution: { note: expect.stringContaining("confiscated") },
    });
    await operator.getByLabel("State", { exact: true }).selectOption("resolved");
    await operator.locator('[data-flag-kind="clone_replay"]').waitFor();
    await screenshot(operator, "reconciliation");
  });

  it("blocks a lost card from its page and shows it on the deny list beside the auto-denied clone", async () => {
    const cardId = fleet.lostCardId!;
    await open(operator, "/console/cards", "Cards");
    // The clone flag put the cloned card on the deny list by itself (policy autoDenyFlags).
    await operator.getByLabel("Card id", { exact: true }).fill(fleet.cardId!);
    await operator.getByRole("button", { name: "Find" }).click();
    await operator.getByText("On the deny list: flag").waitFor();
    await operator.getByLabel("Card id", { exact: true }).fill(cardId);
    await operator.getByRole("button", { name: "Find" }).click();
    await operator.getByRole("heading", { name: `Card ${cardId}` }).waitFor();
    await operator.getByLabel("Reason", { exact: true }).selectOption("stolen");
    await operator.getByRole("button", { name: "Block the card" }).click();
    await operator.getByText("On the deny list: stolen").waitFor();
    await screenshot(operator, "cards");

    await open(operator, "/console/deny-list", "Deny list");
    const row = operator.getByTestId("deny-cards").getByRole("row").filter({ hasText: cardId });
    await expect(row.textContent()).resolves.toContain("stolen");
    const cloned = operator.getByTestId("deny-cards").getByRole("row").filter({ hasText: fleet.cardId! });
    await expect(cloned.textContent()).resolves.toContain("flag");
    await screenshot(operator, "deny-list");
    const entry = await adminCall<{ reason: string }>(
      stack,
      `${stack.urls.grants}/v1/deny-list/entries/card/${cardId}`,
    );
    expect(entry.reason).toBe("stolen");
  });

  it("shows a float equal to the sum of the cards' reconciled balances", async () => {
    const cards = await adminCall<{ cards: { cardId: string; balance: number }[] }>(
      stack,
      `${stack.urls.reconciliation}/v1/cards?limit=500`,
    );
    const total = cards.cards.reduce((sum, card) => sum + card.balance, 0);
    const detail = await adminCall<{ balance: number }>(
      stack,
      `${stack.urls.reconciliation}/v1/cards/${fleet.cardId}`,
    );
    expect(cards.cards.find((card) => card.cardId === fleet.cardId)?.balance).toBe(detail.balance);
    expect(total).toBeGreaterThan(0);
    await open(admin, "/console/finance", "Finance");
    const expected = (total / 100).toLocaleString("en", {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    await expect.poll(() => admin.getByTestId("card-float").textContent(), POLL).toBe(expected);
    await admin.getByRole("img", { name: "Float over time" }).waitFor();
    await screenshot(admin, "finance");
  });

  it("verifies the audit chain and exports the log as CSV", async () => {
    await open(admin, "/console/audit", "Audit log");
    await admin.getByRole("button", { name: "Verify the chain" }).click();
    await expect
      .poll(() => admin.getByTestId("audit-verification").textContent(), POLL)
      .toMatch(/^Chain intact: \d+ entries/);
    const [download] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const csv = await readFile((await download.path()) ?? "", "utf8");
    expect(csv.split("\n")[0]).toMatch(/seq/);
    expect(csv).toContain("policy.publish");
    expect(csv).toContain("flag.resolve");
    await admin.getByText(/^Saved \(\d+ bytes\)\.$/).waitFor();
    await screenshot(admin, "audit");
  });

  it("charts the fleet on the dashboard and lists the keys in use", async () => {
    await open(admin, "/console", "Dashboard");
    await admin.getByRole("img", { name: "Taps per terminal role" }).waitFor();
    await expect(admin.locator(".chart-bar").count()).resolves.toBeGreaterThan(0);
    await screenshot(admin, "dashboard");
    await open(admin, "/console/keys", "Keys");
    const active = admin.getByRole("row").filter({ hasText: "Active" });
    await active.first().waitFor();
    await expect(active.count()).resolves.toBe(1);
    await screenshot(admin, "keys");
  });

  it("lets an auditor read every page but change nothing: no controls, and the APIs refuse", async () => {
    // The operator signs out first: pages of one browser share the session cookie.
    await signOut(operator);
    const auditor = await browser.context.newPage();
    // The authenticator belongs to the page's renderer: attach it once the page is on the console's origin.
    await auditor.goto(invitations.auditor);
    await addVirtualAuthenticator(auditor);
    await auditor.getByRole("button", { name: "Register a passkey" }).click();
    await auditor.getByRole("heading", { name: "Welcome, Aditya Auditor" }).waitFor();
    await signOut(auditor);
    await auditor.getByRole("button", { name: "Sign in with a passkey" }).click();
    await auditor
      .getByRole("navigation", { name: "Console" })
      .getByText("Auditor", { exact: true })
      .waitFor();

    const pages: [string, string, string[]][] = [
      ["/console/terminals", "Terminals", ["Make an enrolment code", "Suspend", "Revoke"]],
      ["/console/policy", "Policy", ["Publish", "Save draft and show the diff"]],
      ["/console/catalog", "Catalog", ["Publish"]],
      ["/console/keys", "Keys", ["Rotate: publish a new key"]],
      ["/console/deny-list", "Deny list", ["Add to the deny list"]],
      ["/console/reconciliation", "Reconciliation", ["Resolve"]],
    ];
    for (const [path, heading, hidden] of pages) {
      await open(auditor, path, heading);
      await auditor.getByRole("table").first().waitFor();
      for (const name of hidden) {
        await expect(
          auditor.getByRole("button", { name, exact: true }).count(),
          `${path}: ${name}`,
        ).resolves.toBe(0);
      }
    }
    await open(auditor, "/console/cards", "Cards");
    await auditor.getByLabel("Card id", { exact: true }).fill(fleet.cardId!);
    await auditor.getByRole("button", { name: "Find" }).click();
    await auditor.getByText("On the deny list: flag").waitFor();
    await expect(auditor.getByRole("button", { name: /Unblock|Authorise/ }).count()).resolves.toBe(0);

    // The same session cookie, straight at the Workers: every change is refused.
    const statuses = await auditor.evaluate(
      async ({ grants, reconciliation, policy, cardId }) => {
        const send = async (url: string, method: string, body?: unknown) =>
          (
            await fetch(url, {
              method,
              credentials: "include",
              headers: { "Content-Type": "application/json" },
              ...(body ? { body: JSON.stringify(body) } : {}),
            })
          ).status;
        return [
          await send(`${grants}/v1/deny-list/entries/card/${cardId}?reason=x`, "DELETE"),
          await send(`${grants}/v1/enrolment-codes`, "POST", { role: "pos", name: "x", locationId: "x" }),
          await send(`${grants}/v1/keys/rotate`, "POST", {}),
          await send(`${reconciliation}/v1/cards/${cardId}/topup-authorisations`, "POST", { amount: 100 }),
          await send(`${policy}/v1/invitations`, "POST", {
            email: "x@example.org",
            name: "x",
            role: "admin",
          }),
          await send(`${policy}/v1/me`, "GET"),
        ];
      },
      { ...DEFAULT_WORKER_URLS, cardId: fleet.cardId! },
    );
    expect(statuses).toEqual([403, 403, 403, 403, 403, 200]);
    await auditor.close();
  });

  it("has no serious accessibility violations on any page, and a skip link that moves focus", async () => {
    const pages: [string, string][] = [
      ["/console", "Dashboard"],
      ["/console/terminals", "Terminals"],
      ["/console/cards", "Cards"],
      ["/console/reconciliation", "Reconciliation"],
      ["/console/deny-list", "Deny list"],
      ["/console/finance", "Finance"],
      ["/console/policy", "Policy"],
      ["/console/catalog", "Catalog"],
      ["/console/keys", "Keys"],
      ["/console/audit", "Audit log"],
      ["/console/people", "People"],
    ];
    for (const [path, heading] of pages) {
      await open(admin, path, heading);
      await admin.waitForLoadState("networkidle");
      expect(await seriousA11yViolations(admin), path).toEqual([]);
    }
    await open(admin, "/console", "Dashboard");
    await admin.keyboard.press("Tab");
    await expect(admin.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Skip to content");
    await admin.keyboard.press("Enter");
    await expect(admin.evaluate(() => document.activeElement?.id)).resolves.toBe("main");
    // Every nav link is reachable by keyboard and shows where focus is.
    await admin.getByRole("link", { name: "Terminals" }).focus();
    const outline = await admin.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe("none");
    await admin.keyboard.press("Enter");
    await admin.getByRole("heading", { level: 1, name: "Terminals" }).waitFor();
  });

  it("reported no page errors", () => {
    expect(browser.errors.filter((error) => !/status of 40[134]/.test(error))).toEqual([]);
  });
});
