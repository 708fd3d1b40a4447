import { describe, expect, it } from "vitest";
import { DEFAULT_WORKER_URLS, resolveWorkerUrls, workerOrigins } from "./worker-urls.ts";

describe("Worker base URLs", () => {
  it("defaults to the local dev Workers", () => {
    expect(resolveWorkerUrls({})).toEqual({
      policy: "http://localhost:8781",
      grants: "http://localhost:8782",
      reconciliation: "http://localhost:8783",
    });
  });

  it("takes each URL from its VITE_* variable, without a trailing slash", () => {
    const urls = resolveWorkerUrls({
      VITE_POLICY_URL: "https://policy.example.org/",
      VITE_GRANTS_URL: " https://api.example.org/grants ",
      VITE_RECONCILIATION_URL: "",
    });
    expect(urls).toEqual({
      policy: "https://policy.example.org",
      grants: "https://api.example.org/grants",
      reconciliation: DEFAULT_WORKER_URLS.reconciliation,
    });
  });

  it("refuses a value that is not an http(s) URL, naming the variable", () => {
    expect(() => resolveWorkerUrls({ VITE_GRANTS_URL: "grants.example.org" })).toThrow(/VITE_GRANTS_URL/);
    expect(() => resolveWorkerUrls({ VITE_POLICY_URL: "ftp://policy.example.org" })).toThrow(
      /VITE_POLICY_URL/,
    );
  });

  it("lists each origin once for the Content-Security-Policy", () => {
    const urls = resolveWorkerUrls({
      VITE_POLICY_URL: "https://api.example.org/policy",
      VITE_GRANTS_URL: "https://api.example.org/grants",
      VITE_RECONCILIATION_URL: "https://reconcile.example.org",
    });
    expect(workerOrigins(urls)).toEqual(["https://api.example.org", "https://reconcile.example.org"]);
  });
});
