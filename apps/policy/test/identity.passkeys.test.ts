import { env } from "cloudflare:workers";
import { hashSecret } from "@tessera/service-kit";
import { describe, expect, it } from "vitest";
import {
  type Ceremony,
  fromAddress,
  invite,
  join,
  randomAddress,
  sessionCookieOf,
  signIn,
  signInOptions,
} from "./support/passkeys.ts";
import { VirtualAuthenticator } from "./support/virtual-authenticator.ts";
import { auditEntries, bodyOf, bootstrap, CONSOLE_ORIGIN, call, json, problemOf } from "./support/worker.ts";

describe("joining by invitation with a passkey", () => {
  it("registers the invitee's passkey, creates the person and signs them in with a session cookie", async () => {
    const { invitation, registered } = await join("operator");
    expect(registered.status).toBe(201);
    expect(await registered.clone().json()).toMatchObject({
      kind: "user",
      name: "Grace Hopper",
      role: "operator",
      via: "session",
    });
    const cookie = sessionCookieOf(registered);
    const me = await call("/v1/me", { headers: { Cookie: cookie } });
    expect(await bodyOf(me)).toMatchObject({ kind: "user", role: "operator", via: "session" });
    const [entry] = await auditEntries({
      action: "invitation.accept",
      target: `invitation:${invitation.id}`,
    });
    expect(entry?.detail).toMatchObject({ email: invitation.email, role: "operator", newPerson: true });
  });

  it("accepts each invitation once", async () => {
    const { invitation } = await join();
    const again = await call(
      "/v1/passkeys/registration-options",
      json("POST", { invitation: invitation.token }, fromAddress(randomAddress())),
    );
    expect((await problemOf(again)).code).toBe("invitation_invalid");
  });

  it("refuses a withdrawn or unknown invitation", async () => {
    const invitation = await invite();
    expect(
      (await call(`/v1/invitations/${invitation.id}`, { method: "DELETE", headers: bootstrap })).status,
    ).toBe(204);
    for (const token of [invitation.token, "tsi_not-an-invitation-at-all-000000"]) {
      const response = await call(
        "/v1/passkeys/registration-options",
        json("POST", { invitation: token }, fromAddress(randomAddress())),
      );
      expect((await problemOf(response)).code).toBe("invitation_invalid");
    }
  });

  it("refuses a registration answered for another origin or challenge", async () => {
    const invitation = await invite();
    const authenticator = await VirtualAuthenticator.create();
    const client = fromAddress(randomAddress());
    const options = await bodyOf<Ceremony>(
      await call("/v1/passkeys/registration-options", json("POST", { invitation: invitation.token }, client)),
    );
    const phished = await authenticator.register(options.options, "https://evil.example");
    const response = await call(
      "/v1/passkeys",
      json(
        "POST",
        { invitation: invitation.token, challengeId: options.challengeId, response: phished },
        client,
      ),
    );
    expect((await problemOf(response)).code).toBe("webauthn_failed");
    // The challenge is single-use, even after a failure.
    const honest = await authenticator.register(options.options, CONSOLE_ORIGIN);
    const replay = await call(
      "/v1/passkeys",
      json(
        "POST",
        { invitation: invitation.token, challengeId: options.challengeId, response: honest },
        client,
      ),
    );
    expect((await problemOf(replay)).code).toBe("webauthn_failed");
  });
});

describe("passkey sign-in and sessions", () => {
  it("signs in with a registered passkey, audited, and refuses an unknown one", async () => {
    const { authenticator } = await join("auditor");
    const response = await signIn(authenticator);
    expect(response.status).toBe(201);
    const cookie = sessionCookieOf(response);
    expect(await bodyOf(await call("/v1/policy/versions", { headers: { Cookie: cookie } }))).toHaveProperty(
      "versions",
    );
    const stranger = await VirtualAuthenticator.create();
    expect((await problemOf(await signIn(stranger))).code).toBe("webauthn_failed");
  });

  it("refuses an assertion signed over another challenge", async () => {
    const { authenticator } = await join();
    const address = randomAddress();
    const first = await bodyOf<Ceremony>(await signInOptions(address));
    const second = await bodyOf<Ceremony>(await signInOptions(address));
    const answer = await authenticator.authenticate(first.options, CONSOLE_ORIGIN, "localhost");
    const response = await call(
      "/v1/sessions",
      json("POST", { challengeId: second.challengeId, response: answer }, fromAddress(address)),
    );
    expect((await problemOf(response)).code).toBe("webauthn_failed");
  });

  it("signs out: the session stops working everywhere and the cookie is cleared", async () => {
    const { registered } = await join();
    const cookie = sessionCookieOf(registered);
    const secret = cookie.split("=")[1]!;
    const out = await call("/v1/sessions/current", {
      method: "DELETE",
      headers: { Cookie: cookie, Origin: CONSOLE_ORIGIN },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get("Set-Cookie")).toMatch(/__Host-tessera_session=;.*Max-Age=0/);
    expect(await env.AUTH_KV.get(`cred:${await hashSecret(secret)}`)).toBeNull();
    expect((await call("/v1/me", { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it("refuses cookie-authenticated changes from another origin", async () => {
    const { registered } = await join("admin");
    const cookie = sessionCookieOf(registered);
    const response = await call(
      "/v1/api-keys",
      json(
        "POST",
        { name: "csrf", scopes: ["cards:read"] },
        { Cookie: cookie, Origin: "https://evil.example" },
      ),
    );
    expect(response.status).toBe(401);
    const allowed = await call(
      "/v1/api-keys",
      json("POST", { name: "console", scopes: ["cards:read"] }, { Cookie: cookie, Origin: CONSOLE_ORIGIN }),
    );
    expect(allowed.status).toBe(201);
  });

  it("lets an admin list and revoke someone's session", async () => {
    const { registered } = await join();
    const cookie = sessionCookieOf(registered);
    const sessions = await bodyOf<{ sessions: { id: string; name: string }[] }>(
      await call("/v1/sessions", { headers: bootstrap }),
    );
    const mine = await bodyOf<{ id: string }>(await call("/v1/me", { headers: { Cookie: cookie } }));
    const session = (await env.DB.prepare(
      "SELECT id FROM credentials WHERE kind = 'session' AND person_id = ?",
    )
      .bind(mine.id)
      .first<{ id: string }>())!;
    expect(sessions.sessions.map((s) => s.id)).toContain(session.id);
    expect((await call(`/v1/sessions/${session.id}`, { method: "DELETE", headers: bootstrap })).status).toBe(
      204,
    );
    expect((await call("/v1/me", { headers: { Cookie: cookie } })).status).toBe(401);
    expect(await auditEntries({ action: "session.revoke", target: `session:${session.id}` })).toHaveLength(1);
  });

  it("ends a person's sessions when an admin changes their role, and keeps them out once disabled", async () => {
    const { registered, authenticator } = await join("operator");
    const cookie = sessionCookieOf(registered);
    const me = await bodyOf<{ id: string }>(await call("/v1/me", { headers: { Cookie: cookie } }));
    const demoted = await call(`/v1/people/${me.id}`, json("PATCH", { role: "auditor" }, bootstrap));
    expect(await bodyOf(demoted)).toMatchObject({ role: "auditor", disabledAt: null, passkeys: 1 });
    expect((await call("/v1/me", { headers: { Cookie: cookie } })).status).toBe(401);
    const again = await signIn(authenticator);
    expect(await bodyOf(again)).toMatchObject({ role: "auditor" });

    await call(`/v1/people/${me.id}`, json("PATCH", { disabled: true }, bootstrap));
    expect((await call("/v1/me", { headers: { Cookie: sessionCookieOf(again) } })).status).toBe(401);
    expect((await problemOf(await signIn(authenticator))).code).toBe("webauthn_failed");
    expect(await auditEntries({ action: "person.update", target: `person:${me.id}` })).toHaveLength(2);
  });
});
