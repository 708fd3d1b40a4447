import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { peopleRepository } from "../src/db/people.ts";
import { accept, invite, join, type Role, sessionCookieOf, signIn } from "./support/passkeys.ts";
import { VirtualAuthenticator } from "./support/virtual-authenticator.ts";
import { auditEntries, bodyOf, bootstrap, CONSOLE_ORIGIN, call, json, problemOf } from "./support/worker.ts";

interface PersonView {
  id: string;
  email: string;
  role: Role;
  disabledAt: string | null;
}

async function people(): Promise<PersonView[]> {
  return (await bodyOf<{ people: PersonView[] }>(await call("/v1/people", { headers: bootstrap }))).people;
}

const activeAdmins = async () =>
  (await people())
    .filter((person) => person.role === "admin" && person.disabledAt === null)
    .map((person) => person.id)
    .sort();

/** A new admin person, with their session cookie and id. */
async function admin() {
  const joined = await join("admin");
  const cookie = sessionCookieOf(joined.registered);
  const { id } = await bodyOf<{ id: string }>(await call("/v1/me", { headers: { Cookie: cookie } }));
  return { ...joined, cookie, id };
}

/** Leaves `keep` as the only active admins: every other one becomes an operator (allowed, `keep` remain). */
async function onlyAdmins(...keep: string[]): Promise<void> {
  for (const id of await activeAdmins())
    if (!keep.includes(id))
      expect((await call(`/v1/people/${id}`, json("PATCH", { role: "operator" }, bootstrap))).status).toBe(
        200,
      );
  expect(await activeAdmins()).toEqual([...keep].sort());
}

const patch = (id: string, body: object, headers: Record<string, string> = bootstrap) =>
  call(`/v1/people/${id}`, json("PATCH", body, headers));

describe("the last active admin", () => {
  it("can be neither demoted nor disabled, by anyone, and the refusal changes and audits nothing", async () => {
    const last = await admin();
    await onlyAdmins(last.id);
    for (const body of [{ role: "operator" }, { role: "auditor" }, { disabled: true }]) {
      const refused = await problemOf(await patch(last.id, body));
      expect(refused).toMatchObject({ status: 409, code: "last_admin" });
      expect(refused.detail).toContain("last active admin");
    }
    // Nor by themselves, from the console.
    const self = await patch(last.id, { disabled: true }, { Cookie: last.cookie, Origin: CONSOLE_ORIGIN });
    expect((await problemOf(self)).code).toBe("last_admin");

    expect(await activeAdmins()).toEqual([last.id]);
    expect((await call("/v1/me", { headers: { Cookie: last.cookie } })).status).toBe(200);
    expect(await auditEntries({ action: "person.update", target: `person:${last.id}` })).toEqual([]);
    // Changes that keep them an active admin are fine.
    expect((await patch(last.id, { role: "admin", disabled: false })).status).toBe(200);
  });

  it("can step down once another admin exists, and the other is then the last", async () => {
    const first = await admin();
    const second = await admin();
    await onlyAdmins(first.id, second.id);
    const stepped = await patch(
      first.id,
      { role: "operator" },
      { Cookie: first.cookie, Origin: CONSOLE_ORIGIN },
    );
    expect(await bodyOf(stepped)).toMatchObject({ role: "operator" });
    expect((await problemOf(await patch(second.id, { disabled: true }))).code).toBe("last_admin");
    // Promoting someone again frees the other to go.
    expect((await patch(first.id, { role: "admin" })).status).toBe(200);
    expect((await patch(second.id, { disabled: true })).status).toBe(200);
    expect(await activeAdmins()).toEqual([first.id]);
  });

  it("survives two admins demoting each other at the same moment: never both", async () => {
    const a = await admin();
    const b = await admin();
    await onlyAdmins(a.id, b.id);
    const statuses = await Promise.all([
      patch(a.id, { role: "operator" }).then((response) => response.status),
      patch(b.id, { disabled: true }).then((response) => response.status),
    ]);
    expect(statuses.sort()).toEqual([200, 409]);
    expect(await activeAdmins()).toHaveLength(1);

    // The same with each admin's own session: one may be signed out by the other's change first (401).
    const c = await admin();
    const d = await admin();
    await onlyAdmins(c.id, d.id);
    const own = await Promise.all([
      patch(d.id, { role: "auditor" }, { Cookie: c.cookie, Origin: CONSOLE_ORIGIN }),
      patch(c.id, { role: "auditor" }, { Cookie: d.cookie, Origin: CONSOLE_ORIGIN }),
    ]);
    expect(own.filter((response) => response.status === 200)).toHaveLength(1);
    expect(await activeAdmins()).toHaveLength(1);
  });

  it("is re-checked by the very statement that writes, whatever was read before", async () => {
    const last = await admin();
    await onlyAdmins(last.id);
    const repo = peopleRepository(env.DB);
    const at = new Date().toISOString();
    expect(await repo.update(last.id, { role: "operator", disabled: false, at })).toBe("last_admin");
    expect(await repo.update(last.id, { role: "admin", disabled: true, at })).toBe("last_admin");
    expect(await activeAdmins()).toEqual([last.id]);
    expect(await repo.update("per_nobody", { role: "auditor", disabled: false, at })).toBe("not_found");
  });

  it("cannot be demoted by accepting an invitation with a weaker role", async () => {
    const last = await admin();
    await onlyAdmins(last.id);
    const weaker = await invite("operator", last.invitation.email);
    const refused = await call(
      "/v1/passkeys/registration-options",
      json("POST", { invitation: weaker.token }),
    );
    expect((await problemOf(refused)).code).toBe("last_admin");

    // Started while another admin existed, finished after that admin left: refused at the finish.
    const other = await admin();
    const authenticator = await VirtualAuthenticator.create();
    const options = await call(
      "/v1/passkeys/registration-options",
      json("POST", { invitation: weaker.token }),
    );
    expect(options.status).toBe(200);
    expect((await patch(other.id, { disabled: true })).status).toBe(200);
    const ceremony = await bodyOf<{ challengeId: string; options: never }>(options);
    const answer = await authenticator.register(ceremony.options, CONSOLE_ORIGIN);
    const finished = await call(
      "/v1/passkeys",
      json("POST", { invitation: weaker.token, challengeId: ceremony.challengeId, response: answer }),
    );
    expect((await problemOf(finished)).code).toBe("last_admin");
    expect(await activeAdmins()).toEqual([last.id]);

    // The statement that accepts re-checks too.
    const repo = peopleRepository(env.DB);
    const person = (await repo.find(last.id))!;
    const accepted = await repo.acceptInvitation({
      person: { ...person, role: "auditor" },
      passkey: {
        id: `pk_${crypto.randomUUID()}`,
        personId: last.id,
        publicKey: "AA",
        counter: 0,
        transports: [],
      },
      invitationId: weaker.id,
      at: new Date().toISOString(),
    });
    expect(accepted).toBe(false);
    expect(await activeAdmins()).toEqual([last.id]);
    // An admin invitation for the same person is fine.
    const same = await invite("admin", last.invitation.email);
    expect((await accept(same, await VirtualAuthenticator.create())).status).toBe(201);
  });

  it("may sign out and revoke their own tokens: their passkey signs them in again", async () => {
    const last = await admin();
    await onlyAdmins(last.id);
    const token = await call(
      "/v1/admin-tokens",
      json("POST", { name: "own", role: "admin" }, { Cookie: last.cookie, Origin: CONSOLE_ORIGIN }),
    );
    const { id: tokenId } = await bodyOf<{ id: string }>(token);
    const revoke = await call(`/v1/admin-tokens/${tokenId}`, {
      method: "DELETE",
      headers: { Cookie: last.cookie, Origin: CONSOLE_ORIGIN },
    });
    expect(revoke.status).toBe(204);
    const out = await call("/v1/sessions/current", {
      method: "DELETE",
      headers: { Cookie: last.cookie, Origin: CONSOLE_ORIGIN },
    });
    expect(out.status).toBe(204);
    const again = await signIn(last.authenticator);
    expect(await bodyOf(again)).toMatchObject({ id: last.id, role: "admin" });
  });
});
