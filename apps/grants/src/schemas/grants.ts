/** Wire messages of grant issuance (`POST /v1/grants`). */
import { z } from "@hono/zod-openapi";
import { KeyVersion } from "@tessera/protocol";
import { CertificateKeyDocument, JwksDocument } from "./jwk.ts";

export const TerminalId = z
  .string()
  .regex(/^trm_[0-9a-f]{20}$/, "a terminal id such as trm_0123456789abcdef0123")
  .openapi({ example: "trm_5f2c0a9e41d7b3c86e10" });

export const GrantRequest = z
  .object({
    /** The enrolled terminal asking; the DPoP proof must be signed by its enrolled device key. */
    terminalId: TerminalId,
  })
  .openapi("GrantRequest");
export type GrantRequest = z.infer<typeof GrantRequest>;

export const GrantResponse = z
  .object({
    grant: z
      .string()
      .describe("The session grant: a compact JWS (EdDSA) with `kid`, bound to the device key by `cnf.jkt`"),
    certificate: z
      .string()
      .regex(/^[A-Za-z0-9_-]{143}$/)
      .describe("base64url of the 107-byte terminal certificate to write on cards (card protocol, ADR 0001)"),
    terminalId: TerminalId,
    terminalNumber: z.int().min(1).max(0xff_ffff).describe("The number cards carry for this terminal"),
    grantSeq: z.int().nonnegative().describe("This grant's sequence number (`gseq`)"),
    keyVersion: KeyVersion.describe(
      "Key version that signed the grant (its grant key) and the certificate (its certificate key)",
    ),
    policyVersion: z.int().min(1).describe("Policy version the grant was issued under (`pv`)"),
    denyListVersion: z
      .int()
      .nonnegative()
      .describe("Deny-list version the terminal must hold at least (`dlv`)"),
    jwks: JwksDocument.describe(
      "The keys that verify grants, the same as GET /.well-known/jwks.json: verify the grant with these",
    ),
    certificateKeys: CertificateKeyDocument.describe(
      "The keys that verify terminal certificates, the same as GET /.well-known/tessera-certificate-keys.json: verify the certificate, and the cards you read, with these",
    ),
    issuedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    refreshAt: z.iso
      .datetime()
      .describe("Ask for the next grant from here on; before it, the same grant is returned"),
  })
  .openapi("GrantResponse");
export type GrantResponse = z.infer<typeof GrantResponse>;
