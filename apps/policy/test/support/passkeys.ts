/**
 * Invitations, passkey registration and sign-in through the deployed entry point, each from a client
 * address of its own (CF-Connecting-IP) unless told, so tests never share a per-address rate limit.
 */
import { expect } from "vitest";
import { VirtualAuthenticator } from "./virtual-authenticator.ts";
import { bodyOf, bootstrap, CONSOLE_ORIGIN, call, json } from "./worker.ts";

export interface Ceremony {
  challengeId: string;
  options: {
    challenge: string;
    rp: { id: string; name: string };
    user: { id: string; name: string };
    rpId?: string;
  };
}

export type Role = "admin" | "operator" | "auditor";

/** A random private address, as Cloudflare's edge would report a distinct client. */
export function randomAddress(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

export function fromAddress(address: string): { "CF-Connecting-IP": string } {
  return { "CF-Connecting-IP": address };
}

export async function invite(role: Role = "operator", email = `person-${crypto.randomUUID()}@example.org`) {
  const response = await call(
    "/v1/invitations",
    json("POST", { email, name: "Grace Hopper", role }, bootstrap),
  );
  expect(response.status).toBe(201);
  return { email, ...(await bodyOf<{ id: string; token: string }>(response)) };
}

export function sessionCookieOf(response: Response): string {
  const header = response.headers.get("Set-Cookie") ?? "";
  expect(header).toMatch(/^__Host-tessera_session=tss_[A-Za-z0-9_-]+;/);
  expect(header).toContain("HttpOnly");
  expect(header).toContain("Secure");
  expect(header).toContain("SameSite=Strict");
  expect(header).toContain("Path=/");
  return header.split(";")[0]!;
}

/** Registers a passkey for `invitation` and signs in with it. */
export async function accept(
  invitation: { token: string },
  authenticator: VirtualAuthenticator,
  address = randomAddress(),
) {
  const options = await bodyOf<Ceremony>(
    await call(
      "/v1/passkeys/registration-options",
      json("POST", { invitation: invitation.token }, fromAddress(address)),
    ),
  );
  const response = await authenticator.register(options.options, CONSOLE_ORIGIN);
  return call(
    "/v1/passkeys",
    json(
      "POST",
      { invitation: invitation.token, challengeId: options.challengeId, response },
      fromAddress(address),
    ),
  );
}

/** A new person with `role`: invited, registered with a passkey, signed in. */
export async function join(role: Role = "operator") {
  const invitation = await invite(role);
  const authenticator = await VirtualAuthenticator.create();
  const registered = await accept(invitation, authenticator);
  return { invitation, authenticator, registered };
}

export async function signInOptions(address = randomAddress()): Promise<Response> {
  return call("/v1/sessions/options", { method: "POST", headers: fromAddress(address) });
}

export async function signIn(authenticator: VirtualAuthenticator, address = randomAddress()) {
  const options = await bodyOf<Ceremony>(await signInOptions(address));
  const response = await authenticator.authenticate(options.options, CONSOLE_ORIGIN, "localhost");
  return call(
    "/v1/sessions",
    json("POST", { challengeId: options.challengeId, response }, fromAddress(address)),
  );
}
