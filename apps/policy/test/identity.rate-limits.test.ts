import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RATE_LIMITS } from "../src/identity/rate-limits.ts";
import {
  type Ceremony,
  fromAddress,
  invite,
  join,
  randomAddress,
  signIn,
  signInOptions,
} from "./support/passkeys.ts";
import { VirtualAuthenticator } from "./support/virtual-authenticator.ts";
import { auditEntries, bodyOf, bootstrap, CONSOLE_ORIGIN, call, json, problemOf } from "./support/worker.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A test that may first wait out the rest of a limiter window (up to its need) gets time for that wait. */
const WINDOW_WAIT_TIMEOUT = 30_000;

/**
 * Locally the binding's windows start on multiples of the period (wall clock), so a test that must fit a
 * whole run of attempts into one window first waits out a window that is about to end.
 */
async function roomInWindow(periodSeconds: number, needMs: number): Promise<void> {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await sleep(left + 100);
}

async function challengeCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM webauthn_challenges").first<{ n: number }>();
  return row!.n;
}

async function expectRateLimited(response: Response, periodSeconds: number): Promise<void> {
  expect(response.status).toBe(429);
  expect(response.headers.get("Retry-After")).toBe(String(periodSeconds));
  const problem = await problemOf(response);
  expect(problem.contentType).toBe("application/problem+json");
  expect(problem).toMatchObject({ code: "rate_limited", retryAfterSeconds: periodSeconds });
}

const registrationOptions = (token: string, address: string) =>
  call("/v1/passkeys/registration-options", json("POST", { invitation: token }, fromAddress(address)));

describe("rate limits on the identity endpoints", () => {
  it("restate exactly the limits wrangler.jsonc gives the bindings", () => {
    const declared = (
      JSON.parse(env.TEST_RATE_LIMITS) as { name: string; simple: { limit: number; period: number } }[]
    ).map(({ name, simple }) => ({ name, limit: simple.limit, period: simple.period }));
    const restated = Object.values(RATE_LIMITS).map((rule) => ({
      name: rule.binding,
      limit: rule.limit,
      period: rule.periodSeconds,
    }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(restated.sort(byName)).toEqual(declared.sort(byName));
  });

  it("refuse the attempt past the limit from one address with 429 and Retry-After, store nothing, and note the lockout once", {
    timeout: WINDOW_WAIT_TIMEOUT,
  }, async () => {
    const { limit, periodSeconds } = RATE_LIMITS.passkeyClient;
    await roomInWindow(periodSeconds, 4000);
    const address = randomAddress();
    for (let attempt = 0; attempt < limit; attempt++) expect((await signInOptions(address)).status).toBe(200);
    const stored = await challengeCount();
    await expectRateLimited(await signInOptions(address), periodSeconds);
    await expectRateLimited(await signInOptions(address), periodSeconds);
    expect(await challengeCount()).toBe(stored);
    // Another client is not held back.
    expect((await signInOptions(randomAddress())).status).toBe(200);

    const notices = await auditEntries({ action: "rate_limit.lockout", target: `client:${address}` });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      service: "policy",
      actor: { kind: "system", id: "anonymous" },
      detail: { rule: "passkeyClient", step: "sign_in_options", limit, periodSeconds },
    });
  });

  it("let the same address sign in once the window has passed", { timeout: 40_000 }, async () => {
    const { authenticator } = await join("auditor");
    const { limit, periodSeconds } = RATE_LIMITS.passkeyClient;
    await roomInWindow(periodSeconds, 4000);
    const address = randomAddress();
    for (let attempt = 0; attempt < limit; attempt++) expect((await signInOptions(address)).status).toBe(200);
    const refused = await signInOptions(address);
    await expectRateLimited(refused, periodSeconds);

    // Waiting as long as Retry-After says is enough.
    await sleep(Number(refused.headers.get("Retry-After")) * 1000);
    const signedIn = await signIn(authenticator, address);
    expect(signedIn.status).toBe(201);
    expect(await bodyOf(signedIn)).toMatchObject({ kind: "user", role: "auditor", via: "session" });
  });

  it("count sign-in answers per address before validating them", {
    timeout: WINDOW_WAIT_TIMEOUT,
  }, async () => {
    const { limit, periodSeconds } = RATE_LIMITS.passkeyClient;
    await roomInWindow(periodSeconds, 4000);
    const address = randomAddress();
    for (let attempt = 0; attempt < limit; attempt++)
      expect((await call("/v1/sessions", json("POST", {}, fromAddress(address)))).status).toBe(422);
    await expectRateLimited(
      await call("/v1/sessions", json("POST", {}, fromAddress(address))),
      periodSeconds,
    );
    expect((await call("/v1/sessions", json("POST", {}, fromAddress(randomAddress())))).status).toBe(422);
  });

  it("count registration starts per address, with unknown invitations too", {
    timeout: WINDOW_WAIT_TIMEOUT,
  }, async () => {
    const { limit, periodSeconds } = RATE_LIMITS.passkeyClient;
    await roomInWindow(periodSeconds, 4000);
    const address = randomAddress();
    const guess = () => registrationOptions(`tsi_guess-${crypto.randomUUID()}`, address);
    for (let attempt = 0; attempt < limit; attempt++)
      expect((await problemOf(await guess())).code).toBe("invitation_invalid");
    await expectRateLimited(await guess(), periodSeconds);
  });

  it("count each invitation's registration steps from every address, leaving its challenge and other invitations alone", {
    timeout: WINDOW_WAIT_TIMEOUT,
  }, async () => {
    const { limit, periodSeconds } = RATE_LIMITS.passkeyInvitation;
    await roomInWindow(periodSeconds, 8000);
    const invitation = await invite();
    const ceremonies: Ceremony[] = [];
    for (let attempt = 0; attempt < limit; attempt++) {
      const response = await registrationOptions(invitation.token, randomAddress());
      expect(response.status).toBe(200);
      ceremonies.push(await bodyOf<Ceremony>(response));
    }
    const stored = await challengeCount();
    await expectRateLimited(await registrationOptions(invitation.token, randomAddress()), periodSeconds);
    await expectRateLimited(await registrationOptions(invitation.token, randomAddress()), periodSeconds);
    expect(await challengeCount()).toBe(stored);
    expect(
      await auditEntries({ action: "rate_limit.lockout", target: `invitation:${invitation.id}` }),
    ).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ rule: "passkeyInvitation", step: "registration_options" }),
      }),
    ]);
    expect((await registrationOptions((await invite()).token, randomAddress())).status).toBe(200);

    // Answers count apart from starts: wrong challenges first, then a refused answer that consumes nothing.
    const authenticator = await VirtualAuthenticator.create();
    const [kept, ...rest] = ceremonies;
    const answer = await authenticator.register(kept!.options, CONSOLE_ORIGIN);
    const register = (challengeId: string) =>
      call(
        "/v1/passkeys",
        json(
          "POST",
          { invitation: invitation.token, challengeId, response: answer },
          fromAddress(randomAddress()),
        ),
      );
    for (let attempt = 0; attempt < limit; attempt++)
      expect((await problemOf(await register(rest[attempt % rest.length]!.challengeId))).code).toBe(
        "webauthn_failed",
      );
    await expectRateLimited(await register(kept!.challengeId), periodSeconds);
    const challenge = await env.DB.prepare("SELECT id FROM webauthn_challenges WHERE id = ?")
      .bind(kept!.challengeId)
      .first();
    expect(challenge).not.toBeNull();
  });

  it("answer repeated failed bearer credentials from one address with 429, and only them", {
    timeout: WINDOW_WAIT_TIMEOUT,
  }, async () => {
    const { limit, periodSeconds } = RATE_LIMITS.bearerFailures;
    await roomInWindow(periodSeconds, 8000);
    const address = randomAddress();
    const wrong = { Authorization: "Bearer tsa_not-a-token-at-all-0000000000", ...fromAddress(address) };
    for (let attempt = 0; attempt < limit; attempt++)
      expect((await problemOf(await call("/v1/me", { headers: wrong }))).code).toBe("unauthenticated");
    await expectRateLimited(await call("/v1/me", { headers: wrong }), periodSeconds);
    // Public routes too, while the client keeps sending its bad credential.
    await expectRateLimited(await call("/v1/policy", { headers: wrong }), periodSeconds);

    // A valid credential from the same address, and no credential at all, are not held back.
    expect((await call("/v1/me", { headers: { ...bootstrap, ...fromAddress(address) } })).status).toBe(200);
    expect((await call("/v1/policy", { headers: fromAddress(address) })).status).toBe(200);
    // Nor is another address.
    const elsewhere = { ...wrong, ...fromAddress(randomAddress()) };
    expect((await call("/v1/me", { headers: elsewhere })).status).toBe(401);

    expect(await auditEntries({ action: "rate_limit.lockout", target: `client:${address}` })).toEqual([
      expect.objectContaining({ detail: { rule: "bearerFailures", limit, periodSeconds } }),
    ]);
  });
});
