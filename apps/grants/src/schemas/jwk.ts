/**
 * The protocol's JWK schemas, shaped for the OpenAPI document: the protocol refuses a private part
 * with `d: z.never()`, which has no OpenAPI form, so here `d` is left out of the shape and refused by
 * a refinement instead — the same rule, documented.
 */
import { z } from "@hono/zod-openapi";
import { Ed25519PublicJwk, JwksKey, TerminalEnrolmentRequest } from "@tessera/protocol";

const noPrivatePart = (jwk: object) => !("d" in jwk);
const PRIVATE_PART = { message: "a public key must not carry its private part", path: ["d"] };

export const PublicJwk = Ed25519PublicJwk.omit({ d: true })
  .refine(noPrivatePart, PRIVATE_PART)
  .openapi("Ed25519PublicJwk", {
    description: "An Ed25519 public key as a JWK; a private part (`d`) is refused",
  });

export const PublishedKey = JwksKey.omit({ d: true }).openapi("JwksKey");

export const JwksDocument = z.object({ keys: z.array(PublishedKey) }).openapi("Jwks");

export const EnrolmentRequest = TerminalEnrolmentRequest.extend({ publicKey: PublicJwk }).openapi(
  "TerminalEnrolmentRequest",
);
