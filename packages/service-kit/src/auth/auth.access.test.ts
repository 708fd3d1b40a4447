import { describe, expect, it } from "vitest";
import { judgeAccess, type RouteAccess } from "./access.ts";
import { BOOTSTRAP_PRINCIPAL, type Principal } from "./principal.ts";
import { SCOPES } from "./roles.ts";
import { lackingCredentials } from "./route-walk.ts";

const person = (role: "admin" | "operator" | "auditor"): Principal => ({
  kind: "user",
  id: `p-${role}`,
  name: role,
  role,
  via: "token",
  credentialId: "c1",
});
const service = (...scopes: (typeof SCOPES)[number][]): Principal => ({
  kind: "service",
  id: "k1",
  name: "svc",
  scopes,
  credentialId: "c2",
});
const terminal = { kind: "terminal", terminalId: "T-1" } as unknown as Principal;

describe("judgeAccess", () => {
  it("lets anyone call a public route, credential or not", () => {
    expect(judgeAccess(null, { public: true })).toBe("allowed");
    expect(judgeAccess(service(), { public: true })).toBe("allowed");
  });

  it("asks for a credential on every other route", () => {
    for (const access of [
      { terminal: true },
      { roles: ["auditor"] },
      { scopes: ["policy:read"] },
    ] as RouteAccess[])
      expect(judgeAccess(null, access)).toBe("unauthenticated");
  });

  it("orders roles admin ⊃ operator ⊃ auditor", () => {
    const operatorRoute: RouteAccess = { roles: ["operator"] };
    expect(judgeAccess(person("admin"), operatorRoute)).toBe("allowed");
    expect(judgeAccess(person("operator"), operatorRoute)).toBe("allowed");
    expect(judgeAccess(person("auditor"), operatorRoute)).toBe("forbidden");
    expect(judgeAccess(person("operator"), { roles: ["admin"] })).toBe("forbidden");
    expect(judgeAccess(person("auditor"), { roles: ["auditor"] })).toBe("allowed");
  });

  it("gives services exactly their scopes, and nothing on people-only routes", () => {
    expect(judgeAccess(service("policy:write"), { roles: ["admin"], scopes: ["policy:write"] })).toBe(
      "allowed",
    );
    expect(judgeAccess(service("policy:read"), { roles: ["admin"], scopes: ["policy:write"] })).toBe(
      "forbidden",
    );
    expect(judgeAccess(service(...SCOPES), { roles: ["auditor"] })).toBe("forbidden");
  });

  it("lets admins and the bootstrap admin call service routes, but never act as a terminal", () => {
    expect(judgeAccess(person("admin"), { scopes: ["grants:validate"] })).toBe("allowed");
    expect(judgeAccess(person("operator"), { scopes: ["grants:validate"] })).toBe("forbidden");
    expect(judgeAccess(BOOTSTRAP_PRINCIPAL, { roles: ["admin"] })).toBe("allowed");
    expect(judgeAccess(BOOTSTRAP_PRINCIPAL, { terminal: true })).toBe("forbidden");
    expect(judgeAccess(person("admin"), { terminal: true })).toBe("forbidden");
  });

  it("admits terminals only to terminal routes", () => {
    expect(judgeAccess(terminal, { terminal: true })).toBe("allowed");
    expect(judgeAccess(terminal, { roles: ["auditor"] })).toBe("forbidden");
  });
});

describe("lackingCredentials", () => {
  it("names the strongest credentials a route must still refuse", () => {
    expect(lackingCredentials({ roles: ["operator"], scopes: ["flags:write"] })).toEqual([
      { kind: "user", role: "auditor" },
      { kind: "service", scopes: SCOPES.filter((scope) => scope !== "flags:write") },
    ]);
    expect(lackingCredentials({ roles: ["admin"] })).toContainEqual({ kind: "user", role: "operator" });
    expect(lackingCredentials({ public: true })).toEqual([]);
  });

  it("refuses every people and service credential on a judged route", () => {
    const access: RouteAccess = { roles: ["operator"], scopes: ["flags:write"] };
    for (const spec of lackingCredentials(access)) {
      const principal = spec.kind === "user" ? person(spec.role) : service(...spec.scopes);
      expect(judgeAccess(principal, access), JSON.stringify(spec)).toBe("forbidden");
    }
  });
});
