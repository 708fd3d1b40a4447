// Accepting an invitation that changes an existing person's role ends what they held under the old role, as a
// role change by an admin does: their other sessions, and their admin tokens stronger than the new role.
import { describe, expect, it } from "vitest";
import { accept, invite, join, sessionCookieOf } from "./support/passkeys.ts";
import { VirtualAuthenticator } from "./support/virtual-authenticator.ts";
import { bodyOf, CONSOLE_ORIGIN, call, json } from "./support/worker.ts";

const asBearer = (secret: string) => ({ headers: { Authorization: `Bearer ${secret}` } });

describe("an invitation that changes an existing person's role", () => {
  it("ends their old sessions and revokes their tokens stronger than the new role", async () => {
    // Another admin exists, so this one may step down.
    await join("admin");
    const admin = await join("admin");
    const oldCookie = sessionCookieOf(admin.registered);
    const token = async (role: string) => {
      const created = await call(
        "/v1/admin-tokens",
        json("POST", { name: role, role }, { Cookie: oldCookie, Origin: CONSOLE_ORIGIN }),
      );
      expect(created.status).toBe(201);
      return (await bodyOf<{ secret: string }>(created)).secret;
    };
    const adminToken = await token("admin");
    const operatorToken = await token("operator");
    expect(await bodyOf(await call("/v1/me", asBearer(adminToken)))).toMatchObject({ role: "admin" });

    const weaker = await invite("operator", admin.invitation.email);
    const accepted = await accept(weaker, await VirtualAuthenticator.create());
    expect(accepted.status).toBe(201);
    expect(await bodyOf(accepted)).toMatchObject({ role: "operator" });

    // The old session and the admin token no longer work; the operator token, within the new role, still does.
    expect((await call("/v1/me", { headers: { Cookie: oldCookie } })).status).toBe(401);
    expect((await call("/v1/me", asBearer(adminToken))).status).toBe(401);
    expect(await bodyOf(await call("/v1/me", asBearer(operatorToken)))).toMatchObject({ role: "operator" });
    // The session the acceptance started holds the new role.
    const newCookie = sessionCookieOf(accepted);
    expect(await bodyOf(await call("/v1/me", { headers: { Cookie: newCookie } }))).toMatchObject({
      role: "operator",
    });
  });
});
