// The deployable folder carries what Pages and browsers need: strict headers, cache rules, real icons.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireBuild } from "./support/dist.ts";
import { parseHeadersFile } from "./support/pages-server.ts";

let clientDir: string;
let headerRules: ReturnType<typeof parseHeadersFile>;

function headersFor(path: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const rule of headerRules) {
    if (rule.pattern.test(path))
      for (const [name, value] of rule.headers) headers[name.toLowerCase()] = value;
  }
  return headers;
}

beforeAll(() => {
  clientDir = requireBuild();
  headerRules = parseHeadersFile(readFileSync(join(clientDir, "_headers"), "utf8"));
});

describe("deployable build", () => {
  it("sends a Content-Security-Policy without unsafe-inline that lets the app reach its Workers", () => {
    const csp = headersFor("/terminal")["content-security-policy"] ?? "";
    const directives = new Map(
      csp.split(";").map((directive) => {
        const [name = "", ...values] = directive.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|__\w+__/);
    expect(directives.get("script-src")?.some((source) => source.startsWith("'sha256-"))).toBe(true);
    expect(directives.get("connect-src")).toEqual(
      expect.arrayContaining([
        "'self'",
        "http://localhost:8781",
        "http://localhost:8782",
        "http://localhost:8783",
      ]),
    );
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("caches hashed assets for good and makes browsers revalidate the service worker", () => {
    const asset = readFileSync(join(clientDir, "index.html"), "utf8").match(/\/assets\/[\w-]+\.js/)?.[0];
    expect(asset).toBeDefined();
    expect(headersFor(asset ?? "")["cache-control"]).toContain("immutable");
    expect(headersFor("/sw.js")["cache-control"]).toBe("no-cache");
    expect(headersFor("/terminal")["cache-control"]).toBeUndefined();
  });

  it("ships every icon the manifest lists as a PNG of the stated size", () => {
    const manifest = JSON.parse(readFileSync(join(clientDir, "manifest.webmanifest"), "utf8")) as {
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    const pngs = manifest.icons.filter((icon) => icon.type === "image/png");
    expect(pngs.map((icon) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual([
      "192x192 any",
      "192x192 maskable",
      "512x512 any",
      "512x512 maskable",
    ]);
    for (const icon of pngs) {
      const png = readFileSync(join(clientDir, icon.src));
      expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
      // IHDR: width and height are the first two big-endian words after the 16-byte header.
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes);
    }
  });
});
