import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "./rate-limit.test-kit.ts";
import {
  clientAddress,
  enforceRateLimit,
  ipv6Prefix64,
  type RateLimiter,
  UNKNOWN_CLIENT,
} from "./rate-limit.ts";

function appWith(limiter: RateLimiter, onRefused?: () => Promise<void>) {
  const app = new Hono();
  app.onError((error, c) => {
    const { code, extra } = error as unknown as { code: string; extra: Record<string, unknown> };
    return c.json({ code, detail: error.message, ...extra }, 429);
  });
  app.get("/", async (c) => {
    await enforceRateLimit(c, limiter, `thing:${clientAddress(c)}`, "things", {
      periodSeconds: 10,
      onRefused,
    });
    return c.text("ok");
  });
  return app;
}

describe("enforceRateLimit", () => {
  it("lets the limit through, refuses the next with rate_limited and Retry-After, and counts keys apart", async () => {
    const limiter = new MemoryRateLimiter(3);
    const app = appWith(limiter);
    const from = (address: string) => app.request("/", { headers: { "CF-Connecting-IP": address } });
    for (let attempt = 0; attempt < 3; attempt++) expect((await from("192.0.2.1")).status).toBe(200);
    const refused = await from("192.0.2.1");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("10");
    expect(await refused.json()).toMatchObject({ code: "rate_limited", retryAfterSeconds: 10 });
    expect((await from("192.0.2.2")).status).toBe(200);
    limiter.nextWindow();
    expect((await from("192.0.2.1")).status).toBe(200);
  });

  it("runs onRefused for refusals only, and still refuses when it fails", async () => {
    let notices = 0;
    const app = appWith(new MemoryRateLimiter(1), async () => {
      notices++;
      throw new Error("audit log down");
    });
    expect((await app.request("/")).status).toBe(200);
    expect(notices).toBe(0);
    expect((await app.request("/")).status).toBe(429);
    expect(notices).toBe(1);
  });
});

describe("clientAddress", () => {
  const addressOf = async (headers: Record<string, string>) => {
    const app = new Hono();
    app.get("/", (c) => c.text(clientAddress(c)));
    return (await app.request("/", { headers })).text();
  };

  it("reads CF-Connecting-IP only, never X-Forwarded-For", async () => {
    expect(await addressOf({ "CF-Connecting-IP": "203.0.113.9" })).toBe("203.0.113.9");
    expect(await addressOf({ "X-Forwarded-For": "203.0.113.9" })).toBe(UNKNOWN_CLIENT);
    expect(await addressOf({})).toBe(UNKNOWN_CLIENT);
  });

  it("counts an IPv6 client as its /64", async () => {
    expect(await addressOf({ "CF-Connecting-IP": "2001:db8:1:2:aaaa::1" })).toBe("2001:db8:1:2::/64");
    expect(await addressOf({ "CF-Connecting-IP": "2001:db8:1:2:bbbb:cccc:dddd:eeee" })).toBe(
      "2001:db8:1:2::/64",
    );
  });
});

describe("ipv6Prefix64", () => {
  it("expands :: and drops leading zeros", () => {
    expect(ipv6Prefix64("2001:0db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipv6Prefix64("::1")).toBe("0:0:0:0::/64");
    expect(ipv6Prefix64("[2001:DB8:0:1::5]")).toBe("2001:db8:0:1::/64");
    expect(ipv6Prefix64("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });

  it("gives an IPv4-mapped address as IPv4, and anything unparseable as it came", () => {
    expect(ipv6Prefix64("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(ipv6Prefix64("1::2::3")).toBe("1::2::3");
    expect(ipv6Prefix64("2001:db8:zz::1")).toBe("2001:db8:zz::1");
  });
});
