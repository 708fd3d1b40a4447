/** Checks a Worker's bindings once per isolate, so a misconfigured deploy fails loudly and clearly. */
import { TesseraError } from "@tessera/protocol";
import { createMiddleware } from "hono/factory";
import { z } from "zod";

/**
 * A binding recognised by the methods it must offer (D1's `prepare`, KV's `get`). Bindings are runtime
 * objects, not data, so duck typing is the only check that works in both workerd and tests.
 */
export function bindingWith<T>(kind: string, methods: readonly string[]) {
  return z.custom<T>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"),
    { message: `expected a ${kind} binding` },
  );
}

/** Rejects every request with `service_unavailable` until the environment satisfies `schema`. */
export function requireBindings(schema: z.ZodType) {
  // workerd hands each isolate one env object, so a passing check is remembered for that object only.
  const verified = new WeakSet<object>();
  return createMiddleware(async (c, next) => {
    const env: object = c.env ?? {};
    if (!verified.has(env)) {
      const result = schema.safeParse(env);
      if (!result.success) {
        const names = [...new Set(result.error.issues.map((issue) => issue.path.map(String).join(".")))];
        console.error(JSON.stringify({ level: "error", event: "bindings_invalid", bindings: names }));
        throw new TesseraError(
          "service_unavailable",
          `This service is not configured: missing or invalid ${names.join(", ")}`,
        );
      }
      verified.add(env);
    }
    await next();
  });
}
