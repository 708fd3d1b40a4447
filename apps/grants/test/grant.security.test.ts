import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  asTerminal,
  call,
  enrolTerminal,
  fetchGrant,
  json,
  newDevice,
  operator,
  problemOf,
  proof,
  requestGrant,
} from "./helpers.ts";

describe("POST /v1/grants refuses", () => {
  it("a request without a proof, and a bearer token instead of one", async () => {
    const terminal = await enrolTerminal();
    const none = await call("/v1/grants", json({ terminalId: terminal.terminalId }));
    expect(none.status).toBe(401);
    expect(none.headers.get("WWW-Authenticate")).toContain("DPoP");
    expect((await problemOf(none)).code).toBe("dpop_invalid");
    const bearer = await call("/v1/grants", json({ terminalId: terminal.terminalId }, await operator()));
    expect((await problemOf(bearer)).code).toBe("dpop_invalid");
  });

  it("a proof made by any key but the one enrolled for the terminal", async () => {
    const terminal = await enrolTerminal();
    const stranger = await newDevice();
    const response = await requestGrant(terminal, await proof(stranger, "POST", "/v1/grants"));
    expect(response.status).toBe(401);
    const problem = await problemOf(response);
    expect(problem.code).toBe("dpop_invalid");
    expect(problem.detail).toContain("enrolled device key");
  });

  it("a proof made for another method or URL, a stale one, and a forged one", async () => {
    const terminal = await enrolTerminal();
    const check = async (dpop: string, reason: string) => {
      const response = await requestGrant(terminal, dpop);
      expect(response.status).toBe(401);
      const problem = await problemOf(response);
      expect(problem.code).toBe("dpop_invalid");
      expect(problem.detail).toContain(reason);
    };
    await check(await proof(terminal.device, "GET", "/v1/grants"), "wrong_htm");
    await check(await proof(terminal.device, "POST", "/v1/validate"), "wrong_htu");
    await check(
      await proof(terminal.device, "POST", "/v1/grants", { iat: Math.floor(Date.now() / 1000) - 3600 }),
      "stale",
    );
    const [header, payload, signature] = (await proof(terminal.device, "POST", "/v1/grants")).split(".");
    const flipped = `${signature!.slice(0, 10)}${signature![10] === "A" ? "B" : "A"}${signature!.slice(11)}`;
    await check(`${header}.${payload}.${flipped}`, "bad_signature");
  });

  it("a replayed proof, even from the terminal itself", async () => {
    const terminal = await enrolTerminal();
    const dpop = await proof(terminal.device, "POST", "/v1/grants");
    expect((await requestGrant(terminal, dpop)).status).toBe(200);
    const replayed = await requestGrant(terminal, dpop);
    expect(replayed.status).toBe(401);
    expect((await problemOf(replayed)).code).toBe("dpop_replayed");
    expect((await requestGrant(terminal)).status).toBe(200);
  });

  it("a terminal that is not enrolled", async () => {
    const device = await newDevice();
    const response = await call(
      "/v1/grants",
      json({ terminalId: "trm_00000000000000000000" }, { DPoP: await proof(device, "POST", "/v1/grants") }),
    );
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("terminal_unknown");
  });

  it("a suspended terminal until it is resumed, dropping its cached grant at once", async () => {
    const terminal = await enrolTerminal();
    await fetchGrant(terminal);
    expect(await env.GRANTS_KV.get(`grant:${terminal.terminalId}`)).not.toBeNull();
    const headers = await operator();
    const suspend = await call(
      `/v1/terminals/${terminal.terminalId}/suspend`,
      json({ reason: "till stolen?" }, headers),
    );
    expect(suspend.status).toBe(200);
    expect(((await suspend.json()) as { status: string }).status).toBe("suspended");
    expect(await env.GRANTS_KV.get(`grant:${terminal.terminalId}`)).toBeNull();

    const refused = await requestGrant(terminal);
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).code).toBe("terminal_suspended");

    expect(
      (await call(`/v1/terminals/${terminal.terminalId}/resume`, json({ reason: "found it" }, headers)))
        .status,
    ).toBe(200);
    expect((await requestGrant(terminal)).status).toBe(200);
  });

  it("a revoked terminal, for good", async () => {
    const terminal = await enrolTerminal();
    await fetchGrant(terminal);
    const headers = await operator();
    expect(
      (await call(`/v1/terminals/${terminal.terminalId}/revoke`, json({ reason: "lost" }, headers))).status,
    ).toBe(200);
    const refused = await requestGrant(terminal);
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).code).toBe("terminal_revoked");
    const resume = await call(
      `/v1/terminals/${terminal.terminalId}/resume`,
      json({ reason: "oops" }, headers),
    );
    expect(resume.status).toBe(409);
    expect((await problemOf(resume)).code).toBe("conflict");
  });

  it("more than its share of requests per terminal, with 429 and Retry-After", async () => {
    const terminal = await enrolTerminal();
    const other = await enrolTerminal();
    // 20 per fixed minute: 41 requests cross at most one window boundary, so one window sees over 20.
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 41 && !refused; attempt++) {
      const response = await requestGrant(terminal);
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(200);
    }
    expect(refused).toBeDefined();
    expect(refused!.headers.get("Retry-After")).toBe("60");
    expect((await problemOf(refused!)).code).toBe("rate_limited");
    expect((await requestGrant(other)).status).toBe(200);
  });

  it("a malformed body, a body naming no terminal, and an oversized body", async () => {
    const terminal = await enrolTerminal();
    const dpop = () => proof(terminal.device, "POST", "/v1/grants");
    const malformed = await call("/v1/grants", {
      method: "POST",
      body: "{",
      headers: { "Content-Type": "application/json", DPoP: await dpop() },
    });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).code).toBe("malformed_request");
    const invalid = await call("/v1/grants", json({ terminalId: "not-a-terminal" }, { DPoP: await dpop() }));
    expect(invalid.status).toBe(422);
    expect((await problemOf(invalid)).code).toBe("validation_failed");
    const oversized = await call(
      "/v1/grants",
      json({ terminalId: terminal.terminalId, padding: "x".repeat(20_000) }, { DPoP: await dpop() }),
    );
    expect(oversized.status).toBe(413);
    expect((await problemOf(oversized)).code).toBe("payload_too_large");
  });
});

describe("a grant on terminal routes", () => {
  it("works with a fresh proof bound to it, and not as a bearer token, nor with a reused proof", async () => {
    const terminal = await enrolTerminal();
    const { grant } = await fetchGrant(terminal);
    expect((await asTerminal(terminal, grant, "GET", "/v1/deny-list?since=0")).status).toBe(200);

    const bearer = await call("/v1/deny-list?since=0", { headers: { Authorization: `Bearer ${grant}` } });
    expect(bearer.status).toBe(401);

    const dpop = await proof(terminal.device, "GET", "/v1/deny-list", { grant });
    const headers = { Authorization: `DPoP ${grant}`, DPoP: dpop };
    expect((await call("/v1/deny-list?since=0", { headers })).status).toBe(200);
    const replayed = await call("/v1/deny-list?since=0", { headers });
    expect((await problemOf(replayed)).code).toBe("dpop_replayed");
  });

  it("stops working the moment its terminal is suspended", async () => {
    const terminal = await enrolTerminal();
    const { grant } = await fetchGrant(terminal);
    await call(`/v1/terminals/${terminal.terminalId}/suspend`, json({ reason: "check" }, await operator()));
    const refused = await asTerminal(terminal, grant, "GET", "/v1/deny-list?since=0");
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).code).toBe("terminal_suspended");
  });
});
