import { env } from "cloudflare:workers";
import { normaliseEnrolmentCode, parseEnrolmentQr } from "@tessera/protocol";
import { describe, expect, it, vi } from "vitest";
import {
  auditEntries,
  auditor,
  call,
  createCode,
  enrolWith,
  json,
  newDevice,
  operator,
  problemOf,
  randomAddress,
} from "./helpers.ts";

describe("POST /v1/enrolment-codes", () => {
  it("gives an operator a typeable one-time code with its expiry and QR payload, storing only its hash", async () => {
    const before = Date.now();
    const created = await createCode({
      role: "gate",
      name: "North gate",
      locationId: "entrance",
      expiresInSeconds: 600,
    });
    expect(normaliseEnrolmentCode(created.code)).toBe(created.code);
    expect(Date.parse(created.expiresAt) - before).toBeGreaterThan(590_000);
    expect(Date.parse(created.expiresAt) - before).toBeLessThan(610_000);
    expect(parseEnrolmentQr(created.qr)).toEqual({
      code: created.code,
      grantsBaseUrl: "https://grants.tessera.test",
    });

    const row = await env.DB.prepare("SELECT * FROM enrolment_codes WHERE id = ?").bind(created.id).first();
    expect(row).toMatchObject({ role: "gate", name: "North gate", location_id: "entrance", used_at: null });
    expect(JSON.stringify(row)).not.toContain(created.code);
    expect(
      (await auditEntries()).some(
        (entry) =>
          entry.action === "enrolment_code.create" && entry.target === `enrolment_code:${created.id}`,
      ),
    ).toBe(true);
  });

  it("refuses an auditor, and a request without a credential", async () => {
    const body = { role: "pos", name: "Till", locationId: "canteen" };
    expect((await call("/v1/enrolment-codes", json(body, await auditor()))).status).toBe(403);
    const anonymous = await call("/v1/enrolment-codes", json(body));
    expect(anonymous.status).toBe(401);
    expect((await problemOf(anonymous)).code).toBe("unauthenticated");
  });

  it("refuses an unknown role and a lifetime over a day, changing nothing", async () => {
    const headers = await operator();
    const count = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM enrolment_codes").first<{ n: number }>())!.n;
    const before = await count();
    const badRole = await call(
      "/v1/enrolment-codes",
      json({ role: "admin", name: "x", locationId: "canteen" }, headers),
    );
    expect(badRole.status).toBe(422);
    expect((await problemOf(badRole)).code).toBe("validation_failed");
    const tooLong = await call(
      "/v1/enrolment-codes",
      json({ role: "pos", name: "x", locationId: "canteen", expiresInSeconds: 2 * 86_400 }, headers),
    );
    expect((await problemOf(tooLong)).code).toBe("validation_failed");
    expect(await count()).toBe(before);
  });
});

describe("POST /v1/terminals", () => {
  it("enrols a terminal with a code and its public key, numbering terminals in sequence", async () => {
    const first = await createCode({ role: "station", name: "Top-up desk", locationId: "lobby" });
    const second = await createCode();
    const a = await enrolWith(first.code.toLowerCase().replace("-", " "), await newDevice());
    const b = await enrolWith(second.code, await newDevice());
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    const enrolledA = (await a.json()) as {
      terminalId: string;
      terminalNumber: number;
      role: string;
      locationId: string;
      name: string;
    };
    const enrolledB = (await b.json()) as { terminalNumber: number };
    expect(enrolledA).toMatchObject({ role: "station", locationId: "lobby", name: "Top-up desk" });
    expect(enrolledA.terminalId).toMatch(/^trm_[0-9a-f]{20}$/);
    expect(enrolledB.terminalNumber).toBe(enrolledA.terminalNumber + 1);
    await vi.waitFor(async () =>
      expect(
        (await auditEntries()).some(
          (entry) => entry.action === "terminal.enrol" && entry.target === `terminal:${enrolledA.terminalId}`,
        ),
      ).toBe(true),
    );
  });

  it("refuses a code that was never issued, and one that is not a code at all", async () => {
    const device = await newDevice();
    const unknown = await enrolWith("ZZZZZ-ZZZZZ", device);
    expect(unknown.status).toBe(400);
    expect((await problemOf(unknown)).code).toBe("enrolment_code_invalid");
    const garbage = await enrolWith("hello", device);
    expect((await problemOf(garbage)).code).toBe("enrolment_code_invalid");
  });

  it("refuses an expired code with enrolment_code_expired", async () => {
    const { code, id } = await createCode();
    await env.DB.prepare("UPDATE enrolment_codes SET expires_at = unixepoch() - 1 WHERE id = ?")
      .bind(id)
      .run();
    const response = await enrolWith(code, await newDevice());
    expect(response.status).toBe(410);
    expect((await problemOf(response)).code).toBe("enrolment_code_expired");
  });

  it("refuses a code used once already, and lets only one of two simultaneous redemptions win", async () => {
    const { code } = await createCode();
    expect((await enrolWith(code, await newDevice())).status).toBe(201);
    const reused = await enrolWith(code, await newDevice());
    expect(reused.status).toBe(409);
    expect((await problemOf(reused)).code).toBe("enrolment_code_used");

    const race = await createCode();
    const answers = await Promise.all([
      enrolWith(race.code, await newDevice()),
      enrolWith(race.code, await newDevice()),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM terminals WHERE enrolment_code_id = ?")
      .bind(race.id)
      .first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it("refuses a device key that is already enrolled, without using up the code", async () => {
    const device = await newDevice();
    expect((await enrolWith((await createCode()).code, device)).status).toBe(201);
    const { code, id } = await createCode();
    const again = await enrolWith(code, device);
    expect(again.status).toBe(409);
    expect((await problemOf(again)).code).toBe("conflict");
    expect(await env.DB.prepare("SELECT used_at FROM enrolment_codes WHERE id = ?").bind(id).first()).toEqual(
      { used_at: null },
    );
  });

  it("refuses a public key that carries its private part, and keys of another curve", async () => {
    const { code, id } = await createCode();
    const device = await newDevice();
    const withPrivate = await call(
      "/v1/terminals",
      json(
        { code, publicKey: { ...device.publicJwk, d: device.publicJwk.x } },
        { "CF-Connecting-IP": randomAddress() },
      ),
    );
    expect(withPrivate.status).toBe(422);
    expect((await problemOf(withPrivate)).code).toBe("validation_failed");
    const x25519 = await call(
      "/v1/terminals",
      json(
        { code, publicKey: { ...device.publicJwk, crv: "X25519" } },
        { "CF-Connecting-IP": randomAddress() },
      ),
    );
    expect((await problemOf(x25519)).code).toBe("validation_failed");
    expect(await env.DB.prepare("SELECT used_at FROM enrolment_codes WHERE id = ?").bind(id).first()).toEqual(
      { used_at: null },
    );
  });

  it("refuses a malformed body and an oversized one", async () => {
    const malformed = await call("/v1/terminals", {
      method: "POST",
      body: "{not json",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": randomAddress() },
    });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).code).toBe("malformed_request");
    const oversized = await call(
      "/v1/terminals",
      json({ code: "x".repeat(20_000) }, { "CF-Connecting-IP": randomAddress() }),
    );
    expect(oversized.status).toBe(413);
    expect((await problemOf(oversized)).code).toBe("payload_too_large");
  });

  it("rate-limits enrolment attempts per client address with 429 and Retry-After", async () => {
    const address = randomAddress();
    const device = await newDevice();
    // 30 per fixed minute: 61 attempts cross at most one window boundary, so one window sees over 30.
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 61 && !refused; attempt++) {
      const response = await enrolWith("ZZZZZ-ZZZZZ", device, address);
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(400);
    }
    expect(refused).toBeDefined();
    expect(refused!.headers.get("Retry-After")).toBe("60");
    expect((await problemOf(refused!)).code).toBe("rate_limited");
    // Another address is not held back.
    expect((await enrolWith("ZZZZZ-ZZZZZ", device, randomAddress())).status).toBe(400);
  });
});
