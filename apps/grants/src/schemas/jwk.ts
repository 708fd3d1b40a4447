/**
 * The protocol's JWK schemas, shaped for the OpenAPI document: the protocol refuses a private part
 * with `d: z.never()`, which has no OpenAPI form, so here `d` is left out of the shape and refused by
 * a refinement instead — the same rule, documented.
 */
import { z } from "@hono/zod-openapi";
import { Ed25519PublicJwk, JwksKey, KID_PATTERNS, TerminalEnrolmentRequest } from "@tessera/protocol";

const noPrivatePart = (jwk: object) => !("d" in jwk);
const PRIVATE_PART = { message: "a public key must not carry its private part", path: ["d"] };

export const PublicJwk = Ed25519PublicJwk.omit({ d: true })
  .refine(noPrivatePart, PRIVATE_PART)
  .openapi("Ed25519PublicJwk", {
    description: "An Ed25519 public key as a JWK; a private part (`d`) is refused",
  });

/** A key this Worker publishes for verifying grants: `tessera-grant-<version>`, or `tessera-<version>` (legacy). */
export const GrantVerificationKey = JwksKey.omit({ d: true })
  .extend({ kid: z.string().regex(KID_PATTERNS.grant) })
  .openapi("JwksKey");

/** A key this Worker publishes for verifying certificates: `tessera-cert-<version>`, or `tessera-<version>` (legacy). */
export const CertificateVerificationKey = JwksKey.omit({ d: true })
  .extend({ kid: z.string().regex(KID_PATTERNS.certificate) })
  .openapi("CertificateKey");

export const JwksDocument = z
  .object({ keys: z.array(GrantVerificationKey) })
  .openapi("Jwks", { description: "The keys that verify session grants, and only those" });

export const CertificateKeyDocument = z
  .object({ keys: z.array(CertificateVerificationKey) })
  .openapi("CertificateKeySet", {
    description:
      "The keys that verify terminal certificates on cards, in JWKS form; never the keys that verify grants (ADR 0004)",
  });

export const EnrolmentRequest = TerminalEnrolmentRequest.extend({ publicKey: PublicJwk }).openapi(
  "TerminalEnrolmentRequest",
);
