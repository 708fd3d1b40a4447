/**
 * Limits on the identity endpoints anyone can reach: each passkey ceremony step per client address and per
 * invitation, and failed bearer credentials per client address. A refused request does nothing else (no
 * challenge is stored or used up, nothing is written); the first refusal of a minute is audited and logged.
 */
import {
  type BearerFailureLimit,
  clientAddress,
  enforceRateLimit,
  type RateLimitPeriod,
} from "@tessera/service-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { PolicyEnv } from "../env.ts";

interface LimitRule {
  binding: keyof PolicyEnv["Bindings"] & `${string}_RATE_LIMITER`;
  limit: number;
  periodSeconds: RateLimitPeriod;
}

/**
 * The binding behind each limit and its `simple` block in wrangler.jsonc, restated here because the binding
 * does not say its period (needed for `Retry-After`); a test compares the two. The reasons are beside each
 * binding in wrangler.jsonc.
 */
export const RATE_LIMITS = {
  /** Each passkey ceremony step per client address: 10 in 10 s. */
  passkeyClient: { binding: "PASSKEY_CLIENT_RATE_LIMITER", limit: 10, periodSeconds: 10 },
  /** Each registration step per invitation, from any address: 5 a minute. */
  passkeyInvitation: { binding: "PASSKEY_INVITATION_RATE_LIMITER", limit: 5, periodSeconds: 60 },
  /** Failed bearer credentials per client address: 10 a minute. */
  bearerFailures: { binding: "BEARER_FAILURE_RATE_LIMITER", limit: 10, periodSeconds: 60 },
  /** One lockout notice per limit and client (or invitation) a minute. */
  lockoutNotice: { binding: "LOCKOUT_NOTICE_RATE_LIMITER", limit: 1, periodSeconds: 60 },
} as const satisfies Record<string, LimitRule>;

/** The public passkey steps, each counted on its own: a sign-in is one options call and one answer. */
export const PASSKEY_STEPS = {
  sign_in_options: "passkey sign-in starts",
  sign_in: "passkey sign-in attempts",
  registration_options: "passkey registration starts",
  registration: "passkey registration attempts",
} as const;
export type PasskeyStep = keyof typeof PASSKEY_STEPS;

type PolicyContext = Context<PolicyEnv>;

/**
 * Notes a lockout once per rule and target a minute: an audit entry (`rate_limit.lockout`, by the anonymous
 * caller) and a log line, so an operator sees an attack without one entry per refused request.
 */
async function noteLockout(
  c: PolicyContext,
  rule: keyof typeof RATE_LIMITS,
  target: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const notice = await c.env[RATE_LIMITS.lockoutNotice.binding].limit({ key: `${rule}:${target}` });
  if (!notice.success) return;
  const { limit, periodSeconds } = RATE_LIMITS[rule];
  const facts = { rule, limit, periodSeconds, ...detail };
  console.warn(JSON.stringify({ level: "warn", event: "rate_limit_lockout", target, ...facts }));
  await c.var.audit("rate_limit.lockout", target, facts);
}

/** Route middleware: counts `step` for the client's address before validation or any work. */
export function limitPasskeyClient(step: PasskeyStep): MiddlewareHandler<PolicyEnv> {
  const rule = RATE_LIMITS.passkeyClient;
  return async (c, next) => {
    const client = clientAddress(c);
    await enforceRateLimit(c, c.env[rule.binding], `${step}:${client}`, PASSKEY_STEPS[step], {
      periodSeconds: rule.periodSeconds,
      onRefused: () => noteLockout(c, "passkeyClient", `client:${client}`, { step }),
    });
    await next();
  };
}

/** Counts `step` for an invitation, once the invitation is known and before anything is stored for it. */
export async function limitPasskeyInvitation(
  c: PolicyContext,
  step: Extract<PasskeyStep, `registration${string}`>,
  invitationId: string,
): Promise<void> {
  const rule = RATE_LIMITS.passkeyInvitation;
  await enforceRateLimit(
    c,
    c.env[rule.binding],
    `${step}:${invitationId}`,
    `${PASSKEY_STEPS[step]} for this invitation`,
    {
      periodSeconds: rule.periodSeconds,
      onRefused: () => noteLockout(c, "passkeyInvitation", `invitation:${invitationId}`, { step }),
    },
  );
}

/** The authenticate() option: failed bearer credentials per client address. */
export const bearerFailureLimit: BearerFailureLimit = {
  limiter: (c) => (c as PolicyContext).env[RATE_LIMITS.bearerFailures.binding],
  periodSeconds: RATE_LIMITS.bearerFailures.periodSeconds,
  onRefused: (c, client) => noteLockout(c as PolicyContext, "bearerFailures", `client:${client}`, {}),
};
